import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.html import escape

from catalog import ranking
from catalog.models import Framework
from catalog.seed import load_fixture
from tests.factories import FrameworkFactory, ReviewFactory, UserFactory, bulk_frameworks

pytestmark = pytest.mark.django_db

# Pinned query counts, for anonymous and logged-in users, with 37 frameworks and with 500.
RANKING_MAX_QUERIES = 8
# The detail page reads the rating prior always (Framework.bayesian_rating, one rule for pages and
# API), not only when the framework has reviews: 17.
DETAIL_MAX_QUERIES = 17


def row_names(response) -> list[str]:
    """Framework names of the ranking rows, in page order."""
    rows = re.findall(
        r'class="framework-name"><a href="[^"]*">([^<]*)</a>', response.content.decode()
    )
    return [html.unescape(name) for name in rows]


def next_link_query(response) -> dict[str, list[str]]:
    match = re.search(r'<a rel="next" href="([^"]*)"', response.content.decode())
    assert match, "no next link"
    return parse_qs(urlsplit(html.unescape(match[1])).query)


def set_votes(framework, up, down):
    Framework.objects.filter(pk=framework.pk).update(
        upvotes=up, downvotes=down, score=ranking.wilson_lower_bound(up, down)
    )


# Every page answers


@pytest.mark.parametrize(
    "url", ["/", "/frameworks/flask/", "/tags/", "/tags/websocket/", "/about/ranking/"]
)
def test_every_page_answers_200(en, seeded, url):
    assert en.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/frameworks/no-such-framework/", "/tags/no-such-tag/", "/frameworks/Flask/"]
)
def test_unknown_slugs_answer_404(en, seeded, url):
    assert en.get(url).status_code == 404


# The ranking


def test_ranking_lists_the_37_in_the_articles_order(en, seeded, settings):
    settings.RANKING_PAGE_SIZE = 50
    response = en.get("/")
    assert row_names(response) == [entry["name"] for entry in load_fixture()]
    assert "37 frameworks" in response.content.decode()


def test_ranking_follows_the_votes(en, seeded):
    set_votes(Framework.objects.get(slug="bottle"), 5, 1)
    set_votes(Framework.objects.get(slug="django"), 0, 2)
    names = row_names(en.get("/"))
    assert names[:3] == ["Bottle", "Flask", "Pyramid"]
    assert "Django" not in names  # pushed to the second page


def test_ranking_searches_chinese_text(en, seeded):
    names = row_names(en.get("/", {"q": "微框架"}))
    assert "Flask" in names and "Django" not in names


def test_ranking_filters_by_tag(en, seeded):
    response = en.get("/", {"tag": "not-a-web-framework"})
    assert row_names(response) == ["Cubes", "DPark", "Buildbot"]
    assert "not a web framework" in response.content.decode()


def test_ranking_hides_unmaintained_frameworks(en, seeded, settings):
    settings.RANKING_PAGE_SIZE = 50
    names = row_names(en.get("/", {"hide": "unmaintained"}))
    assert "Pylons" not in names and len(names) == 36


@pytest.mark.parametrize("sort", ["name", "seed", "newest", "trending", "rating", "reviews"])
def test_every_sort_renders(en, seeded, sort):
    response = en.get("/", {"sort": sort})
    assert response.status_code == 200
    assert len(row_names(response)) == 20


@pytest.mark.parametrize(
    "query", [{"sort": "bogus"}, {"tag": "no-such-tag"}, {"hide": "bogus"}, {"q": "x" * 5000}]
)
def test_unknown_filters_give_a_clean_page(en, seeded, query):
    response = en.get("/", query)
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_unknown_sort_falls_back_to_the_default_order(en, seeded):
    assert row_names(en.get("/", {"sort": "bogus"})) == row_names(en.get("/"))


def test_unknown_tag_shows_no_framework(en, seeded):
    response = en.get("/", {"tag": "no-such-tag"})
    assert row_names(response) == []
    assert "No framework matches" in response.content.decode()


def test_pagination_keeps_the_filters(en, seeded, settings):
    settings.RANKING_PAGE_SIZE = 2
    response = en.get("/", {"q": "框架", "tag": "async", "sort": "name"})
    query = next_link_query(response)
    assert query == {"q": ["框架"], "tag": ["async"], "sort": ["name"], "page": ["2"]}
    first = row_names(response)
    second = row_names(en.get("/", {k: v[0] for k, v in query.items()}))
    assert len(first) == 2 and second and not set(first) & set(second)
    assert first + second == sorted(first + second, key=str.lower)


def test_pages_neither_repeat_nor_skip_frameworks(en, seeded, settings):
    settings.RANKING_PAGE_SIZE = 5
    Framework.objects.filter(seed_rank__gt=30).update(seed_rank=None)  # unranked ties by name
    seen = []
    for page in range(1, 9):
        seen += row_names(en.get("/", {"page": page}))
    assert sorted(seen) == sorted(entry["name"] for entry in load_fixture())


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "999", "999999999999999999999"])
def test_wild_page_numbers_answer_404(en, seeded, page):
    assert en.get("/", {"page": page}).status_code == 404
    assert en.get("/tags/async/", {"page": page}).status_code == 404


def test_last_page_answers(en, seeded):
    response = en.get("/", {"page": "2"})
    assert response.status_code == 200
    assert len(row_names(response)) == 17


# Unpublished frameworks


@pytest.fixture
def unpublished_flask(seeded):
    Framework.objects.filter(slug="flask").update(is_published=False)


def test_unpublished_framework_detail_answers_404(en, unpublished_flask):
    assert en.get("/frameworks/flask/").status_code == 404


def test_unpublished_framework_is_absent_from_every_list(en, unpublished_flask, settings):
    settings.RANKING_PAGE_SIZE = 50
    assert "Flask" not in row_names(en.get("/"))
    assert len(row_names(en.get("/"))) == 36
    assert "Flask" not in row_names(en.get("/", {"q": "Flask"}))
    assert "Flask" not in row_names(en.get("/", {"tag": "microframework"}))
    assert "Flask" not in row_names(en.get("/tags/microframework/"))
    # Pyramid's "next above" skips the hidden Flask.
    pyramid = en.get("/frameworks/pyramid/").content.decode()
    assert "/frameworks/flask/" not in pyramid
    assert 'Next above: <a href="/frameworks/django/">Django</a>' in pyramid


def test_unpublished_replacement_is_not_linked(en, seeded):
    Framework.objects.filter(slug="pyramid").update(is_published=False)
    assert "/frameworks/pyramid/" not in en.get("/frameworks/pylons/").content.decode()


def test_unpublished_framework_is_not_counted_on_the_tag_list(en, seeded):
    FrameworkFactory(name="Secret", tags=["secret-tag"], is_published=False)
    content = en.get("/tags/").content.decode()
    assert "secret-tag" not in content
    assert re.search(
        r"not a web framework <span class=\"tag-count\">3"
        r"<span class=\"visually-hidden\"> frameworks</span>",
        content,
    )


def test_unpublished_framework_does_not_hold_a_place_in_the_ranking(en, unpublished_flask):
    assert "#2 in the ranking" in en.get("/frameworks/pyramid/").content.decode()


# The detail page


def test_detail_shows_the_website_with_noopener(en, seeded):
    content = en.get("/frameworks/flask/").content.decode()
    assert re.search(r'<a href="https://[^"]*flask[^"]*" rel="noopener"', content)


def test_detail_links_its_tags(en, seeded):
    content = en.get("/frameworks/starlette/").content.decode()
    for slug in ("async", "asgi", "websocket"):
        assert f'href="/tags/{slug}/"' in content


@pytest.mark.parametrize("entry", load_fixture(), ids=lambda entry: entry["slug"])
def test_detail_shows_the_seed_text_as_written(en, seeded, entry):
    content = en.get(f"/frameworks/{entry['slug']}/").content.decode()
    assert escape(entry["description"]) in content
    assert escape(entry["drawbacks"]) in content
    for markup in ("<br", "&lt;br", "**", "!["):
        assert markup not in content


def test_detail_shows_its_place_in_the_ranking(en, seeded):
    assert "#2 in the ranking" in en.get("/frameworks/flask/").content.decode()
    set_votes(Framework.objects.get(slug="buildbot"), 3, 0)
    set_votes(Framework.objects.get(slug="django"), 1, 0)
    content = en.get("/frameworks/flask/").content.decode()
    assert "#3 in the ranking" in content
    assert "#1 in the ranking" in en.get("/frameworks/buildbot/").content.decode()


def test_detail_of_a_replaced_framework_links_the_replacement(en, seeded):
    assert 'href="/frameworks/pyramid/"' in en.get("/frameworks/pylons/").content.decode()


# Tags


def test_tag_list_shows_every_tag_with_its_count(en, seeded):
    content = en.get("/tags/").content.decode()
    assert 'href="/tags/websocket/"' in content
    count = sum("WebSocket" in e["tags"] + e["curated_tags"] for e in load_fixture())
    assert re.search(
        rf"WebSocket <span class=\"tag-count\">{count}<span class=\"visually-hidden\"> frameworks",
        content,
    )


def test_tag_page_lists_its_frameworks_ranked(en, seeded):
    response = en.get("/tags/microframework/")
    assert row_names(response) == ["Flask", "Bottle", "Starlette", "Quart", "Tonberry", "Klein"]


def test_tag_page_pagination_keeps_the_sort(en, seeded, settings):
    settings.RANKING_PAGE_SIZE = 2
    response = en.get("/tags/async/", {"sort": "name"})
    assert next_link_query(response) == {"sort": ["name"], "page": ["2"]}
    assert row_names(response) == ["aiohttp", "Asgineer"]  # case-insensitive on every database


def test_tag_page_with_only_unpublished_frameworks_is_empty(en, seeded):
    Framework.objects.filter(slug__in=["cubes", "dpark", "buildbot"]).update(is_published=False)
    response = en.get("/tags/not-a-web-framework/")
    assert response.status_code == 200
    assert row_names(response) == []


# Languages


def test_accept_language_chinese_gives_a_chinese_page(client, seeded):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_accept_language_english_gives_an_english_page(client, seeded):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in response.content.decode()


def test_language_switcher_is_a_link_per_language(en, seeded):
    content = en.get("/").content.decode()
    link = r'<a href="/lang/zh-hans/\?next=/" lang="zh-hans" hreflang="zh-hans">'
    assert re.search(link, content)
    assert 'name="csrfmiddlewaretoken"' not in content


def test_switching_language_sets_the_cookie_and_the_next_page(en, seeded, settings):
    response = en.post("/i18n/setlang/", {"language": "zh-hans", "next": "/tags/"})
    assert response.status_code == 302
    assert response["Location"] == "/tags/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert '<html lang="zh-hans">' in en.get("/tags/").content.decode()

    en.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in en.get("/").content.decode()


def test_set_language_refuses_get(en, seeded, settings):
    response = en.get("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# Query counts: fixed, whatever the size of the catalog


@pytest.fixture(params=[37, 500], ids=["37-frameworks", "500-frameworks"])
def catalog_size(request, seeded):
    if request.param > 37:
        bulk_frameworks(request.param - 37)
    assert Framework.objects.count() == request.param
    flask = Framework.objects.get(slug="flask")
    set_votes(flask, 4, 1)
    ReviewFactory.create_batch(3, framework=flask)
    return request.param


@pytest.fixture
def logged_in(en):
    en.force_login(UserFactory())
    return en


def count_queries(django_assert_max_num_queries, client, url, bound):
    with django_assert_max_num_queries(bound) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/", "/?sort=trending", "/?sort=rating&tag=async&q=a"])
def test_ranking_query_count_is_fixed(en, catalog_size, django_assert_max_num_queries, url):
    count_queries(django_assert_max_num_queries, en, url, RANKING_MAX_QUERIES)


def test_ranking_query_count_is_fixed_when_logged_in(
    logged_in, catalog_size, django_assert_max_num_queries
):
    count_queries(django_assert_max_num_queries, logged_in, "/", RANKING_MAX_QUERIES)


@pytest.mark.parametrize("slug", ["django", "flask", "buildbot"])
def test_detail_query_count_is_fixed(en, catalog_size, django_assert_max_num_queries, slug):
    count_queries(django_assert_max_num_queries, en, f"/frameworks/{slug}/", DETAIL_MAX_QUERIES)


def test_detail_query_count_is_fixed_when_logged_in(
    logged_in, catalog_size, django_assert_max_num_queries
):
    url = "/frameworks/flask/"
    count_queries(django_assert_max_num_queries, logged_in, url, DETAIL_MAX_QUERIES)


def test_query_counts_do_not_grow_with_the_catalog(en, seeded, django_assert_max_num_queries):
    urls = ["/", "/?sort=trending", "/?sort=rating", "/frameworks/flask/", "/tags/", "/tags/async/"]
    small = [count_queries(django_assert_max_num_queries, en, url, 20) for url in urls]
    bulk_frameworks(463)
    large = [count_queries(django_assert_max_num_queries, en, url, 20) for url in urls]
    assert large == small
    # An unranked framework deep in a large catalog costs the same as a seed one.
    bulk = count_queries(django_assert_max_num_queries, en, "/frameworks/bulk-1400/", 20)
    assert bulk == small[3]


# A first visit: every number in plain words, one star rating, scripts only where used

PUBLIC_PAGES = [
    "/",
    "/?sort=rating",
    "/frameworks/flask/",
    "/compare/?f=flask&f=django",
    "/compare/",
    "/tags/",
    "/tags/microframework/",
    "/users/reader/",
    "/accounts/login/",
    "/accounts/signup/",
    "/choose/?build=api&needs_async=yes&priority=performance",
    "/best/rest-apis/",
]


@pytest.fixture
def voted_and_reviewed(seeded):
    """Flask with 5 up, 1 down and two reviews (4 and 5 stars), written by `reader`."""
    flask = Framework.objects.get(slug="flask")
    set_votes(flask, 5, 1)
    ReviewFactory(framework=flask, rating=4, user=UserFactory(username="reader"))
    ReviewFactory(framework=flask, rating=5)
    Framework.objects.filter(pk=flask.pk).update(review_count=2, rating_sum=9)
    return flask


def visible_text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_jargon_outside_the_page_that_explains_the_ranking(
    client, voted_and_reviewed, url, language
):
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for word in ("Wilson", "Bayes", "贝叶斯", "威尔逊"):
            assert word not in page, (url, word)
    explained = client.get("/about/ranking/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "Wilson" in explained


def test_the_ranking_row_says_approval_and_stars_in_plain_words(en, voted_and_reviewed):
    row = visible_text(en.get("/")).split("Flask", 1)[1]
    assert row.startswith(" ")
    assert "83% approve · 95% sure it is between 44% and 97% · 6 votes" in row  # and how sure
    assert "★ 4.5 out of 5 stars · 2 reviews" in row  # the plain average, as everywhere
    assert "No votes yet" in visible_text(en.get("/")).split("Django", 1)[1]
    # The explanation is one tap away in a disclosure, not a hover title.
    page = en.get("/").content.decode()
    assert '<details class="approval" data-role="approval">' in page
    assert "title=" not in page.split('id="vote-flask"')[1].split("</details>")[0]


def test_the_ranking_numbers_every_row_for_screen_readers_and_eyes(en, seeded):
    page = en.get("/?page=2").content.decode()
    assert '<span class="position"><span class="visually-hidden">Rank </span>21</span>' in page


def test_search_and_filters_fold_behind_filter_and_sort(en, seeded):
    folded = en.get("/").content.decode()
    assert '<details class="filters-fold">' in folded
    assert ">Filter & sort</summary>" in folded
    # With a filter applied the fold opens, so the visitor sees what narrows the list.
    assert '<details class="filters-fold" open>' in en.get("/?q=async").content.decode()


def test_the_filters_are_rendered_once_per_language_and_query_and_never_mixed_up(en, seeded):
    """catalog_tags.filters_form remembers them per process."""
    for _ in range(2):
        assert '<option value="name" selected>' in en.get("/?sort=name").text
        assert '<option value="rating" selected>' in en.get("/?sort=rating").text
        assert "selected" not in en.get("/").text.split("filters-fold")[1].split("</details>")[0]
        assert 'value="flask"' in en.get("/?q=flask").text.split("</details>")[0]
        chinese = en.get("/?sort=name", HTTP_ACCEPT_LANGUAGE="zh-hans").text
        assert '<option value="name" selected>名称</option>' in chinese


def test_sorting_by_rating_says_what_it_sorts_by(en, voted_and_reviewed):
    text = visible_text(en.get("/?sort=rating"))
    assert "Sorted by stars, pulled towards the site's average while a framework has few" in text
    assert "pulled towards" not in visible_text(en.get("/"))


HTMX = "/static/django_htmx/"  # django-htmx serves its bundled htmx from here


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/about/ranking/"])
def test_visitors_never_download_htmx(en, voted_and_reviewed, url):
    assert HTMX not in en.get(url).content.decode()


@pytest.mark.parametrize(
    ("url", "updates_in_place"),
    [
        ("/", True),
        ("/frameworks/flask/", True),
        ("/compare/?f=flask&f=django", True),
        ("/tags/microframework/", True),
        ("/tags/", False),
        ("/about/ranking/", False),
        ("/users/reader/", False),
        ("/choose/", False),
        ("/best/rest-apis/", False),
    ],
)
def test_htmx_loads_only_on_pages_that_update_in_place(logged_in, seeded, url, updates_in_place):
    page = logged_in.get(url).content.decode()
    assert (HTMX in page) is updates_in_place
    assert ("hx-post" in page) is updates_in_place


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", ["Top in the last 12 months", "cast or changed in the last 12 months"]),
        ("zh-hans", ["近 12 个月"]),
    ],
)
def test_the_about_page_explains_every_sort_the_ranking_offers(client, language, words):
    """`sort=recent` and `sort=trending` each have their own section, in the reader's language,
    which the sort menu's entries can link to."""
    page = client.get("/about/ranking/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    for anchor in ('id="recent"', 'id="trending"', 'id="rating"'):
        assert anchor in page
    for word in words:
        assert word in page
