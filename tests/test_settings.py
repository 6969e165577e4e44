"""config.settings read from the environment, each case in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_VARIABLES = (
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
)
REPORT = """
import json
import config.settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "NAME": str(s.DATABASES["default"]["NAME"]),
    "CACHE": s.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": s.CACHES["default"].get("LOCATION", ""),
}))
"""


def import_settings(script: str = REPORT, **variables) -> subprocess.CompletedProcess:
    """Run the script in a fresh interpreter with only these settings variables set."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(**variables) -> dict:
    result = import_settings(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings(DJANGO_ENV="production")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_an_empty_secret_key():
    result = import_settings(DJANGO_ENV="production", SECRET_KEY="")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_with_a_secret_key_starts_without_debug():
    settings = settings_with(
        DJANGO_ENV="production", SECRET_KEY="s3cret-from-the-env", ALLOWED_HOSTS="example.org"
    )
    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == "s3cret-from-the-env"
    assert settings["ALLOWED_HOSTS"] == ["example.org"]


def test_development_defaults_to_debug_on_an_embedded_sqlite_file():
    settings = settings_with()
    assert settings["DEBUG"] is True
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert settings["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"


def test_debug_can_be_switched_off_in_development():
    assert settings_with(DEBUG="false")["DEBUG"] is False


def test_database_url_selects_postgresql():
    settings = settings_with(DATABASE_URL="postgres://user:pw@db.example.org:5432/pywebrank")
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert settings["NAME"] == "pywebrank"


def test_redis_url_selects_the_redis_cache():
    settings = settings_with(REDIS_URL="redis://cache.example.org:6379/1")
    assert settings["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["CACHE_LOCATION"] == "redis://cache.example.org:6379/1"


def test_production_without_redis_uses_the_database_cache_every_worker_sees():
    settings = settings_with(DJANGO_ENV="production", SECRET_KEY="s", ALLOWED_HOSTS="example.org")
    assert settings["CACHE"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings["CACHE_LOCATION"] == "pywebrank_cache"


# Counts one anonymous API request per run through the throttle, in its own interpreter.
THROTTLED_REQUEST = """
import django
django.setup()
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.request import Request
from catalog.api import FrameworkViewSet
from rest_framework.throttling import AnonRateThrottle
call_command("createcachetable", verbosity=0)
request = Request(RequestFactory().get("/api/tags/", REMOTE_ADDR="192.0.2.7"))
request.user = None
throttle, view = AnonRateThrottle(), FrameworkViewSet()
print(" ".join(str(throttle.allow_request(request, view)) for _ in range(2)))
"""


def test_two_processes_share_the_throttle_count_in_production(tmp_path):
    def worker() -> str:
        result = import_settings(
            THROTTLED_REQUEST,
            DJANGO_ENV="production",
            SECRET_KEY="s",
            ALLOWED_HOSTS="example.org",
            DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
            DJANGO_SETTINGS_MODULE="config.settings",
            API_ANON_RATE="3/min",
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    # Two processes, like two gunicorn workers: the second sees the first one's two requests.
    assert worker() == ["True", "True"]
    assert worker() == ["True", "False"]
