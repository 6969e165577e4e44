"""One of the processes of tests/config/test_limits_processes.py: sign up accounts, or vote as one
account, from one address through the real views, one request after another; print the status
codes as JSON.

    python tests/config/limit_worker.py <address> <username prefix> <attempts>
    python tests/config/limit_worker.py <address> vote:<username>:<framework slug> <attempts>
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

PASSWORD = "a-Long-enough-passw0rd"


def sign_up(address: str, prefix: str, attempts: int) -> list[int]:
    codes = []
    for n in range(attempts):
        data = {"username": f"{prefix}{n}", "password1": PASSWORD, "password2": PASSWORD}
        codes.append(Client(REMOTE_ADDR=address).post("/accounts/signup/", data).status_code)
    return codes


def vote(address: str, username: str, slug: str, attempts: int) -> list[int]:
    """Up, then take it back, and so on: every POST is a real change of the vote."""
    client = Client(REMOTE_ADDR=address)
    client.force_login(get_user_model().objects.get(username=username))
    values = ["up", "clear"] * attempts
    return [
        client.post(f"/frameworks/{slug}/vote/", {"value": value}).status_code
        for value in values[:attempts]
    ]


def main(address: str, what: str, attempts: int) -> None:
    if what.startswith("vote:"):
        _, username, slug = what.split(":")
        codes = vote(address, username, slug, attempts)
    else:
        codes = sign_up(address, what, attempts)
    print(json.dumps(codes))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
