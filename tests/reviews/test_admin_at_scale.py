"""The admin stays usable on big tables: searches per field (indexed), a typed framework filter
instead of a list of every framework, no second full count, fixed queries whatever the size."""

import pytest
from django.test import Client

from catalog.admin import EstimatedCountPaginator
from reviews.models import Review, Vote
from tests.factories import CuratorFactory, FrameworkFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/catalog/framework/",
    "/admin/reviews/review/",
    "/admin/reviews/vote/",
    "/admin/reviews/helpfulvote/",
    "/admin/reviews/report/",
    "/admin/reviews/moderationaction/",
]


@pytest.fixture
def curator_client():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(CuratorFactory(is_superuser=True))
    return client


@pytest.fixture
def reviews():
    flask, django = FrameworkFactory(slug="flask"), FrameworkFactory(slug="django")
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


def test_reviews_filter_by_a_typed_framework_slug(curator_client, reviews):
    response = curator_client.get("/admin/reviews/review/", {"framework": "django"})

    assert titles(response) == {"Batteries"}
    assert 'name="framework" value="django"' in response.text


def test_the_framework_filter_lists_no_frameworks(curator_client, reviews):
    FrameworkFactory.create_batch(30)

    response = curator_client.get("/admin/reviews/review/")

    assert "?framework__id__exact=" not in response.text
    assert 'name="framework"' in response.text


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


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_changelist_queries_do_not_grow_with_the_tables(
    curator_client, reviews, path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as small:
        assert curator_client.get(path).status_code == 200
    frameworks = FrameworkFactory.create_batch(40)
    for framework in frameworks:
        ReviewFactory.create_batch(2, framework=framework)

    with django_assert_max_num_queries(12) as large:
        assert curator_client.get(path).status_code == 200

    assert len(large) == len(small)
