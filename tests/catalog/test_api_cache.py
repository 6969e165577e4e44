"""The API's answers kept under the page version (catalog/api.py, KeptAnswers): asked again, the
ranking and a framework cost no query, yet every vote, review or edit shows on the next request,
and throttling still counts every request."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import SimpleRateThrottle

from catalog.models import Framework
from reviews import services
from reviews.models import Vote
from tests.factories import CountedReviewFactory, FrameworkFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # on_commit bumps run for real
    pytest.mark.usefixtures("page_cache_on"),
]

PATHS = ["/api/frameworks/", "/api/frameworks/?sort=top&page_size=2", "/api/frameworks/flask/"]


@pytest.fixture
def catalog():
    flask = FrameworkFactory(name="Flask", slug="flask", tags=["micro"])
    FrameworkFactory(name="Bottle", slug="bottle", tags=["micro"])
    return flask


def client(**headers):
    return Client(HTTP_ACCEPT="application/json", **headers)


def listed(response) -> dict:
    data = response.json()
    return {item["slug"]: item for item in data.get("results", [data])}


@pytest.mark.parametrize("path", PATHS)
def test_an_answer_asked_again_runs_no_query_and_is_the_same(
    catalog, path, django_assert_num_queries
):
    first = client().get(path)

    with django_assert_num_queries(0):
        again = client().get(path)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert again["Vary"] == first["Vary"]


@pytest.mark.parametrize("path", PATHS)
def test_a_vote_shows_on_the_next_request(catalog, path):
    assert listed(client().get(path))["flask"]["upvotes"] == 0

    services.vote_cast(user=UserFactory(), framework=catalog, value=Vote.UP)

    assert listed(client().get(path))["flask"]["upvotes"] == 1


def test_a_vote_moves_the_position_and_the_order_on_the_next_request(catalog):
    first, second = [item["slug"] for item in client().get("/api/frameworks/").json()["results"]]
    assert client().get(f"/api/frameworks/{second}/").json()["position"] == 2

    services.vote_cast(user=UserFactory(), framework=Framework.objects.get(slug=second), value=1)

    order = [item["slug"] for item in client().get("/api/frameworks/").json()["results"]]
    assert order == [second, first]
    assert client().get(f"/api/frameworks/{second}/").json()["position"] == 1


def test_a_review_and_a_catalog_edit_show_on_the_next_request(catalog):
    client().get("/api/frameworks/flask/")

    CountedReviewFactory(framework=catalog, rating=4)
    assert client().get("/api/frameworks/flask/").json()["rating"]["count"] == 1

    catalog.summary_en = "A micro framework."
    catalog.save()
    assert client().get("/api/frameworks/flask/").json()["summary_en"] == "A micro framework."


def test_the_host_and_the_query_are_part_of_the_key(catalog):
    here = client().get("/api/frameworks/flask/").json()["api_url"]
    there = client(HTTP_HOST="localhost").get("/api/frameworks/flask/").json()["api_url"]
    assert (here, there) == (
        "http://testserver/api/frameworks/flask/",
        "http://localhost/api/frameworks/flask/",
    )
    assert client().get("/api/frameworks/?page_size=1").json()["next"] is not None
    assert client().get("/api/frameworks/").json()["next"] is None


@pytest.mark.parametrize("path", ["/api/frameworks/?page=9", "/api/frameworks/nowhere/"])
def test_errors_are_not_kept(catalog, path):
    assert client().get(path).status_code == 404

    with CaptureQueriesContext(connection) as queries:
        assert client().get(path).status_code == 404
    assert queries.captured_queries  # asked again, made again


def test_throttling_counts_answers_from_the_cache(catalog, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})
    cache.clear()

    statuses = [client().get("/api/frameworks/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_the_cache_can_be_turned_off(catalog, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client().get("/api/frameworks/")

    with CaptureQueriesContext(connection) as queries:
        assert client().get("/api/frameworks/").status_code == 200
    assert len(queries.captured_queries) >= 2  # the count and the page, at least


def test_the_kept_data_is_plain_with_no_model_instance_in_it(catalog):
    """DRF's links carry the instance they link to; a kept copy must not pickle it along."""
    client().get("/api/frameworks/")
    client().get("/api/frameworks/flask/")

    # Local memory keeps each value pickled, as Redis and this process's copies do.
    kept = [copy for key, copy in cache._cache.items() if ":derived:api:" in key]
    assert len(kept) == 2
    for copy in kept:
        assert b"model_unpickle" not in copy
        assert b"rest_framework" not in copy
