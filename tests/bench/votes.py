"""The vote path on its own, at the benchmark's size: in-process figures and the load pass.

    python tests/bench/votes.py inprocess   # one process: queries, plans, Python calls, CPU
    python tests/bench/votes.py load        # gunicorn + wrk, as `make bench` runs its vote pass
    python tests/bench/votes.py             # both

Takes the database and cache from the environment like tests/bench/run.py (PostgreSQL when
DATABASE_URL is set, Redis when REDIS_URL is) and expects the dataset that `make bench` builds.

`inprocess` casts BENCH_VOTE_REPEAT htmx votes as a bench user through Django's test client with
CSRF enforced, each one a change (up, then down, on random frameworks among 300), and prints the
median wall and CPU (`time.process_time`) milliseconds per vote, its queries with the big tables
their plans read whole (EXPLAIN), and the Python calls per vote (cProfile).

`load` first times the machine's evenness (run.machine_evenness: a virtual machine's pauses show
there and in every p99 after), then serves the site with gunicorn (BENCH_WORKERS sync workers) and
has BENCH_VOTERS logged-in voters POST votes at once for BENCH_SECONDS with wrk
(tests/bench/vote.lua), then checks every counter (`recount --check`), and has the same voters send
the same POST to the vote's floor (a view that does nothing but check who is logged in:
tests/bench/wsgi.py), what every vote pays before its own work. It prints the CPU per request in
the workers, in their PostgreSQL backends and in the whole machine (every process and the kernel),
how busy the processors were (a pass whose processors were all busy is bounded by CPU, not by
waiting) and how much of their time the host took (steal, which a host need not report). On
PostgreSQL it also prints the write-ahead log written per vote (pg_stat_wal) and whether a
checkpoint began during the pass. Exits non-zero when p99 misses BENCH_VOTE_P99_MS or a request
failed.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import run
from tests.deploy.harness import children

VOTER = "bench00100"  # not among the load pass's voters (the first BENCH_VOTERS bench users)


def in_process() -> dict:
    """The figures of one process casting votes; run with the bench's environment."""
    import cProfile
    import pstats
    import random
    import statistics

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Framework
    from reviews.models import Vote
    from tests.bench.inprocess import full_scans

    repeat = int(os.environ.get("BENCH_VOTE_REPEAT", "200"))
    user = get_user_model().objects.get(username=VOTER)
    # Behind the TLS proxy, as deployed: https, and htmx's POST carries the page's Origin.
    client = Client(enforce_csrf_checks=True, HTTP_ORIGIN="https://testserver")
    client.force_login(user)
    client.cookies["csrftoken"] = run.CSRF_SECRET
    frameworks = Framework.objects.published().order_by("pk")
    slugs = list(frameworks.values_list("slug", flat=True)[:300])
    mine = Vote.objects.filter(user=user, framework__slug__in=slugs)
    last = dict(mine.values_list("framework__slug", "value"))
    rng = random.Random()

    def cast():
        slug = rng.choice(slugs)
        last[slug] = Vote.DOWN if last.get(slug) == Vote.UP else Vote.UP
        data = {"value": "up" if last[slug] == Vote.UP else "down"}
        response = client.post(
            f"/frameworks/{slug}/vote/",
            {**data, "csrfmiddlewaretoken": run.CSRF_SECRET},
            HTTP_HX_REQUEST="true",
            HTTP_ACCEPT_LANGUAGE="en",
            secure=True,
        )
        if response.status_code != 200:
            raise SystemExit(f"vote on {slug}: HTTP {response.status_code}")
        return response

    for _ in range(10):  # templates, connections, the account's standing
        cast()
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        cast()
        cpu.append((time.process_time() - used) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = cast()
    queries = captured.captured_queries  # the next request empties the log
    scans = full_scans(queries)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(50):
        cast()
    profile.disable()
    return {
        "votes": repeat,
        "wall_ms": {"p50": statistics.median(wall), "p90": sorted(wall)[int(0.9 * repeat)]},
        "cpu_ms": statistics.median(cpu),
        "queries": [query["sql"] for query in queries],
        "full_scans": scans,
        "python_calls": pstats.Stats(profile).total_calls // 50,
        "response_bytes": len(response.content),
    }


def load(env: dict) -> dict:
    """BENCH_VOTERS voters through gunicorn with wrk (or Python threads); counters checked after."""
    run.WRK = run.ensure_wrk()
    data = run.sessions(env)
    port = int(os.environ.get("BENCH_PORT", "8211"))
    base = f"http://127.0.0.1:{port}"
    server = run.serve(env, port)

    @contextlib.contextmanager
    def cpu_meter(used: dict):
        """The CPU seconds of the workers, of their PostgreSQL backends and of the whole machine
        while inside, and those its host took (machine_seconds), counted into `used`, with the
        machine's capacity meanwhile."""
        processes = {
            "workers": children(server.pid),
            "database": backends(env["DATABASE_URL"], since=started),
        }
        before = {name: cpu_seconds(pids) for name, pids in processes.items()}
        machine_before, started_at = machine_seconds(), time.monotonic()
        yield
        for name, pids in processes.items():
            used[name] = cpu_seconds(pids) - before[name]
        machine_after = machine_seconds()
        used["machine"], used["stolen"] = (
            now - then for then, now in zip(machine_before, machine_after, strict=True)
        )
        used["capacity"] = (time.monotonic() - started_at) * os.cpu_count()

    used, floor_used = {}, {}
    try:
        run.python_client_once(base + run.BARE)
        started = time.time()
        result = run.votes(base, data, env["DATABASE_URL"], timed=lambda: cpu_meter(used))
        floor = run.vote_floor(base, data, timed=lambda: cpu_meter(floor_used))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    run.manage(env, "recount", "--check")
    return {
        **result,
        **per_request(result["answered"], used),
        "floor": {**floor, **per_request(floor["answered"], floor_used)},
        "voters": run.VOTERS,
        "workers": run.WORKERS,
        "seconds": run.SECONDS,
    }


def per_request(answered: float, used: dict) -> dict:
    """A pass's CPU milliseconds per request (workers, database, machine) and the processors'
    busy share (their work and the host's taking them), from what its meter counted."""
    figures = {
        "machine_busy": (used["machine"] + used["stolen"]) / used["capacity"],
        "machine_stolen": used["stolen"] / used["capacity"],
    }
    for name in ("workers", "database", "machine"):
        figures[f"{name}_cpu_ms"] = 1000 * used[name] / answered if answered else None
    return figures


def backends(database_url: str, *, since: float) -> list[int]:
    """PostgreSQL's processes serving connections to this database opened since `since` (the
    workers' own: they connect on their first vote and stay connected); none on SQLite."""
    rows = run.postgres_rows(
        database_url,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND backend_start >= to_timestamp(%s) AND pid <> pg_backend_pid()",
        [since],
    )
    return [pid for (pid,) in rows or []]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds these processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_seconds() -> tuple[float, float]:
    """CPU seconds all the machine's processors have spent working so far (every process and the
    kernel's own work: /proc/stat's user, nice, system, irq and softirq), and the seconds a
    virtual machine's host ran something else while this machine had work ("steal")."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def cpu(figures: dict) -> str:
    """A pass's CPU per request (per_request's figures), as its line says it."""
    if figures["workers_cpu_ms"] is None:
        return "none (no request answered)"
    return (
        f"{figures['workers_cpu_ms']:.1f} ms in the workers, "
        f"{figures['database_cpu_ms']:.1f} ms in PostgreSQL, {figures['machine_cpu_ms']:.1f} ms "
        f"in all (processors {figures['machine_busy']:.0%} busy, "
        f"{figures['machine_stolen']:.0%} of their time taken by the host)"
    )


def main() -> int:
    what = sys.argv[1:] or ["inprocess", "load"]
    env = run.environment()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    missed = False
    if "inprocess" in what:
        done = subprocess.run(
            [sys.executable, __file__, "--measure"],
            env=env, check=True, text=True, capture_output=True,
        )  # fmt: skip
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"in-process, {figures['votes']} votes: wall p50 {figures['wall_ms']['p50']:.2f} ms, "
            f"p90 {figures['wall_ms']['p90']:.2f} ms; CPU {figures['cpu_ms']:.2f} ms; "
            f"{len(figures['queries'])} queries; {figures['python_calls']:,} Python calls; "
            f"{figures['response_bytes']:,} bytes; full scans: "
            f"{', '.join(figures['full_scans']) or 'none'}"
        )
        for sql in figures["queries"]:
            print(f"  {sql[:160]}")
    if "load" in what:
        print(run.evenness_line(run.machine_evenness()), flush=True)
        figures = load(env)
        print(
            f"vote POST through gunicorn ({figures['workers']} workers), {figures['voters']} "
            f"voters, {figures['seconds']} s: {figures['rps']:.0f} req/s, p50 "
            f"{figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms, {figures['errors']} failed; "
            f"CPU per vote: {cpu(figures)}; counters exact; "
            f"load average {os.getloadavg()[0]:.2f}{run.vote_writes(figures)}"
        )
        floor = figures["floor"]
        print(
            f"the vote's floor, a logged-in POST to a view that does nothing else: "
            f"{floor['rps']:.0f} req/s, p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms, "
            f"{floor['errors']} failed; CPU per request: {cpu(floor)}"
        )
        missed = figures["p99"] >= run.TARGETS["vote_p99_ms"] or figures["errors"]
        missed = missed or floor["errors"]
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        print(json.dumps(in_process()))
    else:
        sys.exit(main())
