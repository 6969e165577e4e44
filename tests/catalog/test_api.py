"""The read-only API: the same ranking as the page, documented, paginated, throttled, no writes."""

import json
import re

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from catalog import ranking
from catalog.models import Framework
from catalog.seed import load_fixture
from tests.factories import ReviewFactory, UserFactory, bulk_frameworks

pytestmark = pytest.mark.django_db

LIST_MAX_QUERIES = 4  # rating prior, count, page, tags
DETAIL_MAX_QUERIES = 4  # rating prior, framework, tags, position
TAGS_MAX_QUERIES = 2  # count, page


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    """The throttles count requests in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client):
    client.defaults["HTTP_ACCEPT"] = "application/json"
    return client


def set_votes(slug, up, down):
    Framework.objects.filter(slug=slug).update(
        upvotes=up, downvotes=down, score=ranking.wilson_lower_bound(up, down)
    )


@pytest.fixture
def voted(seeded):
    """The seed with some votes and reviews, so that every sort differs from the article's."""
    set_votes("flask", 5, 1)
    set_votes("fastapi", 9, 0)
    set_votes("django", 2, 2)
    set_votes("bottle", 0, 3)
    for slug, stars in [("sanic", 5), ("sanic", 4), ("tornado", 2)]:
        framework = Framework.objects.get(slug=slug)
        ReviewFactory(framework=framework, rating=stars)
        Framework.objects.filter(pk=framework.pk).update(
            review_count=framework.review_count + 1, rating_sum=framework.rating_sum + stars
        )
        framework.refresh_from_db()
    return seeded


def api_slugs(api, query: str) -> list[str]:
    response = api.get(f"/api/frameworks/?page_size=100&{query}")
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def page_slugs(client, query: str) -> list[str]:
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    return re.findall(
        r'<li class="framework-row" id="framework-[^"]*" data-slug="([^"]*)"',
        response.content.decode(),
    )


# Same ranking as the page


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=top",
        "sort=rating",
        "sort=reviews",
        "sort=trending",
        "sort=recent",
        "sort=newest",
        "sort=name",
        "sort=seed",
        "q=微框架",
        "q=async",
        "tag=async",
        "tag=high-performance&sort=name",
        "hide=unmaintained&hide=not-web-framework",
        "q=no-such-framework-anywhere",
    ],
)
def test_the_api_lists_what_the_page_lists_in_the_same_order(api, en, voted, settings, query):
    settings.RANKING_PAGE_SIZE = 100
    expected = page_slugs(en, query)
    assert api_slugs(api, query) == expected
    if query == "":
        assert expected[:2] == ["fastapi", "flask"]  # the votes count


def test_unknown_sort_is_a_400_with_a_message(api, seeded):
    response = api.get("/api/frameworks/?sort=bogus")
    assert response.status_code == 400
    assert "sort" in response.json()


@pytest.mark.parametrize(
    "query", ["q=%00", "tag=%00", "q=" + "x" * 5000, "hide=bogus", "page_size=-5", "q=%ff%fe"]
)
def test_weird_filters_are_a_clear_answer_never_a_500(api, seeded, query):
    response = api.get(f"/api/frameworks/?{query}")
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"


# One framework


def test_a_framework_has_its_counts_score_rating_tags_and_links(api, voted):
    response = api.get("/api/frameworks/sanic/")
    assert response.status_code == 200
    data = response.json()
    sanic = Framework.objects.get(slug="sanic")
    assert data["name"] == "Sanic"
    assert data["url"] == "http://testserver/frameworks/sanic/"
    assert data["api_url"] == "http://testserver/api/frameworks/sanic/"
    assert data["website"] == sanic.website
    assert data["description"] == sanic.description
    assert data["drawbacks"] == sanic.drawbacks
    assert data["seed_rank"] == 18
    assert data["status"] == "active"
    assert data["replaced_by"] is None
    assert (data["upvotes"], data["downvotes"], data["score"]) == (0, 0, 0.0)
    assert data["rating"]["count"] == 2
    assert data["rating"]["average"] == 4.5
    # Site-wide mean (5 + 4 + 2) / 3; Bayesian (5 · 11/3 + 9) / (5 + 2).
    assert data["rating"]["bayesian"] == pytest.approx((5 * 11 / 3 + 9) / 7)
    assert {tag["slug"] for tag in data["tags"]} == {
        "async",
        "high-performance",
        "asgi",
        "websocket",
    }
    assert {tag["name_zh"] for tag in data["tags"]} == {"异步", "高性能", "ASGI", "WebSocket"}
    assert (data["repository"], data["pypi_name"]) == (
        "https://github.com/sanic-org/sanic",
        "sanic",
    )
    assert data["article_website"] == "https://github.com/sanic-org/sanic"
    assert data["summary_en"].startswith("A Python 3.7+ web server and web framework")
    assert data["description_en"] == sanic.description_en
    assert data["drawbacks_en"] == sanic.drawbacks_en
    assert data["tags"][0]["url"].startswith("http://testserver/tags/")
    # The same position as the page shows.
    position = data["position"]
    assert f"#{position} in the ranking" in api.get("/frameworks/sanic/").content.decode()


def test_a_replaced_framework_names_its_replacement(api, seeded):
    data = api.get("/api/frameworks/pylons/").json()
    assert (data["status"], data["replaced_by"]) == ("unmaintained", "pyramid")
    Framework.objects.filter(slug="pyramid").update(is_published=False)
    assert api.get("/api/frameworks/pylons/").json()["replaced_by"] is None


def test_the_position_follows_the_votes(api, voted):
    assert api.get("/api/frameworks/fastapi/").json()["position"] == 1
    assert api.get("/api/frameworks/flask/").json()["position"] == 2


@pytest.mark.parametrize("slug", ["no-such-framework", "Flask", "x" * 300, "日本", "a.b"])
def test_an_unknown_slug_is_a_404(api, seeded, slug):
    assert api.get(f"/api/frameworks/{slug}/").status_code == 404


def test_unpublished_frameworks_are_hidden(api, seeded):
    Framework.objects.filter(slug="flask").update(is_published=False)
    assert api.get("/api/frameworks/flask/").status_code == 404
    assert "flask" not in api_slugs(api, "")
    assert api.get("/api/frameworks/").json()["count"] == 36
    tags = {tag["slug"]: tag for tag in api.get("/api/tags/?page_size=100").json()["results"]}
    # Flask, Bottle, Starlette, Quart, Tonberry and Klein, less Flask.
    assert tags["microframework"]["framework_count"] == 5


# Pagination


def test_the_ranking_is_paginated_by_twenty(api, seeded):
    first = api.get("/api/frameworks/").json()
    assert first["count"] == 37
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/frameworks/?page=2"
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 17
    assert second["next"] is None
    slugs = [row["slug"] for row in first["results"] + second["results"]]
    assert len(set(slugs)) == 37


def test_page_size_can_be_chosen_up_to_a_hundred(api, seeded):
    assert len(api.get("/api/frameworks/?page_size=5").json()["results"]) == 5
    assert len(api.get("/api/frameworks/?page_size=100").json()["results"]) == 37
    assert len(api.get("/api/frameworks/").json()["results"]) == 20


@pytest.mark.parametrize("url", ["/api/frameworks/", "/api/tags/"])
@pytest.mark.parametrize("size", ["abc", "0", "-1", "101", "100000", "", "1.5", "٣"])
def test_an_invalid_page_size_is_a_400_with_a_message(api, seeded, url, size):
    response = api.get(url, {"page_size": size})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["page_size must be a whole number from 1 to 100."]}


def test_pages_keep_the_filters(api, seeded):
    data = api.get("/api/frameworks/?sort=name&page_size=10").json()
    assert "sort=name" in data["next"]
    names = [row["name"] for row in data["results"]]
    assert names == sorted(names, key=str.lower)  # case-insensitive on every database


@pytest.mark.parametrize("page", ["3", "99999999999999999999999"])
def test_a_page_past_the_end_is_a_json_404(api, seeded, page):
    response = api.get(f"/api/frameworks/?page={page}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "last", "1e3"])
def test_an_invalid_page_number_is_a_400_with_a_message(api, seeded, page):
    response = api.get("/api/frameworks/", {"page": page})
    assert response.status_code == 400
    assert response.json() == {"page": ["page must be a whole number from 1."]}


def test_error_messages_follow_accept_language(api, seeded):
    response = api.get("/api/frameworks/?page_size=0", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert re.search(r"[\u4e00-\u9fff]", response.json()["page_size"][0])
    response = api.get("/api/nothing-here/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"])


@pytest.mark.parametrize(
    "path", ["/api/nothing-here/", "/api/frameworks/a/b/", "/api/frameworks/bad%20slug/"]
)
def test_an_address_under_the_api_that_matches_nothing_is_a_json_404(api, seeded, path):
    response = api.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_outside_the_api_a_404_is_still_the_html_page(api, seeded):
    response = api.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# Tags


def test_tags_list_names_slugs_counts_and_links(api, seeded):
    data = api.get("/api/tags/?page_size=100").json()
    tags = {tag["slug"]: tag for tag in data["results"]}
    tagged_async = [e for e in load_fixture() if "async" in e["tags"] + e["curated_tags"]]
    assert tags["async"] == {
        "name": "async",
        "name_zh": "异步",
        "slug": "async",
        "url": "http://testserver/tags/async/",
        "framework_count": len(tagged_async),
        "frameworks_url": "http://testserver/api/frameworks/?tag=async",
    }
    counts = [tag["framework_count"] for tag in data["results"]]
    assert counts == sorted(counts, reverse=True)
    assert len(api_slugs(api, "tag=async")) == len(tagged_async) > 9


# The schema


def schema(api) -> dict:
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_documents_the_three_endpoints(api, seeded):
    paths = schema(api)["paths"]
    assert set(paths) == {"/api/frameworks/", "/api/frameworks/{slug}/", "/api/tags/"}
    for operations in paths.values():
        assert set(operations) == {"get"}
    parameters = {p["name"] for p in paths["/api/frameworks/"]["get"]["parameters"]}
    assert parameters == {"q", "tag", "hide", "sort", "page", "page_size"}


@pytest.mark.parametrize(
    ("component", "url", "many"),
    [
        ("Framework", "/api/frameworks/", True),
        ("FrameworkDetail", "/api/frameworks/pylons/", False),
        ("Tag", "/api/tags/", True),
    ],
)
def test_every_field_of_the_schema_is_in_the_answer(api, voted, component, url, many):
    components = schema(api)["components"]["schemas"]
    documented = set(components[component]["properties"])
    data = api.get(url).json()
    objects = data["results"] if many else [data]
    assert objects
    for obj in objects:
        assert set(obj) == documented
    nested = {"rating": "Rating", "tags": "TagSummary"}
    for field, nested_component in nested.items():
        if component.startswith("Framework"):
            expected = set(components[nested_component]["properties"])
            assert set(objects[0][field] if field == "rating" else objects[0][field][0]) == expected


# Read-only


@pytest.mark.parametrize("url", ["/api/frameworks/", "/api/frameworks/flask/", "/api/tags/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_writes(api, seeded, url, method):
    response = getattr(api, method)(url, {"name": "Hacked"}, content_type="application/json")
    assert response.status_code == 405
    assert not Framework.objects.filter(name="Hacked").exists()
    assert Framework.objects.get(slug="flask").name == "Flask"


def test_no_writes_for_a_logged_in_user_either(api, seeded):
    api.force_login(UserFactory())
    response = api.delete("/api/frameworks/flask/")
    assert response.status_code in (403, 405)
    assert Framework.objects.filter(slug="flask").exists()


# Throttling


def test_anonymous_clients_are_throttled(api, seeded, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})
    statuses = [api.get("/api/tags/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Retry-After" in api.get("/api/frameworks/")


def test_anonymous_clients_have_only_the_anonymous_rate(api, seeded, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "4/min", "user": "2/min"})
    statuses = [api.get("/api/tags/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_logged_in_clients_have_only_the_user_rate(api, seeded, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "4/min"})
    api.force_login(UserFactory())
    statuses = [api.get("/api/tags/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_logged_in_clients_have_their_own_rate(api, seeded, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/min", "user": "3/min"})
    assert api.get("/api/tags/").status_code == 200
    assert api.get("/api/tags/").status_code == 429
    api.force_login(UserFactory())
    statuses = [api.get("/api/tags/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_schema_documents_400_404_and_429_with_retry_after_in_english(api, seeded):
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    document = schema(api)
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            assert {"200", "400", "404", "429"} <= set(responses)
            assert "Retry-After" in responses["429"]["headers"]
            for status in ("400", "404", "429"):
                assert "application/json" in responses[status]["content"]
    schemas = document["components"]["schemas"]
    assert schemas["Error"]["required"] == ["detail"]
    assert schemas["ValidationError"]["additionalProperties"]["type"] == "array"
    text = json.dumps(document, ensure_ascii=False)
    assert not re.search(r"[\u4e00-\u9fff]", text), "the schema is in English only"


def test_the_default_anonymous_rate_is_set(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]
    assert (
        "rest_framework.throttling.AnonRateThrottle"
        in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    )


# Query counts, with 37 frameworks and with 500


@pytest.fixture(params=[37, 500])
def catalog_size(request, voted):
    if request.param > 37:
        bulk_frameworks(request.param - 37)
    assert Framework.objects.count() == request.param
    return request.param


@pytest.mark.parametrize(
    ("url", "bound"),
    [
        ("/api/frameworks/", LIST_MAX_QUERIES),
        ("/api/frameworks/?sort=rating&page_size=100", LIST_MAX_QUERIES),
        ("/api/frameworks/?q=a&tag=async&sort=trending&page=2&page_size=5", LIST_MAX_QUERIES),
        ("/api/frameworks/flask/", DETAIL_MAX_QUERIES),
        ("/api/frameworks/buildbot/", DETAIL_MAX_QUERIES),
        ("/api/tags/", TAGS_MAX_QUERIES),
    ],
)
def test_query_counts_are_fixed(api, catalog_size, django_assert_max_num_queries, url, bound):
    with django_assert_max_num_queries(bound):
        assert api.get(url).status_code == 200
