"""config.settings read from the environment, each case in a fresh interpreter."""

import importlib
import json
import os
import re
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
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "CSP_REPORT_ONLY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest
)
# The README's production environment (Deployment), minus what each test varies.
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "Yq3v8H0rQm2-Lk7sX9tW4pZ1aB6cD5eF0gH8iJ7kL3mN2oP1qR4sT6uV9wX0yZ2aB4c",
    "ALLOWED_HOSTS": "pywebrank.example",
    "DATABASE_URL": "postgres://pywebrank:secret@127.0.0.1:5432/pywebrank",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.pywebrank.example",
}
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
    "SESSION_ENGINE": s.SESSION_ENGINE,
}))
"""


def run_python(code, *arguments, **variables) -> subprocess.CompletedProcess:
    """Run Python code (`-c`) or a script in a fresh interpreter with only these variables set."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(variables)
    command = ["-c", code] if code else []
    return subprocess.run(
        [sys.executable, *command, *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def import_settings(**variables) -> subprocess.CompletedProcess:
    return run_python(REPORT, **variables)


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
        DJANGO_ENV="production",
        SECRET_KEY="s3cret-from-the-env",
        ALLOWED_HOSTS="example.org",
        EMAIL_HOST="smtp.example.org",
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
    assert settings["ENGINE"] == "config.postgresql"  # Django's, with a cheaper health check
    assert settings["NAME"] == "pywebrank"


def test_redis_url_selects_the_redis_cache():
    settings = settings_with(REDIS_URL="redis://cache.example.org:6379/1")
    assert settings["CACHE"] == "config.cache.RedisCache"
    assert settings["CACHE_LOCATION"] == "redis://cache.example.org:6379/1"


def test_redis_url_serves_sessions_from_redis_and_keeps_them_in_the_database():
    with_redis = settings_with(REDIS_URL="redis://cache.example.org:6379/1")
    without = settings_with(DATABASE_URL="postgres://user:pw@db.example.org:5432/pywebrank")

    assert with_redis["SESSION_ENGINE"] == "config.sessions"  # Django's cached_db, watched
    assert issubclass(
        importlib.import_module("config.sessions").SessionStore,
        importlib.import_module("django.contrib.sessions.backends.cached_db").SessionStore,
    )
    assert without["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_the_redis_cache_makes_its_client_once_per_process():
    """Django's own makes a redis.Redis per call, which cost more than the GET it sends."""
    from config.cache import RedisCache

    backend = RedisCache("redis://cache.example.org:6379/1", {})  # connects on first command

    assert backend._cache.get_client("a") is backend._cache.get_client("b", write=True)


def test_production_without_redis_uses_the_database_cache_every_worker_sees():
    without_redis = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}
    settings = settings_with(**without_redis)
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
        result = run_python(
            THROTTLED_REQUEST,
            DJANGO_ENV="production",
            SECRET_KEY="s",
            ALLOWED_HOSTS="example.org",
            EMAIL_HOST="smtp.example.org",
            DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
            DJANGO_SETTINGS_MODULE="config.settings",
            API_ANON_RATE="3/min",
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    # Two processes, like two gunicorn workers: the second sees the first one's two requests.
    assert worker() == ["True", "True"]
    assert worker() == ["True", "False"]


def test_production_refuses_to_start_without_a_mail_server():
    result = import_settings(**{**PRODUCTION, "EMAIL_HOST": ""})
    assert result.returncode != 0
    assert "ImproperlyConfigured: Mail is not configured: set EMAIL_HOST" in result.stderr


def test_production_accepts_an_explicit_mail_backend_instead_of_a_host():
    variables = {**PRODUCTION, "EMAIL_HOST": "", "EMAIL_BACKEND": "anymail.backends.x.EmailBackend"}
    assert import_settings(**variables).returncode == 0


def test_development_needs_no_mail_server():
    assert import_settings(EMAIL_HOST="").returncode == 0


def test_check_deploy_is_silent_with_the_readmes_production_variables():
    result = run_python(
        None, "manage.py", "check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Only the checks settings.SILENCED_SYSTEM_CHECKS names on purpose may be silenced.
    assert re.fullmatch(
        r"System check identified no issues \(\d+ silenced\)\.", result.stdout.strip()
    )


def test_csp_report_only_switch_moves_the_policy_to_report_only():
    script = (
        "import json, config.settings as s; print(json.dumps("
        "[s.CONTENT_SECURITY_POLICY, s.CONTENT_SECURITY_POLICY_REPORT_ONLY]))"
    )
    run = run_python(script, CSP_REPORT_ONLY="true")
    enforced, report_only = json.loads(run.stdout)
    assert enforced is None
    assert report_only["DIRECTIVES"]["script-src"] == ["'self'"]
    assert report_only["DIRECTIVES"]["report-uri"] == ["/csp-report/"]


def test_production_keeps_every_template_compiled_in_memory():
    """The cached loader (Django's default when no loaders are named): a template, the form
    widgets' included, is read and compiled once per process, not on every request."""
    code = (
        "import django, json; django.setup()\n"
        "from django.forms.renderers import get_default_renderer\n"
        "from django.template import engines\n"
        "site, forms = engines['django'].engine, get_default_renderer().engine.engine\n"
        "print(json.dumps([type(e.template_loaders[0]).__module__ for e in (site, forms)]))"
    )
    result = run_python(
        code,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        SECRET_KEY="s3cret-from-the-env",
        EMAIL_HOST="smtp.example.org",
    )
    assert result.returncode == 0, result.stderr
    loaders = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaders == ["django.template.loaders.cached"] * 2
