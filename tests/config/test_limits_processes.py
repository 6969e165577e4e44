"""The abuse limits hold across processes: two Python processes, each a separate Django, sign up
from one address, or vote as one account from two addresses, at the same time through the shared
`ratelimit` cache (the database table; Redis too when REDIS_URL is set)."""

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


def environment(tmp_path, cache, **limits) -> dict:
    """The workers' environment, with their database migrated and the cache table made."""
    env = {**os.environ, "DATABASE_URL": database_url(tmp_path), "DEBUG": "false", **limits}
    if cache == "database":
        env.pop("REDIS_URL", None)
    if connection.vendor != "postgresql":
        run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    run(["manage.py", "createcachetable"], env)
    return env


def side_by_side(env, jobs) -> list[int]:
    """Run the workers at once, one per (address, what); every status code they got."""
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), address, what, str(ATTEMPTS_EACH)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for address, what in jobs
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * len(jobs), outputs
    return [code for out, _err in outputs for code in json.loads(out.strip().splitlines()[-1])]


def an_address() -> str:
    return f"198.51.100.{random.randint(1, 254)}"  # a count of its own, whatever ran before


@pytest.mark.parametrize("cache", CACHES)
def test_two_processes_from_one_address_sign_up_no_more_than_the_limit(
    transactional_db, tmp_path, cache
):
    env = environment(tmp_path, cache, RATE_SIGNUP=f"{LIMIT}/h", SIGNUP_MIN_SECONDS="0")
    address = an_address()

    codes = side_by_side(env, [(address, "left"), (address, "right")])

    assert sorted(set(codes)) == [302, 429]
    assert codes.count(302) == LIMIT
    if connection.vendor == "postgresql":
        assert get_user_model().objects.count() == LIMIT


@pytest.mark.parametrize("cache", CACHES)
def test_two_processes_voting_as_one_account_from_two_addresses_cast_no_more_than_the_limit(
    transactional_db, tmp_path, cache
):
    """The per-account count is shared too: a second address does not double the allowance."""
    env = environment(tmp_path, cache, RATE_VOTE=f"{LIMIT}/h", VOTE_HOLD_DAYS="0")
    name = f"voter{random.randint(1, 10**9)}"  # a count of its own, whatever ran before
    run(["manage.py", "load_seed"], env)
    run(
        [
            "manage.py",
            "shell",
            "-c",
            f"from tests.factories import UserFactory; UserFactory(username='{name}')",
        ],
        env,
    )

    codes = side_by_side(
        env, [(an_address(), f"vote:{name}:flask"), (an_address(), f"vote:{name}:django")]
    )

    assert sorted(set(codes)) == [303, 429]
    assert codes.count(303) == LIMIT
