"""Two app servers, one PostgreSQL, one Redis: each sees the other's writes, none is lost.

    make cluster-check
    CLUSTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/pywebrank_cluster \\
    CLUSTER_REDIS_URL=redis://127.0.0.1:6379/15 make cluster-check

The shape of compose.yaml without containers: two gunicorn servers in production mode on two
loopback ports, sharing the database (recreated for the run; its name must contain "cluster") and
the Redis database (cleared for the run). It checks, in both directions, that a write through one
server (vote, vote switch, review, review edit) shows on the other server's next page — the
framework page, the ranking and the API, for anonymous readers and for the writer — so a page
cache that is not invalidated across servers fails here; then CLUSTER_USERS people vote, review
and mark helpful through both servers at once, and every count must come out exact on both, with
`recount --check` clean. Exits non-zero on any failure.
"""

import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.deploy.harness import Browser, Server, fresh_site, manage, vote_counts

DATABASE_URL = os.environ.get(
    "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pywebrank_cluster"
)
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/15")
PORTS = [int(port) for port in os.environ.get("CLUSTER_PORTS", "8221,8222").split(",")]
WORKERS = int(os.environ.get("CLUSTER_WORKERS", "2"))
USERS = int(os.environ.get("CLUSTER_USERS", "40"))

failures: list[str] = []


def check(condition: bool, what: str) -> None:
    print(f"  {'ok ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        failures.append(what)


def api_framework(browser: Browser, slug: str) -> dict:
    status, text, _ = browser.get(f"/api/frameworks/{slug}/")
    if status != 200:
        raise AssertionError(f"/api/frameworks/{slug}/ answered {status}")
    return json.loads(text)


def sees(reader: Browser, slug: str, up: int, down: int, label: str) -> None:
    """The reader's next framework page, ranking and API show exactly these counts."""
    page = reader.get(f"/frameworks/{slug}/")[1]
    ranking = reader.get("/?sort=name&q=" + slug)[1]
    api = api_framework(reader, slug)
    shown = (
        vote_counts(page, slug),
        vote_counts(ranking, slug),
        (api["upvotes"], api["downvotes"]),
    )
    check(shown == ((up, down),) * 3, f"{label}: server {reader.port} shows {up}↑ {down}↓ {shown}")


def written_through_one_seen_on_the_other(writer_port: int, reader_port: int, name: str) -> None:
    print(f"writes through {writer_port}, reads on {reader_port}:", flush=True)
    slug = "flask" if writer_port == PORTS[0] else "bottle"
    reader, writer_reader = Browser(reader_port), Browser(writer_port)
    for browser in (reader, writer_reader):  # fill any cache both servers keep
        sees(browser, slug, 0, 0, "before")
    person = Browser(writer_port)
    person.log_in(name)

    status = person.post(f"/frameworks/{slug}/vote/", {"value": "up", "next": "/"})[0]
    check(status == 303, f"vote up answered {status}")
    sees(reader, slug, 1, 0, "after a vote up")
    same_person = person.on(reader_port)
    check(
        "You voted up" in same_person.get(f"/frameworks/{slug}/")[1],
        "the voter's own next page on the other server shows the vote",
    )

    person.post(f"/frameworks/{slug}/vote/", {"value": "down", "next": "/"})
    sees(reader, slug, 0, 1, "after switching to down")

    review = {"rating": "4", "title": f"First look via {writer_port}", "body": "Works well."}
    status = person.post(f"/frameworks/{slug}/review/", review)[0]
    check(status in (302, 303), f"review saved ({status})")
    page = reader.get(f"/frameworks/{slug}/")[1]
    check(review["title"] in page, "the new review shows on the other server")
    check(api_framework(reader, slug)["rating"]["count"] == 1, "the API counts the review")

    edited = {**review, "title": f"Second look via {reader_port}", "rating": "2"}
    status = same_person.post(f"/frameworks/{slug}/review/", edited)[0]
    check(status in (302, 303), f"review edited through the other server ({status})")
    page = Browser(writer_port).get(f"/frameworks/{slug}/")[1]
    check(
        edited["title"] in page and review["title"] not in page,
        "the edit shows on the first server, the old title is gone",
    )
    check(
        api_framework(Browser(writer_port), slug)["rating"]["average"] == 2.0,
        "the API's rating follows the edit",
    )


def helpful_count(html: str, review_id: str) -> int:
    match = re.search(rf'id="review-{review_id}"[\s\S]*?data-role="helpful-count">(\d+)<', html)
    if match is None:
        raise AssertionError(f"no helpful count for review {review_id}")
    return int(match.group(1))


def everyone_at_once() -> None:
    print(f"{USERS} people vote, review and mark helpful through both servers at once:")
    slug = "fastapi"
    flask_page = Browser(PORTS[0]).get("/frameworks/flask/")[1]
    helpful_review = re.search(r'id="review-(\d+)"', flask_page).group(1)

    def act(number: int) -> None:
        person = Browser(PORTS[number % 2])
        person.log_in(f"user{number + 10}")
        person.post(f"/frameworks/{slug}/vote/", {"value": "up", "next": "/"})
        stars = number % 5 + 1
        person.post(
            f"/frameworks/{slug}/review/",
            {"rating": str(stars), "title": f"Take {number}", "body": "Fast enough."},
        )
        if number % 3 == 0:
            person.on(PORTS[(number + 1) % 2]).post(
                f"/frameworks/{slug}/vote/", {"value": "down", "next": "/"}
            )
        person.post(f"/reviews/{helpful_review}/helpful/", {"next": "/frameworks/flask/"})
        person.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(act, range(USERS)))
    down = len([n for n in range(USERS) if n % 3 == 0])
    stars = sum(n % 5 + 1 for n in range(USERS))
    for port in PORTS:
        reader = Browser(port)
        sees(reader, slug, USERS - down, down, "after the crowd")
        rating = api_framework(reader, slug)["rating"]
        check(rating["count"] == USERS, f"server {port}: {rating['count']} of {USERS} reviews")
        check(
            abs(rating["average"] - stars / USERS) < 0.01,
            f"server {port}: average {rating['average']} = {stars / USERS:.2f}",
        )
        marks = helpful_count(reader.get("/frameworks/flask/")[1], helpful_review)
        check(marks == USERS, f"server {port}: {marks} of {USERS} helpful marks")


def main() -> int:
    started = time.monotonic()
    env = fresh_site(DATABASE_URL, REDIS_URL, users=USERS + 10)
    logs = Path(tempfile.mkdtemp(prefix="pywebrank-cluster-"))
    servers = [Server(env, port, WORKERS, logs / f"gunicorn-{port}.log") for port in PORTS]
    try:
        for server in servers:
            server.wait_ready()
        print(f"gunicorn on ports {PORTS}, {WORKERS} workers each; logs in {logs}")
        written_through_one_seen_on_the_other(PORTS[0], PORTS[1], "user0")
        written_through_one_seen_on_the_other(PORTS[1], PORTS[0], "user1")
        everyone_at_once()
    except (AssertionError, RuntimeError, OSError) as error:
        failures.append(str(error))
        print(f"  FAIL {error}")
    finally:
        for server in servers:
            server.stop()
    recount = manage(env, "recount", "--check", check=False)
    check(recount.returncode == 0, "recount --check: " + (recount.stdout + recount.stderr).strip())
    try:
        entries = [entry for server in servers for entry in server.log_entries()]
    except AssertionError as error:
        entries = []
        check(False, str(error))
    requests = [entry for entry in entries if entry.get("logger") == "pywebrank.request"]
    check(
        bool(requests)
        and all(
            {"time", "request_id", "path", "status", "duration_ms"} <= set(entry)
            for entry in requests
        ),
        f"every log line is JSON; {len(requests)} request lines with id, path, status, duration",
    )
    errors = [entry for entry in entries if entry["level"] in ("ERROR", "CRITICAL")]
    check(not errors, f"no ERROR in the servers' logs ({len(errors)})")
    for entry in errors[:5]:
        print("   ", str(entry)[:300])
    took = time.monotonic() - started
    if failures:
        print(f"cluster-check FAILED: {len(failures)} problem(s) in {took:.0f} s")
        return 1
    print(f"cluster-check passed in {took:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
