"""The container files describe the deployment the README promises (no engine runs here)."""

import re
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())


def test_compose_runs_postgresql_redis_two_app_servers_and_a_proxy():
    services = compose()["services"]

    assert set(services) == {"db", "redis", "migrate", "app1", "app2", "jobs", "proxy"}
    assert "manage.py release_votes" in services["jobs"]["command"][-1]
    assert "manage.py find_rings" in services["jobs"]["command"][-1]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("app1", "app2"):
        app = services[name]
        assert app["build"] == "."
        assert app["environment"]["DJANGO_ENV"] == "production"
        assert app["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert app["environment"]["DATABASE_URL"].startswith("postgres://pywebrank:")
        assert app["environment"]["EMAIL_HOST"].startswith("${EMAIL_HOST:?")
        assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["proxy"]["depends_on"] == {
        "app1": {"condition": "service_healthy"},
        "app2": {"condition": "service_healthy"},
    }


def test_redis_has_a_memory_bound_and_evicts_the_least_recently_used_keys():
    # The page cache keeps one entry per distinct address, query string included, for
    # PAGE_CACHE_SECONDS: addresses with made-up query strings (?x=1, ?x=2, …) would otherwise
    # grow Redis until the host runs out of memory. Every key the site keeps there may go:
    # pages are rendered again, sessions are read from the database, a lost page version is
    # set anew (every page rendered afresh), a lost count starts again.
    command = compose()["services"]["redis"]["command"]
    options = dict(zip(command[1::2], command[2::2], strict=False))

    assert re.fullmatch(r"\d+[mg]b", options.get("--maxmemory", ""))
    assert options.get("--maxmemory-policy") == "allkeys-lru"


def test_migrations_run_once_before_the_app_servers_start():
    migrate = compose()["services"]["migrate"]
    command = " ".join(migrate["command"])
    assert "manage.py migrate --noinput" in command
    assert "createcachetable" in command
    assert migrate["restart"] == "no"


def test_the_image_is_multi_stage_non_root_and_ready_by_healthz():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert len(re.findall(r"^FROM ", dockerfile, re.M)) == 2
    assert re.search(r"^USER pywebrank$", dockerfile, re.M)
    assert "useradd --system --uid 10001" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "SECRET_KEY=build-only" not in dockerfile.split("FROM python:3.11-slim\n")[-1]
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".env", "tests", "*.sqlite3"} <= set(ignored)


def test_the_proxy_passes_the_scheme_the_client_and_the_request_id_and_probes_over_http():
    nginx = (BASE_DIR / "config" / "deploy" / "nginx.conf").read_text()

    assert "server app1:8000" in nginx and "server app2:8000" in nginx
    assert "location = /healthz" in nginx
    assert "return 301 https://$host$request_uri;" in nginx
    assert "proxy_set_header X-Forwarded-Proto https;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "proxy_set_header X-Request-ID $pywebrank_request_id;" in nginx
    assert compose()["services"]["app1"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


def test_gunicorn_workers_freeze_what_they_loaded_out_of_the_collectors_sight():
    import gc
    import runpy

    hooks = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000  # Django and the site, loaded by the test run
    finally:
        gc.unfreeze()


def test_gunicorn_workers_load_the_urls_and_catalogs_before_their_first_request():
    """In a fresh interpreter, as a worker starts: django.setup() alone loads neither the URLconf
    nor the English catalogs; post_worker_init loads both, and every language's catalogs."""
    from tests.test_settings import run_python

    script = (
        "import runpy, sys, django; django.setup()\n"
        "from django.utils.translation import trans_real\n"
        "before = ('config.urls' in sys.modules, sorted(trans_real._translations))\n"
        "runpy.run_path('config/gunicorn.conf.py')['post_worker_init'](worker=None)\n"
        "print(before, 'config.urls' in sys.modules, sorted(trans_real._translations))\n"
    )
    result = run_python(script, DJANGO_SETTINGS_MODULE="config.settings")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["(False,", "['zh-hans'])", "True", "['en',", "'zh-hans']"]


def test_gunicorn_workers_compile_the_templates_before_freezing_so_pages_leave_little_to_collect(
    tmp_path,
):
    """A worker's first pages compile templates and fill the URL patterns' reverse tables: made
    after the freeze, the collector walked those 10,000-odd objects on every full collection
    for the worker's whole life. post_worker_init makes them before it freezes; rendering pages
    afterwards leaves next to nothing the collector follows."""
    from tests.test_settings import run_python

    script = (
        "import gc, runpy, django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from pathlib import Path\n"
        "from django.template import engines\n"
        "from django.test import Client\n"
        "runpy.run_path('config/gunicorn.conf.py')['post_worker_init'](worker=None)\n"
        "loader = engines['django'].engine.template_loaders[0]\n"
        "site = Path('templates')\n"
        "names = {p.relative_to(site).as_posix() for p in site.rglob('*.html')}\n"
        "print(sorted(names - set(loader.get_template_cache)))\n"
        "client = Client()\n"
        "for path in ('/', '/?sort=name', '/about/ranking/', '/compare/', '/accounts/login/'):\n"
        "    for language in ('en', 'zh-hans'):\n"
        "        assert client.get(path, HTTP_ACCEPT_LANGUAGE=language).status_code == 200\n"
        "gc.collect()\n"
        "print(len(gc.get_objects()))\n"
    )
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = run_python(script, DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=database)

    assert result.returncode == 0, result.stderr
    not_compiled, tracked = result.stdout.split("\n")[-3:-1]
    assert not_compiled == "[]"
    assert int(tracked) < 5_000  # without the templates compiled first: about 11,000


def test_gunicorn_workers_keep_their_heartbeat_in_memory():
    import runpy

    settings = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))

    assert settings["worker_tmp_dir"] == "/dev/shm"


def test_gunicorn_builds_no_access_lines_the_site_logs_itself():
    import runpy

    from gunicorn.config import Config

    settings = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))
    config = Config()
    config.set("logconfig_dict", settings["logconfig_dict"])
    logger = settings["logger_class"](config)

    assert settings["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == []
    assert logger.access_log_enabled is False


def test_gunicorn_opens_no_control_socket_another_instance_would_fight_over(tmp_path):
    """gunicorn (25.1 and later) opens a control socket at one path per user ($XDG_RUNTIME_DIR or
    ~/.gunicorn): two servers on one host (a blue-green switch, `make cluster-check`) take it from
    each other, and when they start together one logs an ERROR. The site uses none."""
    import os
    import signal
    import subprocess
    import time

    from tests.deploy.harness import free_port, gunicorn

    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    options = ("--config", "config/gunicorn.conf.py", "--workers", "1", "--log-level", "info")
    server = gunicorn(env, port, "config.wsgi", *options, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # the control server starts in a thread of its own
        sockets = list(tmp_path.rglob("*.ctl"))
    finally:
        server.send_signal(signal.SIGTERM)
        _out, log = server.communicate(timeout=30)

    assert sockets == []
    assert "Control socket listening" not in log
    assert "Booting worker" in log  # the log was read: the server did start
