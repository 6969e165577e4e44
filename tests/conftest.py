import io
import os

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from catalog.models import Framework
from config import limits
from tests.factories import FrameworkFactory

# Property tests (tests/test_fuzz.py): "ci" is bounded and repeatable (the same examples every
# run, no example database, no deadline on a shared machine); "deep" looks much harder, by hand:
# HYPOTHESIS_PROFILE=deep .venv/bin/python -m pytest tests/test_fuzz.py
hypothesis_settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "deep",
    parent=hypothesis_settings.get_profile("ci"),
    max_examples=1000,
    derandomize=False,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The Redis the tests marked `redis` use (their keys are their own); CI starts one.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _redis_answers() -> bool:
    try:
        client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
        with client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def pytest_collection_modifyitems(config, items):
    """Leave out (deselect, not skip) the tests marked `postgres` on SQLite, and those marked
    `redis` where no Redis answers at TEST_REDIS_URL (a new machine; CI has both)."""
    left_out = {}
    if connection.vendor != "postgresql":
        left_out["PostgreSQL-only"] = "SQLite here (set DATABASE_URL)"
    if any(item.get_closest_marker("redis") for item in items) and not _redis_answers():
        left_out["Redis"] = f"no Redis at {TEST_REDIS_URL} (set TEST_REDIS_URL)"
    lines = []
    for kind, why in left_out.items():
        marker = "postgres" if kind == "PostgreSQL-only" else "redis"
        out = [item for item in items if item.get_closest_marker(marker)]
        if out:
            config.hook.pytest_deselected(items=out)
            items[:] = [item for item in items if not item.get_closest_marker(marker)]
            lines.append(f"{len(out)} {kind} tests deselected: {why}.")
    config.stash[DESELECTED] = lines


def pytest_report_collectionfinish(config, start_path, items):
    return config.stash.get(DESELECTED, []) or None


DESELECTED = pytest.StashKey[list]()


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    """Test-only speed-ups: a fast password hasher and private local-memory caches.

    Abuse limits, the sign-up timer and the hold on new accounts' votes are off; the tests of
    those turn them on (`limits_on`, `settings.VOTE_HOLD_DAYS = 3`). The page cache is off (tests
    change rows behind the services' back); the tests of the cache turn it on (`page_cache_on`).
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": locmem, "ratelimit": {**locmem, "LOCATION": "ratelimit"}}
    settings.PAGE_CACHE_SECONDS = 0
    settings.LANGUAGE_CODE = "en"
    for name in limits.RATES.values():
        setattr(settings, name, "0")
    settings.SIGNUP_MIN_SECONDS = 0
    settings.VOTE_HOLD_DAYS = 0


@pytest.fixture
def page_cache_on(settings):
    """The page cache on (config/pagecache.py, config/fragments.py), starting empty."""
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()


@pytest.fixture
def seeded(db):
    """The site's seed: all 37 frameworks from fixtures/frameworks.json."""
    call_command("load_seed", stdout=io.StringIO())
    return Framework.objects.all()


@pytest.fixture
def en(client):
    """A client that asks for English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def flask(db):
    """One published framework, Flask, outside the seed."""
    return FrameworkFactory(name="Flask", slug="flask")
