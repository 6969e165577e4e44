"""Every public input, fuzzed (Hypothesis): any query string, path or form gives 2xx–4xx, no 5xx.

Bounded by the "ci" profile in tests/conftest.py (FUZZ_EXAMPLES per test, repeatable); runs on
SQLite and on PostgreSQL. The test client re-raises a view's exception, so a crash fails loudly.
"""

from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from hypothesis import example, given
from hypothesis import strategies as st

from catalog.aspects import ASPECT_KEYS
from catalog.models import Framework
from reviews.models import Review
from tests.factories import CountedReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

EDGES = [
    "", " ", "0", "-1", "1", "2", "999999999999999999999999", "1e3", "NaN", "last", "true",
    "top", "trending", "rating", "reviews", "newest", "name", "seed", "unmaintained",
    "not-web-framework", "django", "flask", "web", "up", "down", "clear", "spam", "other", "en",
    "zh-hans", "/", "//evil.example/", "https://evil.example/", "javascript:alert(1)", "../..",
    "%", "%00", "\x00", "\u202e", "<script>alert(1)</script>", "' OR 1=1 --", "\\", "中文",
    "😀" * 3, "a" * 300,
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(EDGES),
    st.text(max_size=40),
    st.integers().map(str),
    st.text(min_size=200, max_size=2000),
)


def pairs(names):
    """Query or form pairs: the known names (repeated at will) and a few unknown ones."""
    name = st.one_of(st.sampled_from(names), st.text(max_size=8))
    return st.lists(st.tuples(name, VALUES), max_size=8)


# Raw query strings too: bad percent-escapes, lone UTF-8 bytes, stray separators.
RAW_QUERY = st.text(alphabet="ab=&;%0fFzZ+/?#[]\\ \t\x00ü", max_size=40)
SEGMENT = st.one_of(st.sampled_from(EDGES), st.text(min_size=1, max_size=40))

PAGES = {
    "/": ["q", "tag", "hide", "sort", "page"],
    "/frameworks/flask/": ["rsort", "rpage", "page"],
    "/frameworks/flask/feed/": ["page"],
    "/frameworks/flask/review/": ["next"],
    "/compare/": ["f"],
    "/tags/": ["page"],
    "/tags/web/": ["sort", "page"],
    "/about/ranking/": [],
    "/choose/": ["build", "needs_async", "experience", "priority", "unmaintained"],
    "/best/rest-apis/": ["page", "sort"],
    "/frameworks/flask/vote/confirm/": ["value", "next"],
    "/moderation/": ["page"],
    "/users/alice/": ["page", "rpage"],
    "/feeds/reviews/": [],
    "/sitemap.xml": ["p"],
    "/robots.txt": [],
    "/healthz": [],
    "/accounts/login/": ["next"],
    "/accounts/signup/": ["next"],
    "/accounts/password_reset/": [],
    "/api/": ["format"],
    "/api/frameworks/": ["q", "tag", "hide", "sort", "page", "page_size", "format"],
    "/api/frameworks/flask/": ["format"],
    "/api/tags/": ["page", "page_size", "format"],
    "/api/schema/": ["format", "lang"],
}
PATHS = [
    "/frameworks/{}/",
    "/frameworks/{}/feed/",
    "/tags/{}/",
    "/best/{}/",
    "/frameworks/{}/vote/confirm/",
    "/users/{}/",
    "/api/frameworks/{}/",
    "/accounts/reset/{}/{}/",
]


@pytest.fixture
def site(seeded):
    """The seed, a tagged framework with reviews by others, and a reader called alice."""
    alice = UserFactory(username="alice")
    flask = Framework.objects.get(slug="flask")
    flask.tags.add("web")
    review = CountedReviewFactory(user=UserFactory(), framework=flask, rating=4, title="Good")
    return {"alice": alice, "flask": flask, "review": review}


def assert_answered(response):
    assert 200 <= response.status_code < 500, response.status_code


def post(client, path, fields, **headers):
    """POST the pairs as a browser would (urlencoded, names repeated at will)."""
    body = urlencode(fields)
    return client.post(path, body, content_type="application/x-www-form-urlencoded", **headers)


def fresh_limits():
    """Each example starts with empty rate-limit counters and no login lock-outs."""
    cache.clear()
    AccessAttempt.objects.all().delete()


@given(page=st.sampled_from(sorted(PAGES)), data=st.data())
def test_any_query_string_on_any_public_page_answers_without_a_server_error(
    client, site, page, data
):
    fresh_limits()
    query = urlencode(data.draw(pairs(PAGES[page]) if PAGES[page] else pairs(["x"])))
    assert_answered(client.get(f"{page}?{query}"))


@given(page=st.sampled_from(sorted(PAGES)), raw=RAW_QUERY)
def test_any_raw_query_string_answers_without_a_server_error(client, site, page, raw):
    fresh_limits()
    assert_answered(client.get(f"{page}?{raw}"))


@given(pattern=st.sampled_from(PATHS), first=SEGMENT, second=SEGMENT)
def test_any_path_segment_answers_without_a_server_error(client, site, pattern, first, second):
    fresh_limits()
    path = pattern.format(quote(first, safe=""), quote(second, safe=""))
    assert_answered(client.get(path))


# Always tried, whatever the random search finds: NUL (PostgreSQL refuses it in text) in each.
for _pattern in PATHS:
    test_any_path_segment_answers_without_a_server_error = example(
        pattern=_pattern, first="a\x00b", second="\x00"
    )(test_any_path_segment_answers_without_a_server_error)


@given(logged_in=st.booleans(), page=st.sampled_from(sorted(PAGES)), data=st.data())
def test_pages_answer_the_same_way_for_a_logged_in_reader(client, site, logged_in, page, data):
    fresh_limits()
    if logged_in:
        client.force_login(site["alice"])
    query = urlencode(data.draw(pairs(PAGES[page] or ["x"])))
    assert_answered(
        client.get(f"{page}?{query}", HTTP_HX_REQUEST=data.draw(st.sampled_from(["true", ""])))
    )


# Forms ------------------------------------------------------------------------------------------

ANONYMOUS_FORMS = {
    "/accounts/signup/": [
        "username",
        "email",
        "password1",
        "password2",
        "website",
        "started",
        "next",
    ],
    "/accounts/login/": ["username", "password", "next"],
    "/accounts/password_reset/": ["email"],
    "/i18n/setlang/": ["language", "next"],
    "/csp-report/": ["csp-report"],
}


@given(form=st.sampled_from(sorted(ANONYMOUS_FORMS)), data=st.data())
def test_any_anonymous_form_post_answers_without_a_server_error(client, site, form, data):
    fresh_limits()
    assert_answered(post(client, form, data.draw(pairs(ANONYMOUS_FORMS[form]))))


@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_raw_body_to_a_form_answers_without_a_server_error(client, site, body):
    fresh_limits()
    for path in ("/accounts/login/", "/accounts/signup/", "/csp-report/"):
        assert_answered(client.post(path, body, content_type="application/x-www-form-urlencoded"))


def member_forms(site):
    review = site["review"].pk
    return {
        "/frameworks/flask/vote/": ["value", "next"],
        "/frameworks/django/vote/": ["value", "next"],
        "/frameworks/flask/review/": [
            "rating", "title", "body", "pros", "cons", "version_used", "switched_from",
            *ASPECT_KEYS,
        ],
        f"/reviews/{review}/helpful/": ["next"],
        f"/reviews/{review}/report/": ["reason", "detail", "next"],
        "/accounts/password_change/": ["old_password", "new_password1", "new_password2"],
        "/i18n/setlang/": ["language", "next"],
    }  # fmt: skip


@given(data=st.data(), htmx=st.booleans(), logged_in=st.booleans())
def test_any_member_form_post_answers_without_a_server_error(client, site, data, htmx, logged_in):
    fresh_limits()
    if logged_in:
        client.force_login(site["alice"])
    forms = member_forms(site)
    form = data.draw(st.sampled_from(sorted(forms)))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert_answered(post(client, form, data.draw(pairs(forms[form])), **headers))


@given(data=st.data())
def test_any_review_form_on_ones_own_review_then_delete_answers(client, site, data):
    fresh_limits()
    client.force_login(site["alice"])
    fields = member_forms(site)["/frameworks/flask/review/"]
    valid = {"rating": "5", "title": "Fine", "body": "Works."}
    posted = [*valid.items(), *data.draw(pairs(fields))]
    delete, after_delete = data.draw(st.booleans()), data.draw(pairs(["next"]))
    assert_answered(post(client, "/frameworks/flask/review/", posted))
    own = Review.objects.filter(user=site["alice"]).first()
    if own is not None and delete:
        assert_answered(post(client, f"/reviews/{own.pk}/delete/", after_delete))
