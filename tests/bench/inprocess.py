"""In-process timings for `make bench`: each page rendered with a cold page cache, median of N.

Run by tests/bench/run.py with the bench's environment (production settings, the big database):

    python tests/bench/inprocess.py '{"pages": [...], "admin": [...], "repeat": 7}'

Prints one JSON object: {"pages": {path: ms}, "admin": {path: ms}, "queries": {path: n},
"full_scans": {path: [big tables some query of the page reads whole, by EXPLAIN]}}.
"""

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

try:
    from config.pagecache import bump as bump_pages
except ImportError:  # before the page cache existed
    from django.core.cache import cache

    def bump_pages():
        cache.clear()


BIG_TABLES = ("reviews_vote", "reviews_review", "reviews_helpfulvote", "auth_user")
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


SCANS: dict[str, list[str]] = {}


def full_scans(captured) -> list[str]:
    """Big tables that a page's queries read from end to end (PostgreSQL's EXPLAIN)."""
    if connection.vendor != "postgresql":
        return []
    found = []
    with connection.cursor() as cursor:
        for query in captured:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            found += [t for t in SEQ_SCAN.findall(plan) if t in BIG_TABLES and t not in found]
    return found


def timed(client, path: str, repeat: int) -> tuple[float, int]:
    """Median milliseconds over `repeat` cold renders, and the queries of the last one."""
    times = []
    queries = 0
    for _ in range(repeat):
        bump_pages()
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="en", secure=True)
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        queries = len(captured)
    SCANS[path] = full_scans(captured.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    plan = json.loads(sys.argv[1])
    repeat = plan.get("repeat", 7)
    anonymous = Client()
    result = {"pages": {}, "admin": {}, "queries": {}}
    for path in plan["pages"]:
        timed(anonymous, path, 1)  # first use of the templates and connections
        result["pages"][path], result["queries"][path] = timed(anonymous, path, repeat)
    curator = get_user_model().objects.filter(is_superuser=True).first()
    if curator is None:
        curator = get_user_model().objects.create_superuser("curator-for-bench", "", None)
    admin = Client()
    admin.force_login(curator)
    for path in plan["admin"]:
        timed(admin, path, 1)
        result["admin"][path], result["queries"][path] = timed(admin, path, repeat)
    result["full_scans"] = SCANS
    print(json.dumps(result))


if __name__ == "__main__":
    main()
