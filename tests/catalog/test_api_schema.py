"""Every API operation, driven from /api/schema/ by schemathesis through WSGI: valid and invalid
input alike must get answers the schema documents (status, content type, body, headers), never a
server error, and invalid input must be refused."""

import pytest
import schemathesis
from django.core.cache import cache
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
