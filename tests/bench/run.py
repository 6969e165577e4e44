"""Load benchmark: the large dataset served by gunicorn in production settings, driven by wrk.

    make bench                                   # SQLite in .bench/ (built once, kept)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pywebrank_bench \\
    REDIS_URL=redis://127.0.0.1:6379/1 make bench

1. Builds the dataset once with `manage.py make_bench_data` (BENCH_FRAMEWORKS, BENCH_VOTES,
   BENCH_REVIEWS, BENCH_USERS; default 2,000 / 1,000,000 / 100,000 / 20,000) and checks every
   counter (`recount --check`).
2. Times the machine's own evenness: one piece of pure Python over and over in as many processes
   as workers, nothing else running (a virtual machine whose host takes its processors away now
   and then shows it here first, and in every pass's p99 after). Then times every page
   in-process with a cold page cache (median of BENCH_REPEAT), the admin's changelists too, as a
   curator.
3. Serves tests/bench/wsgi.py with gunicorn (BENCH_WORKERS, default 2): the site plus a bare
   Django view, `HttpResponse("ok")` without middleware, the baseline of every ratio. Then drives
   each page with wrk (or, without wrk, a bounded Python client) from another process for
   BENCH_SECONDS at BENCH_CONNECTIONS: a cold pass (a fresh query parameter per request, so the
   page cache never answers) and a warm pass; the bare view before, between and after.
4. Votes: BENCH_VOTERS logged-in voters POST votes at once (htmx, CSRF) on random frameworks;
   on PostgreSQL with the write-ahead log each vote wrote and the checkpoints begun meanwhile.
   Then the vote's floor: the same voters sending the same POST to a view that does nothing but
   check who is logged in (tests/bench/wsgi.py), what every vote pays before its own work.

Writes .bench/results.json and .bench/results.md, prints the table and exits non-zero when a
target is missed: warm anonymous pages ≥ 0.6 of bare, logged-in `/` ≥ 0.25, every page ≤ 15 ms
in-process cold, every admin changelist < 150 ms, vote POST p99 < 50 ms, no failed request.
"""

import contextlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))  # run as a script by `make bench`

from tests.bench.baselines import BARE, FLOOR  # noqa: E402
from tests.deploy.harness import gunicorn  # noqa: E402

BENCH_DIR = Path(os.environ.get("BENCH_DIR", BASE_DIR / ".bench"))
SIZES = {
    "frameworks": int(os.environ.get("BENCH_FRAMEWORKS", "2000")),
    "votes": int(os.environ.get("BENCH_VOTES", "1000000")),
    "reviews": int(os.environ.get("BENCH_REVIEWS", "100000")),
    "users": int(os.environ.get("BENCH_USERS", "20000")),
}
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
VOTERS = int(os.environ.get("BENCH_VOTERS", "16"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
TARGETS = {
    "warm_ratio": float(os.environ.get("BENCH_MIN_RATIO", "0.6")),
    "logged_in_ratio": float(os.environ.get("BENCH_MIN_LOGGED_IN_RATIO", "0.25")),
    "cold_ms": float(os.environ.get("BENCH_COLD_MS", "15")),
    "admin_ms": float(os.environ.get("BENCH_ADMIN_MS", "150")),
    "vote_p99_ms": float(os.environ.get("BENCH_VOTE_P99_MS", "50")),
}
# Production settings redirect plain HTTP to HTTPS: every request comes as from the TLS proxy the
# README deploys behind, so pages answer 200 (not a redirect, which wrk would count as success).
FORWARDED = "X-Forwarded-Proto: https"
FORWARDED_HEADER = dict([FORWARDED.split(": ")])
TAG = "async"
# The anonymous pages with targets: cached when served again, ≤ 15 ms cold.
PAGES = [
    "/",
    "/?sort=top",
    "/?sort=trending",
    "/?sort=rating",
    "/?sort=reviews",
    "/?sort=newest",
    "/?sort=name",
    "/?page=3",
    f"/?tag={TAG}",
    f"/tags/{TAG}/",
    "/frameworks/django/",
    "/compare/?f=django&f=flask&f=fastapi",
]
# Measured and reported beside them.
OTHER_PAGES = [
    "/frameworks/django/?rsort=newest&rpage=40",
    "/tags/",
    "/about/ranking/",
    "/sitemap.xml",
    "/api/frameworks/",
    "/api/frameworks/?sort=trending",
    "/api/frameworks/django/",
]
ADMIN_PAGES = [
    "/admin/catalog/framework/",
    "/admin/catalog/framework/?q=django",
    "/admin/reviews/review/",
    "/admin/reviews/review/?q=django",
    "/admin/reviews/vote/",
    "/admin/reviews/helpfulvote/",
    "/admin/reviews/report/",
    "/admin/reviews/moderationaction/",
    "/admin/reviews/votering/",  # the last stored search for vote rings (manage.py find_rings)
]
VOTE_LUA = BASE_DIR / "tests" / "bench" / "vote.lua"
FRESH_LUA = BASE_DIR / "tests" / "bench" / "fresh.lua"


def environment() -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
    # Production refuses to start without a mail set-up; the benchmark sends none.
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=env.get("BENCH_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_COOKIES="false",
        # Never refused, and per second: DRF's throttle keeps (and pickles, on every request) the
        # time of each request within its period, so a rate per minute would have it carry every
        # request of the last minute, thousands, where production's 60/min carries 60 at most.
        API_ANON_RATE="1000000/s",
        API_USER_RATE="1000000/s",
        RATE_VOTE="0",  # the voters below vote far faster than any person may
        PAGE_CACHE_SECONDS=env.get("PAGE_CACHE_SECONDS", "600"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    command = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    done = subprocess.run(command, env=env, check=True, text=True, capture_output=capture)
    return done.stdout if capture else ""


def build(env: dict) -> None:
    """Migrate, seed, build the large dataset (once) and check every counter."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "load_seed")
    manage(env, "collectstatic", "--noinput", "-v0")
    started = time.monotonic()
    manage(env, "make_bench_data", *(f"--{name}={value}" for name, value in SIZES.items()))
    print(f"dataset ready in {time.monotonic() - started:.0f} s", flush=True)
    manage(env, "recount", "--check")
    if env["DATABASE_URL"].startswith("postgres"):
        # What autovacuum does in production between two runs: each run's votes leave a dead copy
        # of a framework row per vote (10,000 dead beside 2,000 live after a few runs), which
        # every read of the frameworks then wades through.
        manage(env, "shell", "-c", VACUUM_SCRIPT)
        # Then the build's and the vacuum's writes flushed by a checkpoint of our own. Otherwise
        # the gigabytes of write-ahead log a new dataset leaves set one off when the log next
        # reaches max_wal_size, in the middle of a timed pass (on a new dataset, the vote pass).
        if not checkpoint(env["DATABASE_URL"]):
            print("no CHECKPOINT: the database role may not (superuser or pg_checkpoint)")


def postgres_rows(database_url: str, sql: str, params=()) -> list[tuple] | None:
    """The rows of `sql` (none for a statement that returns none), on a connection of its own to
    this PostgreSQL database; None when the database is not PostgreSQL."""
    if not database_url.startswith("postgres"):
        return None
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
        cursor = db.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def checkpoint(database_url: str) -> bool:
    """A CHECKPOINT on PostgreSQL, where the role may; False where it may not or on SQLite."""
    import psycopg

    try:
        return postgres_rows(database_url, "CHECKPOINT") is not None
    except psycopg.errors.InsufficientPrivilege:
        return False


def wal_totals(database_url: str) -> tuple[int, ...] | None:
    """The write-ahead log's records, full-page images and bytes written so far by the whole
    PostgreSQL server (pg_stat_wal, PostgreSQL 14 and later), and the checkpoints it has begun;
    None on SQLite."""
    rows = postgres_rows(database_url, "SELECT current_setting('server_version_num')::int")
    if rows is None:
        return None
    begun = (  # PostgreSQL 17 moved them to a view of their own
        "SELECT num_timed + num_requested FROM pg_stat_checkpointer"
        if rows[0][0] >= 170000
        else "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
    )
    rows = postgres_rows(
        database_url, f"SELECT wal_records, wal_fpi, wal_bytes, ({begun}) FROM pg_stat_wal"
    )
    return tuple(int(total) for total in rows[0])


VACUUM_SCRIPT = """
from django.db import connection
with connection.cursor() as cursor:
    for table in ("catalog_framework", "reviews_review", "reviews_vote", "reviews_standing"):
        cursor.execute(f"VACUUM ANALYZE {table}")
"""


SESSION_SCRIPT = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from importlib import import_module
from catalog.models import Framework
store = import_module(settings.SESSION_ENGINE).SessionStore
keys = []
users = list(get_user_model().objects.filter(username__startswith="bench").order_by("pk")[:{n}])
for user in users:
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys.append(session.session_key)
slugs = list(Framework.objects.published().order_by("?").values_list("slug", flat=True)[:300])
# Each voter's votes on them, a letter per slug (u, d or -): the load sends only changes.
from reviews.models import Vote
cast = {{(user_id, slug): value for user_id, slug, value in Vote.objects.filter(
    user__in=users, framework__slug__in=slugs).values_list("user_id", "framework__slug", "value")}}
letters = {{Vote.UP: "u", Vote.DOWN: "d"}}
votes = ["".join(letters.get(cast.get((user.pk, slug)), "-") for slug in slugs) for user in users]
print(json.dumps({{"sessions": keys, "slugs": slugs, "votes": votes}}))
"""


def sessions(env: dict) -> dict:
    """Logged-in sessions for the voters, and framework slugs to vote on."""
    out = manage(env, "shell", "-c", SESSION_SCRIPT.format(n=max(VOTERS, 1)), capture=True)
    return json.loads(out.strip().splitlines()[-1])


def in_process(env: dict) -> dict:
    plan = {"pages": PAGES + OTHER_PAGES, "admin": ADMIN_PAGES, "repeat": REPEAT}
    script = BASE_DIR / "tests" / "bench" / "inprocess.py"
    done = subprocess.run(
        [sys.executable, str(script), json.dumps(plan)],
        env=env, check=True, text=True, capture_output=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def ensure_wrk() -> str | None:
    """wrk's path; installs Debian's package when missing and allowed; None: use Python."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, timeout=300)
    return shutil.which("wrk")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(
    url: str,
    *,
    connections: int,
    threads: int = 1,
    script=None,
    args=(),
    headers=(),
    seconds: int = SECONDS,
):
    """{rps, p50, p99, errors} from one wrk run of `seconds`, with the voters' votes afterwards
    ("votes") when the script prints them (tests/bench/vote.lua)."""
    command = [
        WRK, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
        "--latency", "--timeout", "30s", "-H", "Accept-Language: en", "-H", FORWARDED,
    ]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if args:
        command += ["--", *args]
    out = subprocess.run(command, check=True, text=True, capture_output=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if len(percentiles) < 2:
        raise SystemExit(f"wrk {url}: unexpected output\n{out}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"^not 200: (\d+)", out, re.M))  # vote.lua
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
        "errors": errors,
    }
    votes = re.search(r"^votes: (\S*)$", out, re.M)  # vote.lua
    if votes:
        result["votes"] = votes.group(1).split(",")
    return result


def python_client(
    url: str, *, connections: int, method="GET", bodies=None, headers=(), seconds: int = SECONDS
):
    """The same figures from threads of http.client, for `seconds` (no wrk)."""
    import http.client

    parts = urlsplit(url)
    times: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds

    def run(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        count = 0
        while time.monotonic() < deadline:
            count += 1
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            body, extra = None, {}
            if bodies:
                path, body, extra = bodies(index, count)
            start = time.perf_counter()
            try:
                sent = {"Accept-Language": "en", **FORWARDED_HEADER, **dict(headers), **extra}
                conn.request(method, path, body=body, headers=sent)
                response = conn.getresponse()
                response.read()
                if response.status >= 300:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            times.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"rps": len(times) / seconds, **percentiles(times), "errors": errors[0]}


def percentiles(times: list[float]) -> dict:
    """{p50, p99} of `times` (0 for none)."""
    ordered = sorted(times) or [0.0]
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


# The machine's evenness: one piece of pure Python, no I/O and nothing to wait for, about a
# millisecond on the benchmark's machines (a page served warm is a few of them).
EVEN_STEPS = 20_000


def _steps_timed(seconds: float) -> list[float]:
    """The milliseconds of each EVEN_STEPS piece, run over and over for `seconds`."""
    times = []
    deadline = time.perf_counter() + seconds
    while (start := time.perf_counter()) < deadline:
        total = 0
        for step in range(EVEN_STEPS):
            total += step * step
        times.append((time.perf_counter() - start) * 1000)
    return times


def machine_evenness(seconds: float = 3.0) -> dict:
    """The same piece of work timed over and over in WORKERS processes at once, as the workers
    share the processors, with nothing else running: {p50, p99, slowest (ms), slow (the share
    taking more than 3 × p50)}. On a machine that gives its processors evenly p99 stays near
    p50. On a virtual machine whose host takes a processor away now and then (which the guest's
    own counters do not show as stolen), some pieces take several times as long: every request
    queued behind a worker caught so waits as long, and every pass's p99 (vote, floor, bare
    view) carries it. The figure tells the machine's tail from the site's."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        runs = pool.map(_steps_timed, [seconds] * WORKERS)
    times = [ms for run in runs for ms in run]
    figures = percentiles(times)
    figures["slowest"] = max(times)
    figures["slow"] = sum(ms > 3 * figures["p50"] for ms in times) / len(times)
    return figures


def evenness_line(figures: dict) -> str:
    """machine_evenness's figures as the results say them."""
    return (
        f"the machine: {EVEN_STEPS:,} steps of pure Python, timed over and over on {WORKERS} "
        f"processors at once with nothing else running: p50 {figures['p50']:.2f} ms, p99 "
        f"{figures['p99']:.2f} ms ({figures['p99'] / figures['p50']:.1f} × p50), slowest "
        f"{figures['slowest']:.1f} ms; {figures['slow']:.1%} took over 3 × p50 (an even machine: "
        f"p99 near p50, none over 3 ×)"
    )


def python_client_once(url: str, times: int = 4, headers=None) -> None:
    """GET `url` a few times; stops the benchmark unless it answers 200."""
    import http.client

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    for _ in range(times):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        sent = {"Accept-Language": "en", **FORWARDED_HEADER, **(headers or {})}
        conn.request("GET", path, headers=sent)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}, not 200: nothing to measure")


def settle(base: str, limit: float = 120) -> None:
    """Wait until the workers are idle: a slow page's queued requests outlive wrk's run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        start = time.perf_counter()
        python_client_once(base + BARE, times=1)
        if time.perf_counter() - start < 0.2:
            return
        time.sleep(0.5)


def load(base: str, path: str, *, cold=False, cookie=None) -> dict:
    settle(base)
    python_client_once(base + path, times=1, headers={"Cookie": cookie} if cookie else None)
    headers = [f"Cookie: {cookie}"] if cookie else []
    if WRK:
        script = FRESH_LUA if cold else None
        return wrk(base + path, connections=CONNECTIONS, script=script, headers=headers)
    if cold:
        sep = "&" if "?" in path else "?"
        path = f"{path}{sep}bench={time.time_ns()}"
    return python_client(base + path, connections=CONNECTIONS, headers=headers)


CSRF_SECRET = "benchcsrfsecret0123456789abcdefx"  # 32 characters: a valid unmasked secret


def vote_probe(base: str, session: str, slug: str, csrf: str) -> None:
    """One vote as the load below sends them; stops the benchmark unless it is answered 200."""
    import http.client

    port = urlsplit(base).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        f"/frameworks/{slug}/vote/",
        body=f"value=clear&csrfmiddlewaretoken={csrf}",  # answered like any vote; changes nothing
        headers={
            **FORWARDED_HEADER,
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
            "Origin": f"https://127.0.0.1:{port}",
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"vote POST: HTTP {response.status}, not 200: nothing to measure")


def next_vote(current: str | None, draw: float) -> str:
    """What a voter's click sends, as the widget offers it: with no vote, up (70 %) or down; on a
    vote, taking it back (half the time) or the other way. Never the vote already cast (the
    widget turns that button into "take back"): tests/bench/vote.lua does the same."""
    if current in (None, "clear"):
        return "up" if draw < 0.7 else "down"
    if draw < 0.5:
        return "clear"
    return "down" if current == "up" else "up"


def votes(base: str, data: dict, database_url: str, timed=contextlib.nullcontext) -> dict:
    """VOTERS logged-in voters casting htmx votes at once, each from its own connection; on
    PostgreSQL with the write-ahead log written per vote (records, full-page images, bytes) and
    the checkpoints begun during the pass. `timed()` is entered around the timed pass alone."""
    settle(base)
    csrf = CSRF_SECRET
    vote_probe(base, data["sessions"][0], data["slugs"][0], csrf)
    # Every pass at the same point of PostgreSQL's checkpoint cycle: at its start, so that no
    # checkpoint begins during the pass (checkpoint_timeout counts from this one). The page a
    # vote changes first after a checkpoint goes whole into the log: a 5 s pass with a
    # checkpoint begun in its middle had a p99 of 51–55 ms, a 60 s pass with one 34.6 ms
    # (README, Benchmark).
    checkpoint(database_url)
    # Then a second of votes untimed, as every page's pass has its first requests untimed: each
    # worker's first vote prepares its statements (about 9 ms of CPU), on a new dataset each
    # voter's first vote ever makes the voter's standing (the ORM's path, about 7 ms), and the
    # first change of each page after the checkpoint is logged whole. Sixteen voters starting
    # at once would put those in the pass's slowest 1 %: costs paid once, not on every vote.
    warm_up = _vote_load(base, data, csrf, seconds=1)
    data = {**data, "votes": warm_up["votes"]}  # as the warm-up left them: every vote a change
    with timed():
        before = wal_totals(database_url)
        result = _vote_load(base, data, csrf, seconds=SECONDS)
        after = wal_totals(database_url)
    result["answered"] = answered = result["rps"] * SECONDS
    if before:
        *wal, result["checkpoints"] = [now - then for then, now in zip(before, after, strict=True)]
        result["wal_per_vote"] = [total / answered for total in wal] if answered else None
    return result


# A voter's vote on a slug as `data["votes"]` and vote.lua write it: "-" for none (or cleared).
VOTE_LETTERS = {"up": "u", "down": "d"}


def _voters(base: str, *, args: list[str], bodies, seconds: int) -> dict:
    """VOTERS logged-in voters POSTing at once for `seconds`, each from its own connection: wrk
    running tests/bench/vote.lua with `args`, or without wrk Python threads sending `bodies`
    (python_client's)."""
    if WRK:
        return wrk(
            base + "/",
            connections=VOTERS,
            threads=VOTERS,
            script=VOTE_LUA,
            args=args,
            seconds=seconds,
        )
    return python_client(
        base + "/", connections=VOTERS, method="POST", bodies=bodies, seconds=seconds
    )


def _vote_load(base: str, data: dict, csrf: str, *, seconds: int) -> dict:
    """The votes for `seconds`, with each voter's votes afterwards ("votes", as in `data`)."""
    args = [
        csrf,
        ",".join(data["sessions"][:VOTERS]),
        ",".join(data["slugs"]),
        ",".join(data["votes"][:VOTERS]),
    ]
    if WRK:
        return _voters(base, args=args, bodies=None, seconds=seconds)
    import random

    names = {letter: name for name, letter in VOTE_LETTERS.items()} | {"-": None}
    cast = [  # each voter's votes: every vote sent is a change
        {slug: names[letter] for slug, letter in zip(data["slugs"], votes, strict=True)}
        for votes in data["votes"][:VOTERS]
    ]

    def body(index, count):
        slug = random.choice(data["slugs"])
        value = next_vote(cast[index % VOTERS].get(slug), random.random())
        cast[index % VOTERS][slug] = value
        headers = voter_headers(base, data["sessions"][index % len(data["sessions"])], csrf)
        return f"/frameworks/{slug}/vote/", f"value={value}&csrfmiddlewaretoken={csrf}", headers

    result = _voters(base, args=args, bodies=body, seconds=seconds)
    result["votes"] = [
        "".join(VOTE_LETTERS.get(mine.get(slug), "-") for slug in data["slugs"]) for mine in cast
    ]
    return result


def voter_headers(base: str, session: str, csrf: str) -> dict:
    """What a logged-in browser's htmx POST carries, as tests/bench/vote.lua sends it."""
    return {
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "Origin": f"https://127.0.0.1:{urlsplit(base).port}",  # CSRF's origin check on HTTPS
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def vote_floor(base: str, data: dict, timed=contextlib.nullcontext) -> dict:
    """The vote's floor (tests/bench/wsgi.py, FLOOR): the VOTERS voters sending a vote's POST, at
    once, to a view that does nothing but check who is logged in. As the vote pass: a second
    untimed, then the timed pass, `timed()` entered around it alone."""
    settle(base)
    sessions = data["sessions"][:VOTERS]
    args = [CSRF_SECRET, ",".join(sessions), FLOOR]  # vote.lua, given a path instead of slugs

    def body(index, count):
        headers = voter_headers(base, sessions[index % len(sessions)], CSRF_SECRET)
        return FLOOR, f"value=up&csrfmiddlewaretoken={CSRF_SECRET}", headers

    _voters(base, args=args, bodies=body, seconds=1)
    with timed():
        result = _voters(base, args=args, bodies=body, seconds=SECONDS)
    result["answered"] = result["rps"] * SECONDS
    return result


def serve(env: dict, port: int) -> subprocess.Popen:
    # With the deployment's gunicorn configuration (config/gunicorn.conf.py), as the README runs it.
    config = str(BASE_DIR / "config" / "gunicorn.conf.py")
    options = ("--config", config, "--workers", str(WORKERS), "--timeout", "300")
    return gunicorn(env, port, "tests.bench.wsgi", *options)


def report(results: dict) -> list[str]:
    """Print the table, write the results files; returns the missed targets."""
    bare = results["bare"]["rps"]
    cold = results["in_process"]["pages"]
    scans = results["in_process"].get("full_scans", {})
    missed = []
    lines = [
        evenness_line(results["machine"]),
        "",
        f"bare view: {bare:.0f} req/s (runs: "
        + ", ".join(f"{run['rps']:.0f}" for run in results["bare"]["runs"])
        + "; p50 / p99 ms: "  # the machine's own tail: the bare view waits on nothing
        + ", ".join(f"{run['p50']:.1f} / {run['p99']:.1f}" for run in results["bare"]["runs"])
        + f"); gunicorn {WORKERS} workers, {CONNECTIONS} connections, {SECONDS} s per run",
        "",
        "| page | cold in-process ms | queries | full scans | cold req/s | warm req/s "
        "| warm p50 ms | warm p99 ms | warm ÷ bare |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path, row in results["pages"].items():
        ratio = row["warm"]["rps"] / bare
        target = TARGETS["logged_in_ratio"] if row.get("logged_in") else TARGETS["warm_ratio"]
        flags = []
        if row["targeted"] and ratio < target:
            flags.append(f"warm {ratio:.2f} < {target}")
        ms = cold.get(path)
        if row["targeted"] and ms is not None and ms > TARGETS["cold_ms"]:
            flags.append(f"cold {ms:.1f} ms > {TARGETS['cold_ms']:.0f}")
        if row["cold"]["errors"] or row["warm"]["errors"]:
            flags.append("failed requests")
        missed += [f"{path}: {flag}" for flag in flags]
        lines.append(
            f"| `{path}` | {'' if ms is None else f'{ms:.1f}'} "
            f"| {results['in_process']['queries'].get(path, '')} "
            f"| {', '.join(scans.get(path, [])) or '—'} "
            f"| {row['cold']['rps']:.0f} | {row['warm']['rps']:.0f} | {row['warm']['p50']:.1f} "
            f"| {row['warm']['p99']:.1f} | **{ratio:.2f}**{' ✗' if flags else ''} |"
        )
    vote = results["votes"]
    if vote["p99"] >= TARGETS["vote_p99_ms"] or vote["errors"]:
        missed.append(f"vote POST: p99 {vote['p99']:.1f} ms, {vote['errors']} failed")
    lines += [
        "",
        f"vote POST, {VOTERS} voters at once: {vote['rps']:.0f} req/s, p50 {vote['p50']:.1f} ms, "
        f"p99 {vote['p99']:.1f} ms (target < {TARGETS['vote_p99_ms']:.0f}), "
        f"{vote['errors']} failed{vote_writes(vote)}",
    ]
    floor = results["vote_floor"]
    if floor["errors"]:
        missed.append(f"the vote's floor: {floor['errors']} failed")
    lines.append(
        f"\nthe vote's floor, a logged-in POST through the site's middleware to a view that does "
        f"nothing else, {VOTERS} voters at once: {floor['rps']:.0f} req/s, p50 "
        f"{floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms, {floor['errors']} failed; the vote "
        f"answers {vote['rps'] / floor['rps'] if floor['rps'] else 0:.2f} of its rate"
    )
    if "votes_async" in results:  # not a target: what the setting buys, measured in the same run
        other = results["votes_async"]
        lines.append(
            f"\nthe same with `VOTE_ASYNC_COMMIT=true` (not the default): {other['rps']:.0f} "
            f"req/s, p50 {other['p50']:.1f} ms, p99 {other['p99']:.1f} ms, "
            f"{other['errors']} failed{vote_writes(other)}"
        )
    lines += [
        "",
        "| admin changelist | in-process ms | queries | full scans |",
        "| --- | ---: | ---: | --- |",
    ]
    for path, ms in results["in_process"]["admin"].items():
        flag = ""
        if ms >= TARGETS["admin_ms"]:
            flag = " ✗"
            missed.append(f"{path}: {ms:.0f} ms ≥ {TARGETS['admin_ms']:.0f}")
        queries = results["in_process"]["queries"].get(path, "")
        lines.append(
            f"| `{path}` | {ms:.1f}{flag} | {queries} | {', '.join(scans.get(path, [])) or '—'} |"
        )
    text = "\n".join(lines)
    print(text)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2))
    (BENCH_DIR / "results.md").write_text(f"{results['title']}\n\n{text}\n")
    return missed


def vote_writes(result: dict) -> str:
    """What a vote pass wrote, for the end of its line: "; per vote: … of write-ahead log, …" on
    PostgreSQL, else nothing."""
    if not result.get("wal_per_vote"):
        return ""
    records, images, size = result["wal_per_vote"]
    begun = result["checkpoints"]
    during = f"{begun} checkpoint{'s' if begun > 1 else ''} begun" if begun else "no checkpoint"
    return (
        f"; per vote: {size / 1024:.1f} KB of write-ahead log, {records:.1f} records, "
        f"{images:.2f} full-page images; {during} during the pass"
    )


def interpreter() -> str:
    """The Python serving the site. The absolute times hang on its build: the site's pages and
    votes take 10 to 30 % less CPU on one made with profile-guided and link-time optimization
    (the deployment image's, Debian's) than on one made without (pyenv's default): README,
    Benchmark."""
    return f"Python {platform.python_version()} at {Path(sys.executable).resolve()}"


WRK = None


def main() -> int:
    global WRK
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = environment()
    database = env["DATABASE_URL"].split("@")[-1]
    cache = "Redis" if env.get("REDIS_URL") else "no REDIS_URL"
    print(f"database: {database}; cache: {cache}; building …", flush=True)
    build(env)
    if os.environ.get("BENCH_ONLY") == "votes":  # the vote pass alone: tests/bench/votes.py
        from tests.bench import votes as vote_bench

        return vote_bench.main()
    data = sessions(env)
    evenness = machine_evenness()  # before anything is served: the machine alone
    print(evenness_line(evenness), flush=True)
    print("timing pages in-process (cold cache) …", flush=True)
    results = {
        "machine": evenness,
        "title": f"make bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {database}, {cache}, "
        + ", ".join(f"{value:,} {name}" for name, value in SIZES.items())
        + f"; {interpreter()}",
        "sizes": SIZES,
        "in_process": in_process(env),
        "pages": {},
    }
    (BENCH_DIR / "in_process.json").write_text(json.dumps(results["in_process"], indent=2))
    WRK = ensure_wrk()
    print(f"load generator: {WRK or 'Python threads (wrk not found)'}", flush=True)
    port = int(os.environ.get("BENCH_PORT", "8210"))
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port)
    try:
        for path in [BARE, *PAGES, *OTHER_PAGES]:  # every worker: imports, templates, connections
            python_client_once(base + path)
        bare_runs = [load(base, BARE)]
        # As a logged-in browser sends them: its session, and the CSRF cookie its first page set.
        cookie = f"sessionid={data['sessions'][0]}; csrftoken={CSRF_SECRET}"
        plan = [(path, True, None) for path in PAGES]
        plan += [("/", True, cookie)]
        plan += [(path, False, None) for path in OTHER_PAGES]
        for number, (path, targeted, login) in enumerate(plan):
            if number == len(plan) // 2:
                bare_runs.append(load(base, BARE))
            label = f"{path} (logged in)" if login else path
            print(f"  {label}", flush=True)
            results["pages"][label] = {
                "targeted": targeted,
                "logged_in": bool(login),
                "cold": load(base, path, cold=True, cookie=login),
                "warm": load(base, path, cookie=login),
            }
        bare_runs.append(load(base, BARE))
        results["bare"] = {
            "rps": statistics.mean(run["rps"] for run in bare_runs),
            "runs": bare_runs,
        }
        results["votes"] = votes(base, data, env["DATABASE_URL"])
        results["vote_floor"] = vote_floor(base, data)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if env["DATABASE_URL"].startswith("postgres"):
        # The vote pass again with votes committed asynchronously (VOTE_ASYNC_COMMIT): for the
        # README's figures beside the default's, not a target. From the same start as the first
        # pass: its votes' dead rows cleared, as autovacuum would between two bursts.
        manage(env, "shell", "-c", VACUUM_SCRIPT)
        server = serve({**env, "VOTE_ASYNC_COMMIT": "true"}, port)
        try:
            python_client_once(base + BARE)
            results["votes_async"] = votes(base, sessions(env), env["DATABASE_URL"])
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    manage(env, "recount", "--check")  # the votes under load kept every counter exact
    missed = report(results)
    if missed:
        print("\nMISSED:\n  " + "\n  ".join(missed))
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    tempfile.tempdir = str(BENCH_DIR)
    sys.exit(main())
