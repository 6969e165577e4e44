"""Load benchmark: real gunicorn serving the site, driven from a second process on loopback.

    make bench                      # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pywebrank_bench make bench

It builds a populated database (the 37 seed frameworks, BENCH_USERS users, their votes and
reviews), starts gunicorn with production settings, warms up, then sends a bounded number of
requests per page at a fixed concurrency. Timings on shared machines are noisy, so every figure is
compared with a baseline measured in the same run: /about/ranking/, a page that goes through the
whole stack (middleware, session, base template, translations) but runs no query of its own, so
the ratio is what the data work of a page costs. Targets: p95 latency per page under BENCH_P95_MS
(default 250 ms), and no page's median above BENCH_MAX_RATIO (default 15) times the baseline's.
Exits non-zero when a target is missed or a request fails.
"""

import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
USERS = int(os.environ.get("BENCH_USERS", "300"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))  # per page
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
P95_TARGET_MS = float(os.environ.get("BENCH_P95_MS", "250"))
MAX_RATIO = float(os.environ.get("BENCH_MAX_RATIO", "15"))
PAGES = [
    "/healthz",
    "/",
    "/?sort=rating",
    "/?sort=trending",
    "/?q=%E5%BC%82%E6%AD%A5",
    "/?tag=async",
    "/frameworks/django/",
    "/frameworks/flask/?rsort=newest",
    "/tags/",
    "/compare/?f=django&f=flask&f=fastapi",
    "/api/frameworks/",
    "/api/frameworks/django/",
    "/about/ranking/",
]
BASELINE = "/about/ranking/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def populate(env: dict) -> None:
    """Migrate, seed, and add users, votes and reviews through the services."""
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*manage, "load_seed"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    script = f"""
import random
from django.contrib.auth import get_user_model
from catalog.models import Framework
from reviews import services
User = get_user_model()
rng = random.Random(7)
frameworks = list(Framework.objects.all())
if not User.objects.filter(username__startswith="bench").exists():
    users = User.objects.bulk_create(
        [User(username=f"bench{{i}}", password="!") for i in range({USERS})]
    )
    for user in users:
        for framework in rng.sample(frameworks, 8):
            services.vote_cast(user=user, framework=framework, value=rng.choice([1, 1, -1]))
        for framework in rng.sample(frameworks, 2):
            services.review_save(
                user=user, framework=framework, rating=rng.randint(1, 5),
                title="Benchmark review", body="**Solid** choice for our team. " * 20,
            )
"""
    subprocess.run([*manage, "shell", "-c", script], env=env, check=True)


def fetch(port: int, path: str, results: list, errors: list, count: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Language": random.choice(["en", "zh-hans"])}
    for _ in range(count):
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{path}: HTTP {response.status}")
        except OSError as exc:
            errors.append(f"{path}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        results.append((time.perf_counter() - start) * 1000)
    conn.close()


def measure(port: int, path: str) -> tuple[list[float], list[str], float]:
    results: list[float] = []
    errors: list[str] = []
    per_thread = max(1, REQUESTS // CONCURRENCY)
    threads = [
        threading.Thread(target=fetch, args=(port, path, results, errors, per_thread))
        for _ in range(CONCURRENCY)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="pywebrank-bench-"))
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="bench-only-secret",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        API_ANON_RATE="1000000/min",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback, no TLS proxy in front
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(BASE_DIR),
    )
    print(f"database: {env['DATABASE_URL'].split('@')[-1]}; populating …", flush=True)
    populate(env)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
            "--log-level", "warning", "--chdir", str(BASE_DIR),
        ],
        env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        for path in PAGES:  # warm up every worker's caches and connections
            fetch(port, path, [], [], 4)
        print(
            f"gunicorn {WORKERS} workers; {REQUESTS} requests per page at concurrency "
            f"{CONCURRENCY}\n"
        )
        print(f"{'page':45} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'×base':>6}")
        failures, rows = [], []
        for path in PAGES:
            times, errors, elapsed = measure(port, path)
            failures += errors[:3]
            rows.append(
                (path, len(times) / elapsed, statistics.median(times), percentile(times, 0.95))
            )
        base_p50 = next(row[2] for row in rows if row[0] == BASELINE)
        for path, rate, p50, p95 in rows:
            ratio = p50 / base_p50
            flag = ""
            if p95 > P95_TARGET_MS or (path != BASELINE and ratio > MAX_RATIO):
                flag = "  MISSED"
                failures.append(f"{path}: p95 {p95:.1f} ms, {ratio:.1f}× baseline")
            print(f"{path:45} {rate:8.1f} {p50:8.1f} {p95:8.1f} {ratio:6.1f}{flag}")
        print(f"\ntargets: p95 < {P95_TARGET_MS:.0f} ms; p50 ≤ {MAX_RATIO:.0f}× {BASELINE}")
        if failures:
            print("FAILED:\n  " + "\n  ".join(failures))
            return 1
        print("all targets met")
        return 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
