"""`/choose/`, `/best/<use-case>/` and where the guide shows up: pages, words, links, queries."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import guide, ranking
from catalog.models import Framework
from reviews import services
from tests.factories import ReviewFactory, UserFactory, bulk_frameworks

pytestmark = pytest.mark.django_db

ASYNC_API = "/choose/?build=api&needs_async=yes&priority=performance"
# Anonymous: the frameworks, their tags, what their reviewers switched from.
CHOOSE_MAX_QUERIES = 3
BEST_MAX_QUERIES = 2


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def short_list(response) -> list[str]:
    answer = re.search(r'<section class="panel guide-answer".*?</section>', response.text, re.S)
    return re.findall(r'<article class="fit" data-slug="([^"]+)"', answer[0]) if answer else []


def checked(response, name) -> str | None:
    found = re.search(rf'name="{name}" value="([^"]*)"[^>]*checked', response.text)
    return found[1] if found else None


def test_the_guide_starts_with_the_questions_and_sensible_defaults(en, seeded):
    response = en.get("/choose/")
    assert response.status_code == 200
    assert '<form class="form guide-form" method="get" action="/choose/"' in response.text
    for question in ("build", "needs_async", "experience", "priority", "unmaintained"):
        assert f'data-question="{question}"' in response.text
    assert checked(response, "unmaintained") == "hide"
    assert checked(response, "experience") == "some"
    assert checked(response, "build") is None
    assert short_list(response) == []


def test_a_full_stack_site_gets_django_first_with_links_and_a_compare_link(en, seeded):
    response = en.get("/choose/?build=full-stack")
    slugs = short_list(response)
    assert slugs[0] == "django"
    assert 3 <= len(slugs) <= 4
    for slug in slugs:
        assert f'href="/frameworks/{slug}/"' in response.text
    link = re.search(r'data-role="compare-picks" href="([^"]+)"', response.text)[1]
    parts = urlsplit(html.unescape(link))
    assert parts.path == "/compare/"
    assert parse_qs(parts.query)["f"] == slugs
    compared = en.get(html.unescape(link))
    found = re.findall(r'class="compare-framework" data-slug="([^"]+)"', compared.text)
    assert found == slugs


def test_the_async_api_answer_never_lists_unmaintained_and_keeps_the_answers(en, seeded):
    response = en.get(ASYNC_API)
    slugs = short_list(response)
    assert slugs
    outdated = {c.slug for c in guide.load_candidates() if c.is_outdated}
    assert not set(slugs) & outdated
    assert checked(response, "build") == "api"
    assert checked(response, "needs_async") == "yes"
    assert checked(response, "priority") == "performance"


def test_reasons_come_in_plain_words_from_the_data(en, seeded, settings):
    settings.ASPECT_MIN_REVIEWS = 2
    fastapi = Framework.objects.get(slug="fastapi")
    Framework.objects.filter(pk=fastapi.pk).update(
        upvotes=170, downvotes=40, score=ranking.wilson_lower_bound(170, 40)
    )
    flask = Framework.objects.get(slug="flask")
    for docs in (5, 4):
        services.review_save(
            user=UserFactory(),
            framework=fastapi,
            rating=5,
            title="t",
            body="b",
            documentation=docs,
            stability=2,
            switched_from=flask,
        )
    response = en.get("/choose/?build=api&priority=performance")
    assert "fastapi" in short_list(response)
    card = re.search(r'<article class="fit" data-slug="fastapi">.*?</article>', response.text, re.S)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", card[0])).split()).replace(" ,", ",")
    assert "matches: REST API, type hints, OpenAPI, high performance" in words
    assert "81% approve of 210 votes" in words
    assert "Documentation rated 4.5 by 2 reviewers" in words
    assert "people came here from Flask" in words
    assert "Stability across upgrades rated only 2.0 by 2 reviewers" in words
    assert "the article's drawbacks, in our translation: It has no template syntax" in words


def test_reasons_name_tags_and_drawbacks_in_chinese_for_chinese_readers(client, seeded):
    response = client.get("/choose/?build=api", HTTP_ACCEPT_LANGUAGE="zh-hans")
    card = re.search(r'<article class="fit" data-slug="fastapi">.*?</article>', response.text, re.S)
    assert "类型提示" in card[0] and "type hints" not in card[0]
    assert Framework.objects.get(slug="fastapi").drawbacks in html.unescape(card[0])


def test_showing_unmaintained_marks_them_as_such(en, seeded):
    response = en.get("/choose/?build=full-stack&unmaintained=show&priority=batteries")
    assert checked(response, "unmaintained") == "show"
    page = en.get("/best/full-stack/")
    assert "web2py" not in short_list(page)
    cards = re.findall(
        r'<article class="fit" data-slug="(web2py|pylons)">(.*?)</article>',
        en.get("/choose/?build=small-service&unmaintained=show").text,
        re.S,
    )
    for _slug, card in cards:
        assert "not maintained for today" in html.unescape(card)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?needs_async=yes", "Pick what you are building."),
        ("?build=spaceship", "Pick one of the listed kinds of project."),
        ("?build=api&experience=guru", "Pick one of the listed levels."),
        ("?build=api&priority=fastest", "Pick one of the listed priorities."),
        ("?build=api&unmaintained=maybe", "Choose to hide or to show them."),
        ("?build=api&needs_async=perhaps", "Answer yes or no."),
    ],
)
def test_bad_answers_get_a_clear_message_and_keep_the_rest(en, seeded, query, message):
    response = en.get(f"/choose/{query}")
    assert response.status_code == 200
    assert message in response.text
    assert short_list(response) == []


def test_the_guide_speaks_chinese(client, seeded):
    response = client.get("/choose/?build=full-stack", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "哪个框架适合我的项目" in response.text
    assert "你的候选名单" in response.text
    assert "Your short list" not in response.text


@pytest.fixture(params=[37, 400], ids=["37-frameworks", "400-frameworks"])
def catalog_size(request, seeded):
    if request.param > 37:
        bulk_frameworks(request.param - 37, tags=("openapi", "json-api"))
    ReviewFactory(framework=Framework.objects.get(slug="fastapi"), switched_from_id=None)
    return request.param


@pytest.mark.parametrize("url", [ASYNC_API, "/choose/?build=full-stack", "/choose/"])
def test_the_guide_runs_a_fixed_number_of_queries(
    en, catalog_size, django_assert_max_num_queries, url
):
    with django_assert_max_num_queries(CHOOSE_MAX_QUERIES):
        assert en.get(url).status_code == 200


@pytest.mark.parametrize("slug", [case.slug for case in guide.USE_CASES])
def test_use_case_pages_run_a_fixed_number_of_queries(
    en, catalog_size, django_assert_max_num_queries, slug
):
    with django_assert_max_num_queries(BEST_MAX_QUERIES):
        assert en.get(f"/best/{slug}/").status_code == 200


def test_query_counts_are_the_same_at_both_sizes(en, seeded, django_assert_max_num_queries):
    urls = [ASYNC_API, "/best/rest-apis/", "/frameworks/fastapi/"]

    def counts():
        found = []
        for url in urls:
            with django_assert_max_num_queries(30) as captured:
                en.get(url)
            found.append(len(captured.captured_queries))
        return found

    small = counts()
    bulk_frameworks(300, tags=("openapi", "json-api"))
    assert counts() == small


def test_a_use_case_page_ranks_only_tagged_frameworks_and_shows_its_formula(en, seeded):
    response = en.get("/best/rest-apis/")
    words = text(response)
    assert "Best for REST APIs" in words
    assert "points = 4.0 × min(1, matching tags / 2)" in words
    assert "2.0 × (1 − (place in the ranking − 1) / frameworks)" in words
    listed = re.findall(r'<article class="fit" data-slug="([^"]+)"', response.text)
    api_tags = set(guide.NEEDS["api"])
    tagged = {
        f.slug
        for f in Framework.objects.published().prefetch_related("tags")
        if api_tags & {t.slug for t in f.tags.all()}
    }
    assert listed and set(listed) <= tagged
    assert "points" in words
    assert 'href="/choose/"' in response.text


def test_unknown_use_cases_are_404(en, seeded):
    assert en.get("/best/spaceships/").status_code == 404


def test_the_guide_links_every_use_case_page_and_the_sitemap_lists_them(en, seeded):
    guide_page = en.get("/choose/").text
    sitemap = en.get("/sitemap.xml").text
    assert "http://testserver/choose/" in sitemap
    for use_case in guide.USE_CASES:
        assert f'href="/best/{use_case.slug}/"' in guide_page
        assert f"http://testserver/best/{use_case.slug}/" in sitemap


def test_a_framework_page_links_the_use_cases_where_it_places(en, seeded):
    page = en.get("/frameworks/django/").text
    placings = re.search(r'<ul class="placings".*?</ul>', page, re.S)[0]
    assert 'href="/best/full-stack/"' in placings
    assert "#1 — Best for full-stack sites" in html.unescape(placings)
    assert 'href="/best/realtime/"' not in placings  # Django carries no realtime tag (yet)


def queries_of(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_framework_pages_work_out_the_use_cases_leaders_once_per_interval(
    en, seeded, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    settings.LEADERS_SECONDS = 60
    cache.clear()
    first = queries_of(en, "/frameworks/django/")

    # Every framework, then their tags: read by the first framework page only (so is the site's
    # mean of the stars, which config.derived keeps until something but a vote changes) ...
    assert queries_of(en, "/frameworks/flask/") == first - 3
    with django_capture_on_commit_callbacks(execute=True):  # the vote bumps the page version
        services.vote_cast(
            user=UserFactory(), framework=Framework.objects.get(slug="bottle"), value=1
        )
    # ... and not again after a vote: the leaders are kept LEADERS_SECONDS,
    assert queries_of(en, "/frameworks/bottle/") == first - 3
    # while the use case's own page is exact.
    assert queries_of(en, "/best/full-stack/") > 0
    cache.delete(guide.LEADERS_KEY)  # what LEADERS_SECONDS later does
    assert queries_of(en, "/frameworks/falcon/") == first - 1
    assert "#1 — Best for full-stack sites" in html.unescape(en.get("/frameworks/django/").text)


def test_without_leaders_seconds_every_framework_page_works_out_the_leaders(en, seeded, settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.LEADERS_SECONDS = 0
    cache.clear()
    first = queries_of(en, "/frameworks/django/")
    cache.clear()  # the page cache, not the leaders: there are none kept
    assert queries_of(en, "/frameworks/django/") == first
    assert cache.get(guide.LEADERS_KEY) is None


def test_the_about_page_writes_out_the_guides_weights(en, seeded):
    words = text(en.get("/about/ranking/"))
    assert "The guide and the rankings by use case" in words
    for part in ("use_case", "async", "standing", "outdated"):
        assert f"{guide.WEIGHTS[part]}" in words
    assert "rest-api" in words


def test_the_about_page_says_how_old_a_framework_pages_places_may_be(client, seeded, settings):
    settings.LEADERS_SECONDS = 90
    english = client.get("/about/ranking/", HTTP_ACCEPT_LANGUAGE="en")
    assert "worked out again at most every 90 seconds" in text(english)
    chinese = client.get("/about/ranking/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "最多每 90 秒重新计算一次" in text(chinese)
