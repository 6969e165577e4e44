"""Every page runs a fixed number of queries: the same with 37 frameworks and a handful of rows as
with 500 frameworks, many votes, reviews and helpful marks (anonymous and logged in, and the
admin's changelists for a curator)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Framework, FrameworkQuerySet
from config import pagecache
from reviews import services
from reviews.models import Report, Vote
from tests.factories import CountedReviewFactory, CuratorFactory, UserFactory, bulk_frameworks

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    *(f"/?sort={sort}" for sort in FrameworkQuerySet.SORTS),
    "/?page=2",
    "/?tag=async&q=a&hide=unmaintained",
    "/tags/",
    "/tags/async/",
    "/frameworks/django/",
    "/frameworks/django/?rsort=newest&rpage=2",
    "/frameworks/django/?rsort=lowest",
    "/compare/?f=django&f=flask&f=fastapi",
    "/compare/?q=a",
    "/about/ranking/",
    "/moderation/",
    "/users/writer/",
    "/sitemap.xml",
    "/feeds/reviews/",
    "/frameworks/django/feed/",
    "/api/frameworks/",
    "/api/frameworks/?sort=rating",
    "/api/frameworks/django/",
    "/api/tags/",
]
MAX_QUERIES = 20


def admin_pages(framework) -> list[str]:
    """The curators' changelists, searched and filtered by a framework, and its autocomplete."""
    return [
        "/admin/catalog/framework/",
        "/admin/catalog/framework/?q=django",
        "/admin/reviews/review/",
        "/admin/reviews/review/?q=django",
        f"/admin/reviews/review/?framework={framework.pk}",
        "/admin/reviews/vote/",
        f"/admin/reviews/vote/?framework={framework.pk}",
        "/admin/reviews/helpfulvote/",
        "/admin/reviews/report/",
        "/admin/reviews/moderationaction/",
        "/admin/autocomplete/?app_label=reviews&model_name=review&field_name=framework&term=dj",
    ]


# Session, user, count, the page, one for a filter's choices; on PostgreSQL first the planner's
# estimate of a whole table's rows (catalog.admin.EstimatedCountPaginator).
MAX_ADMIN_QUERIES = 5 + (connection.vendor == "postgresql")


def grow(writer, start: int) -> None:
    """More of everything: frameworks, voters, reviews (some on Django), helpful marks."""
    bulk_frameworks(230, start=start)
    django = Framework.objects.get(slug="django")
    for framework in Framework.objects.filter(seed_rank__lte=15):
        for _ in range(3):
            services.vote_cast(user=UserFactory(), framework=framework, value=Vote.UP)
    for _ in range(12):
        review = CountedReviewFactory(
            user=UserFactory(), framework=django, rating=4, title="More", body="More."
        )
        services.helpful_toggle(user=writer, review=review)


@pytest.fixture
def writer(seeded):
    writer = UserFactory(username="writer")
    django = Framework.objects.get(slug="django")
    CountedReviewFactory(user=writer, framework=django, rating=5, title="Mine", body="Mine.")
    return writer


def moderate(curator) -> None:
    """A reported review and a hidden one, so the moderation lists have rows."""
    django = Framework.objects.get(slug="django")
    reported, hidden = (CountedReviewFactory(user=UserFactory(), framework=django) for _ in "ab")
    services.report_create(user=UserFactory(), review=reported, reason=Report.Reason.SPAM)
    services.review_hide(review=hidden, curator=curator, reason="Spam")


def counts(client, pages=PAGES) -> list[int]:
    found = []
    for path in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        found.append(len(captured))
    return found


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_no_page_runs_more_queries_at_a_larger_size(writer, logged_in):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if logged_in:
        client.force_login(UserFactory(username="reader"))
    small = counts(client)

    grow(writer, start=2000)
    grow(writer, start=3000)
    large = counts(client)

    assert dict(zip(PAGES, large, strict=True)) == dict(zip(PAGES, small, strict=True))
    assert max(large) <= MAX_QUERIES


def test_no_admin_changelist_runs_more_queries_at_a_larger_size(writer):
    curator = CuratorFactory(is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(curator)
    pages = admin_pages(Framework.objects.get(slug="django"))
    moderate(curator)
    small = counts(client, pages)

    grow(writer, start=2000)
    grow(writer, start=3000)
    moderate(curator)
    large = counts(client, pages)

    assert dict(zip(pages, large, strict=True)) == dict(zip(pages, small, strict=True))
    assert max(large) <= MAX_ADMIN_QUERIES


SHARED_PAGES = ["/", "/?sort=rating", "/?page=2", "/tags/async/"]
# The session (the database's here: Redis's in production) and their votes on the page: the user
# (config/auth.py) and the ranking come from the cache; their own widgets too, once read under
# the current page version. In an order no vote changes (best reviewed) the ranking is kept across
# votes, and its counts are read again (once per page version too).
LOGGED_IN_SHARED_QUERIES = [2, 3, 2, 2]
LOGGED_IN_AGAIN_QUERIES = [1, 1, 1, 1]


def test_logged_in_rankings_come_from_the_cache_with_only_the_visitors_own_queries(
    writer, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    reader = UserFactory(username="reader")
    for framework in Framework.objects.filter(seed_rank__lte=3):
        services.vote_cast(user=reader, framework=framework, value=Vote.UP)
    client, other = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(reader)
    other.force_login(UserFactory(username="other"))

    def again() -> tuple[list[int], list[int]]:
        cache.clear()  # a new page version
        for path in SHARED_PAGES:
            other.get(path)  # another visitor has the shared pages rendered
        client.get("/about/ranking/")  # and this visitor's user row is in the cache again
        return counts(client, SHARED_PAGES), counts(client, SHARED_PAGES)

    small = again()
    grow(writer, start=2000)
    grow(writer, start=3000)

    assert again() == small
    first, repeat = small
    assert first == LOGGED_IN_SHARED_QUERIES
    assert repeat == LOGGED_IN_AGAIN_QUERIES


# After a vote: what no vote changes is kept (config.derived), the rest read again ------------

# The rows of a ranking in an order that follows votes (their tags and the rest of what each row
# shows are kept: catalog.rows.ROW_PARTS); the counts of one in an order that does not; a
# framework, where it stands and its alternatives' order; the compared frameworks' votes and
# places, and the picker's leaders.
AFTER_A_VOTE = {
    "/": 1,
    "/?page=2": 1,
    "/?sort=trending": 1,
    "/?tag=async": 1,
    "/tags/async/": 1,
    "/?sort=name": 1,
    "/?sort=rating": 1,
    "/?sort=newest": 1,
    "/tags/": 0,
    "/frameworks/django/": 2,
    "/frameworks/django/?rsort=newest&rpage=2": 2,
    "/compare/?f=django&f=flask&f=fastapi": 2,
}


def test_after_a_vote_anonymous_pages_read_only_what_votes_change(writer, settings):
    settings.PAGE_CACHE_SECONDS = 600
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    pages = list(AFTER_A_VOTE)

    def after_a_vote() -> list[int]:
        cache.clear()
        for path in pages:
            client.get(path)
        pagecache.bump()  # what a vote does once it commits
        return counts(client, pages)

    small = after_a_vote()
    grow(writer, start=2000)
    grow(writer, start=3000)

    assert dict(zip(pages, after_a_vote(), strict=True)) == dict(zip(pages, small, strict=True))
    assert dict(zip(pages, small, strict=True)) == AFTER_A_VOTE


# A vote POST: the same few queries whoever votes and however many votes there are -------------

# Session, user, the framework; the account's standing and the framework locked, the vote read
# and written, the counters stored; the savepoint around the service (the test's transaction).
# A new account's vote also asks whether it has a published review yet.
VOTE_QUERIES = {"counted": 10, "held": 11}
VOTES = [("up", True), ("down", True), ("clear", True), ("up", False), ("clear", False)]


def vote_counts(client) -> list[int]:
    """Queries of each vote POST on Django: up, switched, cleared; htmx, then a plain form."""
    found = []
    for value, htmx in VOTES:
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/frameworks/django/vote/", {"value": value}, **headers)
        assert response.status_code == (200 if htmx else 303), (value, htmx)
        found.append(len(captured))
    return found


@pytest.mark.parametrize("standing", ["counted", "held"])
def test_a_vote_runs_the_same_queries_at_a_larger_size(writer, settings, standing):
    settings.VOTE_HOLD_DAYS = 3
    joined = timezone.now() - timedelta(days=0 if standing == "held" else 4)
    voter = UserFactory(username="voter", date_joined=joined)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(voter)
    small = vote_counts(client)

    grow(writer, start=2000)
    grow(writer, start=3000)
    for framework in Framework.objects.exclude(slug="django")[:100]:  # the voter's own votes too
        services.vote_cast(user=voter, framework=framework, value=Vote.UP)
    large = vote_counts(client)

    assert large == small
    assert large == [VOTE_QUERIES[standing]] * len(VOTES)
