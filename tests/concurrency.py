"""Running work in threads at the same moment, for the PostgreSQL concurrency tests."""

import threading

import pytest
from django.db import connection

# Tests that need PostgreSQL (row locks, real concurrency): tests/conftest.py deselects them at
# collection on SQLite, saying so in one line, so that no run reports skips.
postgres_only = pytest.mark.postgres


def run_together(work, arguments):
    """Run work(*args) in one thread per item, all released at once; returns the exceptions."""
    errors = []
    start = threading.Barrier(len(arguments), timeout=30)

    def worker(*args):
        try:
            start.wait()
            work(*args)
        except Exception as exc:  # collected and asserted on in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return errors
