"""The admin stays usable on big tables: searches per field (indexed), a framework filter that
finds frameworks by name (the admin's autocomplete) instead of listing every one, no second full
count. Their query counts are pinned at two sizes in tests/test_query_counts.py."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog.admin import EstimatedCountPaginator
from reviews.models import Review, Vote
from tests.factories import CuratorFactory, FrameworkFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(CuratorFactory(is_superuser=True))
    return client


@pytest.fixture
def reviews():
    flask = FrameworkFactory(name="Flask", slug="flask")
    django = FrameworkFactory(name="Django", slug="django")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    ReviewFactory(user=alice, framework=flask, title="Tiny and sharp", body="Routing is neat.")
    ReviewFactory(user=bob, framework=flask, title="Grew too big", body="Blueprints everywhere.")
    ReviewFactory(user=alice, framework=django, title="Batteries", body="The admin is great.")
    Vote.objects.create(user=alice, framework=flask, value=1)
    Vote.objects.create(user=bob, framework=django, value=-1)
    return flask, django


def titles(response) -> set[str]:
    return {str(row) for row in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sharp", {"Tiny and sharp"}),  # title
        ("blueprints", {"Grew too big"}),  # body
        ("alice", {"Tiny and sharp", "Batteries"}),  # the reviewer
        ("alice admin", {"Batteries"}),  # every word must match somewhere
        ("nowhere", set()),
    ],
)
def test_review_search_unites_each_field(curator_client, reviews, query, expected):
    response = curator_client.get("/admin/reviews/review/", {"q": query})

    assert titles(response) == expected


def filter_form(response) -> str:
    """The framework filter's form in a changelist page."""
    start = response.text.index('<form method="get" class="autocomplete-filter">')
    return response.text[start : response.text.index("</form>", start)]


def pick_framework(client, model_name: str, term: str) -> list[dict]:
    """What the framework filter's autocomplete offers for a typed term."""
    query = {"app_label": "reviews", "model_name": model_name, "field_name": "framework"}
    response = client.get(reverse("admin:autocomplete"), {**query, "term": term})
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.parametrize("model_name", ["review", "vote"])
def test_a_curator_filters_by_a_framework_picked_by_name(reviews, model_name):
    _, django = reviews
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(CuratorFactory())
    changelist = f"/admin/reviews/{model_name}/"

    offered = pick_framework(client, model_name, "djan")
    response = client.get(changelist, {"framework": offered[0]["id"]})

    assert offered == [{"id": str(django.pk), "text": "Django"}]
    assert {row.framework for row in response.context["cl"].result_list} == {django}
    assert f'<option value="{django.pk}" selected>Django</option>' in response.text


def test_a_framework_filter_that_is_not_an_id_is_an_invalid_lookup(curator_client, reviews):
    response = curator_client.get("/admin/reviews/review/", {"framework": "django"})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_autocomplete_looks_up_names_not_descriptions(curator_client, reviews):
    # Every description says "A Python web framework"; the changelist's search finds them all.
    assert pick_framework(curator_client, "review", "framework") == []
    assert [found["text"] for found in pick_framework(curator_client, "vote", "FLA")] == ["Flask"]


def test_the_framework_filter_asks_the_admins_autocomplete(curator_client, reviews):
    response = curator_client.get("/admin/reviews/review/", {"status__exact": "published"})

    assert f'data-ajax--url="{reverse("admin:autocomplete")}"' in response.text
    assert 'data-model-name="review" data-field-name="framework"' in response.text
    assert 'name="status__exact" value="published"' in response.text  # kept when picking
    assert "admin/js/autocomplete.js" in response.text


def test_the_framework_filter_lists_no_frameworks(curator_client, reviews):
    FrameworkFactory.create_batch(30)

    response = curator_client.get("/admin/reviews/review/")

    assert "?framework__id__exact=" not in response.text
    assert filter_form(response).count("<option") == 1  # the empty one, to clear the filter


def test_votes_are_searched_by_exact_user_name(curator_client, reviews):
    response = curator_client.get("/admin/reviews/vote/", {"q": "bob"})

    assert [vote.user.username for vote in response.context["cl"].result_list] == ["bob"]
    assert curator_client.get("/admin/reviews/vote/", {"q": "bo"}).context["cl"].result_count == 0


def test_no_changelist_counts_twice(curator_client, reviews):
    response = curator_client.get("/admin/reviews/review/", {"q": "alice"})

    assert response.context["cl"].show_full_result_count is False
    assert response.context["cl"].full_result_count is None


def test_the_estimate_is_only_for_a_whole_big_table_on_postgresql(reviews):
    filtered = Review.objects.filter(title__icontains="a").order_by("pk")

    assert EstimatedCountPaginator(filtered, 10).count == filtered.count()
    assert EstimatedCountPaginator(Review.objects.order_by("pk"), 10).count == 3  # small: counted
