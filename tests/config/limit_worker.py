"""One of the processes of tests/config/test_limits_processes.py: sign up accounts from one
address through the real view, one request after another; print the status codes as JSON.

    python tests/config/limit_worker.py <address> <username prefix> <attempts>
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.test import Client  # noqa: E402

PASSWORD = "a-Long-enough-passw0rd"


def main(address: str, prefix: str, attempts: int) -> None:
    codes = []
    for n in range(attempts):
        data = {"username": f"{prefix}{n}", "password1": PASSWORD, "password2": PASSWORD}
        codes.append(Client(REMOTE_ADDR=address).post("/accounts/signup/", data).status_code)
    print(json.dumps(codes))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
