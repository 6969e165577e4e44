"""The page cache (config/pagecache.py): anonymous pages from the cache, nothing personal in them,
and every vote, review, moderation or catalog edit visible on the next request."""

import io
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory

from catalog.models import Framework
from config import pagecache
from reviews import services
from reviews.models import Vote
from tests.factories import CountedReviewFactory, CuratorFactory, FrameworkFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # on_commit bumps run for real
    pytest.mark.usefixtures("page_cache_on"),
]

PAGES = [
    "/",
    "/?sort=rating",
    "/tags/",
    "/frameworks/flask/",
    "/compare/?f=flask&f=bottle",
    "/choose/",
    "/choose/?build=api&needs_async=yes&priority=performance",
    "/best/rest-apis/",
]


@pytest.fixture
def catalog():
    flask = FrameworkFactory(name="Flask", slug="flask", tags=["micro"])
    FrameworkFactory(name="Bottle", slug="bottle", tags=["micro"])
    return flask


def anonymous():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_pages_carry_no_csrf_token_and_set_no_cookie(catalog, path):
    response = anonymous().get(path)

    assert response.status_code == 200
    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_pages_are_served_again_without_a_query(catalog, path, django_assert_num_queries):
    first = anonymous().get(path)

    with django_assert_num_queries(0):
        again = anonymous().get(path)

    assert again.status_code == 200
    assert again.content == first.content
    vary = {value.strip() for value in again["Vary"].split(",")}
    assert (
        vary
        == {value.strip() for value in first["Vary"].split(",")}
        == {
            "Accept-Language",
            "Cookie",
        }
    )  # as for caches downstream


def test_the_session_is_never_loaded_for_anonymous_visitors(catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as captured:
        anonymous().get("/frameworks/flask/")

    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]


def test_a_vote_shows_on_the_next_request(catalog):
    before = anonymous().get("/frameworks/flask/").text
    assert 'data-role="upvotes">0<' in before

    services.vote_cast(user=UserFactory(), framework=catalog, value=Vote.UP)

    assert 'data-role="upvotes">1<' in anonymous().get("/frameworks/flask/").text


def test_after_a_vote_a_ranking_writes_again_only_the_voted_framework_s_widget(
    catalog, monkeypatch
):
    """Rows' parts (catalog.rows.ROW_PARTS) are kept under the content version and anonymous
    widgets (ANONYMOUS_WIDGETS) by what they show: after a vote the ranking writes no row and
    one widget again, and shows the vote; after an edit it writes every row again."""
    from catalog.rows import Rows
    from reviews.templatetags import reviews_tags

    anonymous().get("/")
    rows, widgets = [], []
    parts, widget = Rows._parts, reviews_tags.vote_widget
    monkeypatch.setattr(Rows, "_parts", lambda self, f: rows.append(f.slug) or parts(self, f))
    monkeypatch.setattr(
        reviews_tags, "vote_widget", lambda c, f, v: widgets.append(f.slug) or widget(c, f, v)
    )

    services.vote_cast(user=UserFactory(), framework=catalog, value=Vote.UP)
    page = anonymous().get("/").text

    assert (rows, widgets) == ([], ["flask"])
    assert re.search(r'data-framework="flask".*?data-role="upvotes">1<', page, re.S)

    catalog.name = "Flask Renamed"
    catalog.save()
    page = anonymous().get("/").text

    assert sorted(rows) == ["bottle", "flask"]
    assert ">Flask Renamed</a>" in page
    assert sorted(widgets[1:]) == ["bottle", "flask"]  # after any edit, every one


def test_a_review_and_its_moderation_show_on_the_next_request(catalog):
    anonymous().get("/frameworks/flask/")
    review = CountedReviewFactory(
        user=UserFactory(), framework=catalog, rating=5, title="Cached or not", body="Fine."
    )
    assert "Cached or not" in anonymous().get("/frameworks/flask/").text

    services.review_hide(review=review, curator=CuratorFactory(), reason="spam")

    assert "Cached or not" not in anonymous().get("/frameworks/flask/").text


def test_a_hold_on_votes_and_its_lifting_show_on_the_moderation_log_at_once(catalog):
    """Holding an account that has not voted (or whose votes were held already) moves no
    counter; the public log still has a new line, on the next request."""
    curator, quiet = CuratorFactory(), UserFactory(username="quiet")
    log = "/moderation/"
    anonymous().get(log)

    suspension = services.votes_suspend(users=[quiet], curator=curator, reason="Sock puppets")
    assert "Sock puppets" in anonymous().get(log).text

    services.suspension_lift(suspension=suspension, curator=curator, reason="Cleared on appeal")
    assert "Cleared on appeal" in anonymous().get(log).text


def test_a_catalog_edit_shows_on_the_next_request(catalog):
    anonymous().get("/")
    catalog.name = "Flask Renamed"
    catalog.save()

    assert "Flask Renamed" in anonymous().get("/").text


@pytest.mark.parametrize("path", ["/frameworks/flask/", "/tags/", "/compare/?f=flask&f=bottle"])
def test_a_tag_change_shows_on_the_next_request(catalog, path):
    anonymous().get(path)

    catalog.tags.add("wsgi-friendly")

    assert "wsgi-friendly" in anonymous().get(path).text


def test_the_language_is_part_of_the_key(catalog):
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").text
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/").text
    cookie = Client(HTTP_ACCEPT_LANGUAGE="en")
    cookie.cookies["django_language"] = "zh-hans"

    assert '<html lang="en">' in english
    assert '<html lang="zh-hans">' in chinese
    assert '<html lang="zh-hans">' in cookie.get("/").text


@pytest.mark.parametrize("path", ["/", "/frameworks/flask/"])
def test_a_page_from_the_cache_carries_every_header_of_a_fresh_one(catalog, path):
    """The cache answers before the security, CSP and locale middleware: what it stored must be
    the response as they left it."""
    fresh = anonymous().get(path)
    again = anonymous().get(path)

    skip = {"X-Request-ID"}
    assert {k: v for k, v in again.items() if k not in skip} == {
        k: v for k, v in fresh.items() if k not in skip
    }
    for header in ("Content-Security-Policy", "Content-Language", "X-Content-Type-Options"):
        assert again[header]


def test_unmarked_pages_never_ask_the_cache(catalog, monkeypatch):
    asked = []

    class Spy:
        def __getattr__(self, name):
            method = getattr(cache, name)

            def spied(*args, **kwargs):
                asked.append(name)
                return method(*args, **kwargs)

            return spied

    monkeypatch.setattr(pagecache, "cache", Spy())

    # (The API's framework answers read the version themselves, after the throttle: catalog/api.py.)
    for path in ["/accounts/login/", "/api/tags/", "/static/css/site.css", "/no/such/"]:
        anonymous().get(path)
    assert asked == []
    anonymous().get("/")
    assert "get" in asked


def test_a_page_served_again_by_this_process_reads_only_the_version_from_the_shared_cache(
    catalog, monkeypatch
):
    """Each process keeps the pages it served lately; the version still comes from the shared
    cache on every request, so a change on another server shows at once."""
    anonymous().get("/frameworks/flask/")
    read = []

    class Spy:
        def get(self, key, *args, **kwargs):
            read.append(key)
            return cache.get(key, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(cache, name)

    monkeypatch.setattr(pagecache, "cache", Spy())

    again = anonymous().get("/frameworks/flask/")
    assert again.status_code == 200
    assert read == [pagecache.VERSION_KEY]

    cache.set(pagecache.VERSION_KEY, "set-by-another-server", None)  # a change elsewhere
    read.clear()
    fresh = anonymous().get("/frameworks/flask/")
    assert fresh.status_code == 200
    assert pagecache.VERSION_KEY in read and len(read) > 1  # the stored copy is not used


def test_a_kept_page_is_nothing_the_garbage_collector_keeps_walking(catalog):
    """A worker keeps hundreds of pages; each kept entry is immutable through and through, so
    the collector drops it from its lists after a look or two instead of walking it in every full
    collection (a pause for every request waiting)."""
    import gc

    pagecache.LOCAL_PAGES.entries.clear()
    anonymous().get("/?sort=name")
    (entry,) = pagecache.LOCAL_PAGES.entries.values()
    for _nested in range(4):  # each collection lets go of one more level of nested tuples
        gc.collect()

    assert not gc.is_tracked(entry) and not gc.is_tracked(entry[2])  # the page, its headers


def test_the_local_copies_stay_within_their_budget_least_recently_used_out_first():
    pages = pagecache.LocalPages(limit=250)
    for name in "abc":
        pages.put(name, "v1", ("v1", 200, [], b"x" * 100), 100, 60)
    assert pages.get("a", "v1") is None  # 300 bytes > 250: the oldest went
    assert pages.get("b", "v1") and pages.get("c", "v1")
    assert pages.get("c", "v2") is None  # another version: not this page
    pages.put("d", "v1", ("v1", 200, [], b"x" * 100), 100, 60)
    assert pages.get("b", "v1") is None and pages.get("c", "v1") and pages.get("d", "v1")
    pages.put("e", "v1", ("v1", 200, [], b"x" * 100), 100, -1)
    assert pages.get("e", "v1") is None  # past PAGE_CACHE_SECONDS


def test_a_path_is_resolved_once_per_process_to_know_whether_it_is_cached(catalog, monkeypatch):
    resolved = []
    real = pagecache.resolve
    monkeypatch.setattr(pagecache, "resolve", lambda path: resolved.append(path) or real(path))
    pagecache.marked.cache_clear()

    for _ in range(3):
        anonymous().get("/frameworks/flask/?sort=x")
        anonymous().get("/accounts/login/")

    assert resolved == ["/frameworks/flask/", "/accounts/login/"]


def test_the_query_is_part_of_the_key(catalog):
    assert anonymous().get("/?q=flask").text != anonymous().get("/?q=bottle").text


def test_logged_in_visitors_are_neither_served_nor_stored(catalog):
    user = UserFactory(username="alice")
    anonymous().get("/")  # an anonymous copy in the cache
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    mine = client.get("/")

    assert "alice" in mine.text
    assert "csrfmiddlewaretoken" in mine.text
    assert "alice" not in anonymous().get("/").text


def test_a_pending_message_bypasses_the_page_cache_and_shows(catalog):
    """A visitor with a message waiting is not answered the stored page: the ranking comes from
    the shared fragment (config.fragments) with their message put in, once."""
    anonymous().get("/")
    client = anonymous()
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Welcome back")])

    assert "Welcome back" in client.get("/").text
    assert "Welcome back" not in client.get("/").text  # shown once
    assert "Welcome back" not in anonymous().get("/").text


def test_the_version_is_shared_through_the_cache(catalog):
    version = pagecache.current_version()

    pagecache.bump()

    assert pagecache.current_version() != version
    assert cache.get(pagecache.VERSION_KEY) == pagecache.current_version()


def test_the_page_cache_can_be_turned_off(catalog, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    anonymous().get("/")

    with django_assert_max_num_queries(20) as captured:
        anonymous().get("/")

    assert captured.captured_queries


def test_the_sitemap_is_cached(catalog, django_assert_num_queries):
    anonymous().get("/sitemap.xml")

    with django_assert_num_queries(0):
        assert anonymous().get("/sitemap.xml").status_code == 200


# The language switch: plain links


def test_the_language_switch_is_links_not_a_form(catalog):
    page = anonymous().get("/tags/").text

    assert 'href="/lang/zh-hans/?next=/tags/"' in page
    assert 'href="/lang/en/?next=/tags/"' in page
    assert "/i18n/setlang/" not in page


def test_the_language_link_sets_the_cookie_and_goes_back(catalog, settings):
    client = anonymous()

    response = client.get("/lang/zh-hans/", {"next": "/tags/"})

    assert response.status_code == 302
    assert response["Location"] == "/tags/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/tags/").text


def test_the_language_link_refuses_another_site_and_unknown_languages(catalog):
    client = anonymous()

    assert client.get("/lang/en/", {"next": "https://evil.example/"})["Location"] == "/"
    assert client.get("/lang/xx/").status_code == 404


# Anonymous vote and helpful buttons are links to log in


def test_anonymous_vote_buttons_lead_to_login_and_back(catalog):
    page = anonymous().get("/?sort=name").text

    assert 'class="vote-button vote-up" rel="nofollow" href="/accounts/login/?next=' in page
    assert "sort%253Dname" in page  # back to this very page after the vote


def test_anonymous_helpful_buttons_lead_to_login(catalog):
    review = CountedReviewFactory(
        user=UserFactory(), framework=catalog, rating=4, title="Good", body="Good."
    )

    page = anonymous().get("/frameworks/flask/").text

    assert f'href="/accounts/login/?next=/frameworks/flask/%23review-{review.pk}"' in page


# Changes outside votes and reviews show on the next request too


def test_holding_out_accounts_that_have_no_counted_vote_shows_in_the_moderation_log(catalog):
    """No counter moves when the accounts' votes were already held (or they have none), yet the
    public log gains a line."""
    anonymous().get("/moderation/")
    quiet = UserFactory()

    services.votes_suspend(users=[quiet], curator=CuratorFactory(), reason="Ring of quiet ones")

    assert "Ring of quiet ones" in anonymous().get("/moderation/").text


def test_a_recount_that_repairs_a_counter_shows_on_the_next_request(catalog):
    services.vote_cast(user=UserFactory(), framework=catalog, value=Vote.UP)
    Framework.objects.filter(pk=catalog.pk).update(upvotes=41)  # drift, behind the services
    assert 'data-role="upvotes">41<' in anonymous().get("/frameworks/flask/").text

    call_command("recount", stdout=io.StringIO())

    assert 'data-role="upvotes">1<' in anonymous().get("/frameworks/flask/").text


def test_renaming_an_account_shows_on_the_next_request(catalog):
    writer = UserFactory(username="old-name")
    CountedReviewFactory(user=writer, framework=catalog, rating=4, title="Named", body="Body.")
    assert "old-name" in anonymous().get("/frameworks/flask/").text

    writer.username = "new-name"
    writer.save()

    page = anonymous().get("/frameworks/flask/").text
    assert "new-name" in page and "old-name" not in page


# A framework's page keeps what no vote changes (config.derived): every other change still shows


def test_a_vote_reorders_the_alternatives_on_the_next_request(catalog):
    FrameworkFactory(name="Cherry", slug="cherry", tags=["micro"], seed_rank=None)
    page = anonymous().get("/frameworks/flask/").text
    assert page.index('data-slug="bottle"') < page.index('data-slug="cherry"')

    services.vote_cast(
        user=UserFactory(), framework=Framework.objects.get(slug="cherry"), value=Vote.UP
    )

    page = anonymous().get("/frameworks/flask/").text
    assert page.index('data-slug="cherry"') < page.index('data-slug="bottle"')


def test_a_helpful_mark_shows_on_the_next_request(catalog):
    review = CountedReviewFactory(
        user=UserFactory(), framework=catalog, rating=4, title="Useful", body="Body."
    )
    assert 'data-role="helpful-count">0<' in anonymous().get("/frameworks/flask/").text

    services.helpful_toggle(user=UserFactory(), review=review)

    assert 'data-role="helpful-count">1<' in anonymous().get("/frameworks/flask/").text


def test_a_switch_and_a_new_review_elsewhere_show_on_the_next_request(catalog):
    bottle = Framework.objects.get(slug="bottle")
    CountedReviewFactory(user=UserFactory(), framework=catalog, rating=5, title="A", body="B.")
    page = anonymous().get("/frameworks/flask/").text
    assert "People came to Flask from" not in page
    assert "Sorted by rating as 5.0" in page

    # A review of Flask that came from Bottle; then Bottle's own review moves the site's mean.
    CountedReviewFactory(
        user=UserFactory(), framework=catalog, rating=5, title="C", body="D.", switched_from=bottle
    )
    CountedReviewFactory(user=UserFactory(), framework=bottle, rating=1, title="E", body="F.")

    page = anonymous().get("/frameworks/flask/").text
    assert "People came to Flask from" in page
    assert "Sorted by rating as 5.0" not in page


def test_renaming_the_framework_that_replaced_one_shows_on_the_next_request(catalog):
    old = FrameworkFactory(name="Old", slug="old", replaced_by=catalog)
    assert ">Flask</a>" in anonymous().get("/frameworks/old/").text

    catalog.name = "Flask Renamed"
    catalog.save()

    assert ">Flask Renamed</a>" in anonymous().get(old.get_absolute_url()).text


# A ranking keeps how many frameworks match and, under sorts no vote changes, which are on the
# page (catalog.pages); their votes are read on every render


def slugs(html: str) -> list[str]:
    return re.findall(r'<li class="framework-row" id="framework-([^"]+)"', html)


def test_a_vote_shows_on_a_ranking_whose_order_it_does_not_change(catalog):
    assert 'data-role="upvotes">0<' in anonymous().get("/?sort=name").text

    services.vote_cast(user=UserFactory(), framework=catalog, value=Vote.UP)

    page = anonymous().get("/?sort=name").text
    assert slugs(page) == ["bottle", "flask"]
    assert 'data-role="upvotes">1<' in page


def test_a_review_reorders_the_best_reviewed_on_the_next_request(catalog):
    assert slugs(anonymous().get("/?sort=rating").text) == ["bottle", "flask"]

    CountedReviewFactory(user=UserFactory(), framework=catalog, rating=5, title="T", body="B.")

    assert slugs(anonymous().get("/?sort=rating").text) == ["flask", "bottle"]


def test_unpublishing_changes_the_count_and_the_pages_on_the_next_request(catalog):
    for path in ("/?sort=name", "/tags/micro/?sort=newest"):
        assert "2 frameworks" in anonymous().get(path).text

    catalog.is_published = False
    catalog.save()

    for path in ("/?sort=name", "/tags/micro/?sort=newest"):
        page = anonymous().get(path).text
        assert "1 framework" in page
        assert slugs(page) == ["bottle"]


def test_after_a_vote_a_ranking_in_an_order_no_vote_changes_reads_only_the_counts(
    catalog, django_assert_num_queries
):
    anonymous().get("/?sort=name")
    services.vote_cast(user=UserFactory(), framework=catalog, value=Vote.DOWN)

    with django_assert_num_queries(1):  # the frameworks' vote counters, as they are now
        page = anonymous().get("/?sort=name").text

    assert slugs(page) == ["bottle", "flask"]
    assert 'data-role="downvotes">1<' in page


def test_a_helpful_mark_changes_the_most_helpful_review_compared_on_the_next_request(catalog):
    first, second = (
        CountedReviewFactory(user=UserFactory(), framework=catalog, title=title, body="B.")
        for title in ("First", "Second")
    )
    services.helpful_toggle(user=UserFactory(), review=first)
    assert ">First</a>" in anonymous().get("/compare/?f=flask&f=bottle").text

    for reader in UserFactory.create_batch(2):
        services.helpful_toggle(user=reader, review=second)

    page = anonymous().get("/compare/?f=flask&f=bottle").text
    assert ">Second</a>" in page and ">First</a>" not in page


# The compare page keeps what no vote changes (catalog.compare): votes and places are read each time


def compared(html: str) -> dict[str, str]:
    """{slug: the rank shown} of the compared frameworks, in their order."""
    slugs = re.findall(r'<th scope="col" class="compare-framework" data-slug="([^"]+)"', html)
    return dict(zip(slugs, re.findall(r'class="rank-number">#(\d+)<', html), strict=True))


def test_a_vote_moves_the_compared_places_and_counts_on_the_next_request(catalog):
    page = anonymous().get("/compare/?f=flask&f=bottle").text
    assert compared(page) == {"flask": "2", "bottle": "1"}

    services.vote_cast(user=UserFactory(), framework=catalog, value=Vote.UP)

    page = anonymous().get("/compare/?f=flask&f=bottle").text
    assert compared(page) == {"flask": "1", "bottle": "2"}
    assert 'data-role="upvotes">1<' in page


def test_a_review_and_a_rename_show_on_the_compare_page_on_the_next_request(catalog):
    assert "No reviews yet" in anonymous().get("/compare/?f=flask&f=bottle").text

    CountedReviewFactory(user=UserFactory(), framework=catalog, rating=4, title="T", body="B.")
    catalog.refresh_from_db()
    catalog.name = "Flask Renamed"
    catalog.save()

    page = anonymous().get("/compare/?f=flask&f=bottle").text
    assert 'data-role="review-count">1<' in page
    assert ">Flask Renamed</a>" in page


def test_unpublishing_a_compared_framework_shows_on_the_next_request(catalog):
    assert compared(anonymous().get("/compare/?f=flask&f=bottle").text)

    catalog.is_published = False
    catalog.save()

    page = anonymous().get("/compare/?f=flask&f=bottle").text
    assert not compared(page)
    assert "<code>flask</code>" in page  # not on PyWebRank, so left out
