"""The abuse limits hold across processes: two Python processes, each a separate Django, sign up
from one address at the same time through the shared `ratelimit` cache (the database table; Redis
too when REDIS_URL is set)."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "tests" / "config" / "limit_worker.py"
LIMIT = 4
ATTEMPTS_EACH = 5

CACHES = ["database"] + (["redis"] if os.environ.get("REDIS_URL") else [])


def database_url(tmp_path) -> str:
    """The test database on PostgreSQL (committed rows are visible to other processes), a fresh
    migrated file on SQLite (the test database there lives in memory)."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    return f"sqlite:///{tmp_path / 'limits.sqlite3'}"


def run(args, env, **kwargs):
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        **kwargs,
    )


@pytest.mark.parametrize("cache", CACHES)
def test_two_processes_from_one_address_sign_up_no_more_than_the_limit(
    transactional_db, tmp_path, cache
):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(tmp_path),
        "RATE_SIGNUP": f"{LIMIT}/h",
        "SIGNUP_MIN_SECONDS": "0",
        "DEBUG": "false",
    }
    if cache == "database":
        env.pop("REDIS_URL", None)
    if connection.vendor != "postgresql":
        run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    run(["manage.py", "createcachetable"], env)
    address = f"198.51.100.{random.randint(1, 254)}"  # a count of its own, whatever ran before

    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), address, prefix, str(ATTEMPTS_EACH)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("left", "right")
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    codes = [code for out, _err in outputs for code in json.loads(out.strip().splitlines()[-1])]
    assert sorted(set(codes)) == [302, 429]
    assert codes.count(302) == LIMIT
    if connection.vendor == "postgresql":
        assert get_user_model().objects.count() == LIMIT
