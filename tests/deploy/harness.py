"""Real gunicorn servers in production mode on loopback, and a small browser for driving them.

Shared by `make cluster-check` (tests/deploy/cluster_check.py) and `make soak`
(tests/deploy/soak.py); `make bench` and `make lighthouse` start their server with `gunicorn()`.
Every setting can be overridden from the environment: the defaults below are applied only where
the caller's environment says nothing (e.g. `RATE_VOTE=120/h make soak`).
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "cluster-Passw0rd-long-enough"

# Production settings, with what a loopback run needs: mail kept in memory, limits off (0), votes
# counted at once. The requests carry X-Forwarded-Proto: https as a TLS proxy would add it, so
# SSL redirect, HSTS and secure cookies stay exactly as in production.
DEFAULTS = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "loopback-only-secret-key-for-cluster-check-and-soak-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "INFO",
    "API_ANON_RATE": "1000000/min",
    "API_USER_RATE": "1000000/min",
    "RATE_SIGNUP": "0",
    "RATE_VOTE": "0",
    "RATE_REVIEW": "0",
    "RATE_HELPFUL": "0",
    "RATE_REPORT": "0",
    "RATE_PASSWORD_RESET": "0",
    "VOTE_HOLD_DAYS": "0",
}


def server_environment(database_url: str, redis_url: str, **defaults: str) -> dict:
    env = {**DEFAULTS, **defaults, **os.environ}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    env["PYTHONPATH"] = str(BASE_DIR)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env: dict, *arguments: str, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")
    return result


def fresh_database(database_url: str) -> None:
    """Drop and create the run's own PostgreSQL database (its name must say cluster or soak)."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not re.search(r"cluster|soak", name):
        sys.exit(
            f"refusing to recreate {name!r}: give a PostgreSQL database named *cluster*/*soak*"
        )
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(env: dict, users: int) -> None:
    """Schema, seed, static files and `users` accounts (user0…) sharing one password."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "load_seed")
    manage(env, "compile_translations")
    manage(env, "collectstatic", "--noinput", "-v0")
    script = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
for cache in caches.all():
    cache.clear()
User = get_user_model()
password = make_password({PASSWORD!r})
User.objects.bulk_create([User(username=f"user{{i}}", password=password) for i in range({users})])
"""
    manage(env, "shell", "-c", script)


def fresh_site(database_url: str, redis_url: str, users: int, **defaults: str) -> dict:
    """A recreated database and cleared cache, prepared; the servers' environment."""
    env = server_environment(database_url, redis_url, **defaults)
    print(f"database {database_url.rsplit('@', 1)[-1]}, cache {redis_url}; preparing …", flush=True)
    fresh_database(database_url)
    prepare(env, users=users)
    return env


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(
    env: dict, port: int, app: str, *options: str, wait: float = 30, **popen
) -> subprocess.Popen:
    """gunicorn serving `app` on a loopback port, returned once the port takes connections;
    `popen` goes to subprocess.Popen (stderr=subprocess.PIPE to read its log)."""
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", "--chdir", str(BASE_DIR), *options,
        ],
        env=env,
        **popen,
    )  # fmt: skip
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not answer on port {port}")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Server:
    """One gunicorn master and its workers on a loopback port; stderr (JSON logs) to a file."""

    def __init__(self, env: dict, port: int, workers: int, log_path: Path):
        self.port = port
        self.log_path = log_path
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi",
                "--config", str(BASE_DIR / "config" / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--chdir", str(BASE_DIR), "--graceful-timeout", "5",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_path.open("w"),
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn on {self.port} exited; see {self.log_path}")
            try:
                if Browser(self.port).get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        sys.exit(f"gunicorn on {self.port} never answered /healthz; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        return sorted(children(self.process.pid))

    def worker_rss_mib(self) -> dict[int, float]:
        """Resident memory of each worker, MiB, from /proc/<pid>/status."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kib = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
            sizes[pid] = kib / 1024
        return sizes

    def log_entries(self) -> list[dict]:
        """The server's log, each line read as JSON; a line that is not JSON fails loudly."""
        entries = []
        for line in self.log_path.read_text().splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError as error:
                raise AssertionError(f"not a JSON log line: {line[:200]}") from error
        return entries

    def error_lines(self) -> list[dict]:
        return [entry for entry in self.log_entries() if entry["level"] in ("ERROR", "CRITICAL")]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Browser:
    """A person's browser, reduced: cookies, CSRF token, no redirects followed, one connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = None

    def _request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # a kept-alive connection the server closed is reopened once
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text, response.headers

    def get(self, path: str):
        return self._request("GET", path)

    def post(self, path: str, fields: dict):
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        body = urlencode({**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://127.0.0.1:{self.port}",
            "Referer": f"https://127.0.0.1:{self.port}/",
        }
        return self._request("POST", path, body, headers)

    def log_in(self, username: str) -> None:
        self.get("/accounts/login/")
        status = self.post("/accounts/login/", {"username": username, "password": PASSWORD})[0]
        if status != 302:
            raise RuntimeError(f"login of {username} on {self.port} answered {status}")

    def on(self, port: int) -> "Browser":
        """The same person (same cookies) continuing on another server."""
        other = Browser(port)
        other.cookies = self.cookies
        return other

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def vote_counts(html: str, slug: str) -> tuple[int, int]:
    """Up- and down-votes shown in the framework's vote widget on a page."""
    match = re.search(
        rf'id="vote-{re.escape(slug)}"[\s\S]*?data-role="upvotes">(\d+)<'
        rf'[\s\S]*?data-role="downvotes">(\d+)<',
        html,
    )
    if match is None:
        raise AssertionError(f"no vote widget for {slug} on the page")
    return int(match.group(1)), int(match.group(2))
