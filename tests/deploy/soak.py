"""Soak: SOAK_CLIENTS people for SOAK_SECONDS against gunicorn on PostgreSQL, on loopback.

    make soak                                  # 10 minutes, 32 clients
    SOAK_SECONDS=120 make soak                 # a shorter run

Mixed traffic: anonymous reads, logged-in reads, votes (up, down, clear) and review writes and
edits, each client a thread with its own connections. Bounded by time and by SOAK_MAX_REQUESTS.
Prints the error count (must be 0), p50/p99 latency per kind, each worker's resident memory after
the warm-up and at the end (growth must stay under SOAK_MAX_RSS_GROWTH_MIB per worker), and runs
`recount --check` afterwards. The database (named *soak*) is recreated for the run; the Redis
database is cleared. Not part of CI: it runs for minutes on purpose.
"""

import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from tests.deploy.harness import Browser, Server, fresh_site, manage

DATABASE_URL = os.environ.get(
    "SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pywebrank_soak"
)
REDIS_URL = os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/15")
PORT = int(os.environ.get("SOAK_PORT", "8223"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
WARMUP_SECONDS = float(os.environ.get("SOAK_WARMUP_SECONDS", "30"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "32"))
WORKERS = int(os.environ.get("SOAK_WORKERS", "4"))
MAX_REQUESTS = int(os.environ.get("SOAK_MAX_REQUESTS", "1000000"))
MAX_RSS_GROWTH_MIB = float(os.environ.get("SOAK_MAX_RSS_GROWTH_MIB", "64"))
# Share of each kind of request.
MIX = {"anonymous read": 40, "logged-in read": 30, "vote": 20, "review edit": 10}
EXPECTED = {"anonymous read": {200}, "logged-in read": {200}, "vote": {303}, "review edit": {303}}


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors: list[str] = []
        self.requests = 0

    def add(self, kind: str, milliseconds: float, problem: str | None) -> bool:
        with self.lock:
            self.requests += 1
            self.times[kind].append(milliseconds)
            if problem:
                self.errors.append(f"{kind}: {problem}")
            return self.requests < MAX_REQUESTS


def client(number: int, slugs: list[str], tally: Tally, deadline: float) -> None:
    rng = random.Random(number)
    anonymous, member = Browser(PORT), Browser(PORT)
    member.log_in(f"user{number}")
    reads = [
        "/", "/?sort=rating", "/?sort=trending", "/?q=async", "/?tag=async", "/tags/",
        "/about/ranking/", "/api/frameworks/", "/moderation/", "/feeds/reviews/",
    ]  # fmt: skip
    kinds, weights = list(MIX), list(MIX.values())
    going = True
    while going and time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        slug = rng.choice(slugs)
        started = time.perf_counter()
        try:
            if kind == "anonymous read":
                path = rng.choice([*reads, f"/frameworks/{slug}/", f"/api/frameworks/{slug}/"])
                status = anonymous.get(path)[0]
            elif kind == "logged-in read":
                other = rng.choice(slugs)
                path = rng.choice(
                    [*reads, f"/frameworks/{slug}/", f"/compare/?f={slug}&f={other}",
                     f"/users/user{number}/"]
                )  # fmt: skip
                status = member.get(path)[0]
            elif kind == "vote":
                value = rng.choice(["up", "up", "down", "clear"])
                status = member.post(f"/frameworks/{slug}/vote/", {"value": value, "next": "/"})[0]
            else:
                stars = rng.randint(1, 5)
                fields = {"rating": str(stars), "title": f"Soak {stars}", "body": "Edited " * 20}
                status = member.post(f"/frameworks/{slug}/review/", fields)[0]
            problem = None if status in EXPECTED[kind] else f"HTTP {status}"
        except OSError as error:
            problem = f"{type(error).__name__}: {error}"
        going = tally.add(kind, (time.perf_counter() - started) * 1000, problem)
    anonymous.close()
    member.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    env = fresh_site(DATABASE_URL, REDIS_URL, users=CLIENTS, LOG_LEVEL="WARNING")
    logs = Path(tempfile.mkdtemp(prefix="pywebrank-soak-"))
    server = Server(env, PORT, WORKERS, logs / "gunicorn.log")
    problems = []
    try:
        server.wait_ready()
        listing = json.loads(Browser(PORT).get("/api/frameworks/?page_size=100")[1])
        slugs = [framework["slug"] for framework in listing["results"]]
        tally = Tally()
        print(
            f"gunicorn {WORKERS} workers on 127.0.0.1:{PORT}; {CLIENTS} clients for "
            f"{SECONDS:.0f} s (at most {MAX_REQUESTS} requests); logs in {logs}",
            flush=True,
        )
        started = time.monotonic()
        deadline = started + SECONDS
        threads = [
            threading.Thread(target=client, args=(number, slugs, tally, deadline))
            for number in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(min(WARMUP_SECONDS, SECONDS / 4))
        rss_start = server.worker_rss_mib()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        rss_end = server.worker_rss_mib()
    finally:
        server.stop()

    print(f"\n{tally.requests} requests in {elapsed:.0f} s ({tally.requests / elapsed:.0f}/s)")
    print(f"{'kind':16} {'count':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in MIX:
        times = tally.times[kind]
        print(
            f"{kind:16} {len(times):>8} "
            f"{percentile(times, 0.5):>8.0f} {percentile(times, 0.99):>8.0f}"
        )
    print(f"errors: {len(tally.errors)}")
    for line in tally.errors[:10]:
        print("   ", line)
    if tally.errors:
        problems.append(f"{len(tally.errors)} error(s)")

    print(f"worker memory (RSS, MiB), after {min(WARMUP_SECONDS, SECONDS / 4):.0f} s → at the end:")
    for pid in sorted(rss_start):
        start, end = rss_start[pid], rss_end.get(pid)
        if end is None:
            problems.append(f"worker {pid} was gone at the end")
            print(f"    worker {pid}: {start:.1f} → gone")
            continue
        growth = end - start
        print(
            f"    worker {pid}: {start:.1f} → {end:.1f} "
            f"({growth:+.1f}; bound {MAX_RSS_GROWTH_MIB:.0f})"
        )
        if growth > MAX_RSS_GROWTH_MIB:
            problems.append(f"worker {pid} grew {growth:.1f} MiB")

    recount = manage(env, "recount", "--check", check=False)
    print("recount --check:", (recount.stdout + recount.stderr).strip())
    if recount.returncode != 0:
        problems.append("counters drifted")
    server_errors = server.error_lines()
    print(f"ERROR lines in the server log: {len(server_errors)}")
    if server_errors:
        problems.append(f"{len(server_errors)} ERROR line(s) in the log")
    if problems:
        print("soak FAILED: " + "; ".join(problems))
        return 1
    print("soak passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
