"""Every API operation, driven from /api/schema/ by schemathesis through WSGI: valid and invalid
input alike must get answers the schema documents (status, content type, body, headers), never a
server error, and invalid input must be refused."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle

from config.wsgi import application

EXAMPLES = 25  # per operation and mode: the whole test stays well under a minute


# Loaded once at collection (the schema needs no database). Not `from_fixture`: that relies on
# a pytest internal that pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _catalog(seeded, monkeypatch):
    # Throttling has its own tests; here it would only turn most answers into 429s.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    cache.clear()
    # The requests go straight to the WSGI application, whose request signals would close the
    # database connection the test's transaction lives in (PostgreSQL: every answer a 500).
    # Django's own test client disconnects them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case):
    case.call_and_validate()
