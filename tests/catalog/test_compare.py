"""`/compare/?f=…`: two to four published frameworks side by side, whatever the query string."""

import html
import re
from urllib.parse import urlencode

import pytest

from catalog import ranking
from catalog.compare import comparison_of
from catalog.models import Framework
from catalog.views import PICKER_SIZE
from reviews.models import Review
from tests.factories import ReviewFactory, bulk_frameworks

pytestmark = pytest.mark.django_db

# Anonymous, four frameworks: the frameworks, their tags, the rating prior, their votes and places,
# the picker, and their top reviews (a reviews selector, since the catalog does not read reviews).
# With the page cache on, a vote leaves all but the votes, places and picker kept
# (tests/test_query_counts.py).
COMPARE_MAX_QUERIES = 6


def compare(client, *slugs, **extra):
    query = urlencode([("f", slug) for slug in slugs])
    response = client.get(f"/compare/?{query}", **extra)
    assert response.status_code == 200
    return response


def columns(response) -> list[str]:
    return re.findall(
        r'<th scope="col" class="compare-framework" data-slug="([^"]*)"', page(response)
    )


def page(response) -> str:
    return response.content.decode()


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page(response))).split())


def test_two_frameworks_side_by_side(en, seeded):
    response = compare(en, "flask", "django")
    assert columns(response) == ["flask", "django"]
    content = page(response)
    assert "compare-empty" not in content
    flask = Framework.objects.get(slug="flask")
    assert 'href="https://flask.palletsprojects.com/"' in content
    assert html.escape(flask.description.split("。")[0]) in content
    assert html.escape(flask.drawbacks.split("。")[0]) in content
    assert "<title>Compare Flask / Django — PyWebRank</title>" in content


def test_four_frameworks_in_the_order_of_the_query(en, seeded):
    response = compare(en, "fastapi", "django", "starlette", "flask")
    assert columns(response) == ["fastapi", "django", "starlette", "flask"]
    assert "compare-left-out" not in page(response)


def test_a_fifth_is_left_out_and_named(en, seeded):
    response = compare(en, "fastapi", "django", "starlette", "flask", "sanic")
    assert columns(response) == ["fastapi", "django", "starlette", "flask"]
    assert "Only 4 frameworks can be compared at once; left out: Sanic" in text(response)


def test_unknown_slugs_are_named_and_left_out(en, seeded):
    response = compare(en, "django", "no-such-thing", "flask")
    assert columns(response) == ["django", "flask"]
    assert "Not on PyWebRank, so left out: no-such-thing" in text(response)


def test_an_unpublished_framework_is_treated_as_unknown(en, seeded):
    Framework.objects.filter(slug="flask").update(is_published=False)
    response = compare(en, "django", "flask", "bottle")
    assert columns(response) == ["django", "bottle"]
    assert "Not on PyWebRank, so left out: flask" in text(response)
    assert 'value="flask"' not in page(response)  # nor offered in the picker


def test_duplicates_collapse(en, seeded):
    response = compare(en, "django", "flask", "django", " flask ")
    assert columns(response) == ["django", "flask"]
    assert "left out" not in text(response)


@pytest.mark.parametrize("query", ["", "?f=", "?f=&f=", "?f=django", "?other=1"])
def test_fewer_than_two_explains_how_to_pick(en, seeded, query):
    response = en.get(f"/compare/{query}")
    assert response.status_code == 200
    assert columns(response) == []
    assert "Pick two to four frameworks to see them side by side." in text(response)
    # The picker offers the leaders, not every framework.
    assert (
        len(re.findall(r'<input type="checkbox" name="f" value="[^"]+">', page(response)))
        == PICKER_SIZE
    )
    # The picker is a plain GET form back to this page.
    assert '<form method="get" action="/compare/">' in page(response)


def test_the_picker_searches_instead_of_listing_every_framework(en, seeded):
    bulk_frameworks(300)

    offered = en.get("/compare/", {"f": "django", "q": "Bulk 129"}).text

    boxes = re.findall(r'<input type="checkbox" name="f" value="([^"]+)"( checked)?>', offered)
    assert ("django", " checked") in boxes  # what is compared stays ticked
    assert {slug for slug, _ in boxes} - {"django"} == {f"bulk-129{n}" for n in range(10)}
    assert 'name="q" value="Bulk 129"' in offered


def test_the_picker_says_when_nothing_matches(en, seeded):
    assert "No framework matches." in en.get("/compare/", {"q": "zzzz"}).text


def test_picker_query_count_is_fixed_whatever_the_catalog(
    en, seeded, django_assert_max_num_queries
):
    with django_assert_max_num_queries(COMPARE_MAX_QUERIES) as small:
        en.get("/compare/", {"f": "django", "q": "a"})
    bulk_frameworks(300)
    with django_assert_max_num_queries(COMPARE_MAX_QUERIES) as large:
        response = en.get("/compare/", {"f": "django", "q": "a"})
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.content) < 40_000


def test_the_one_found_framework_stays_ticked_in_the_picker(en, seeded):
    response = compare(en, "django")
    assert '<input type="checkbox" name="f" value="django" checked>' in page(response)


@pytest.mark.parametrize(
    "values",
    [
        ["x" * 5000, "django", "flask"],
        ["\x01\x7f", "django", "flask"],
        ["<script>alert(1)</script>", "django", "flask"],
        ["../../etc/passwd", "django", "flask"],
        ["日本語", "'; DROP TABLE catalog_framework; --", "django", "flask"],
        [f"unknown-{n}" for n in range(300)] + ["django", "flask"],
    ],
)
def test_weird_input_never_breaks_the_page(en, seeded, values):
    response = compare(en, *values)
    assert "<script>alert" not in page(response)
    assert Framework.objects.count() == 37


def test_weird_input_that_still_names_two_frameworks_compares_them(en, seeded):
    response = compare(en, "\x01", "x" * 5000, "django", "<b>", "flask")
    assert columns(response) == ["django", "flask"]
    assert "&lt;b&gt;" in page(response)


def test_a_query_string_that_is_not_even_utf8_is_not_a_500(en, seeded):
    assert en.get("/compare/", QUERY_STRING="f=%ff%fe&f=django&f=flask").status_code == 200


def test_shared_tags_are_marked(en, seeded):
    # Bottle and Flask: WSGI, microframework, templates. Django: templates, WSGI, full-stack …
    content = page(compare(en, "bottle", "flask", "django"))
    assert re.search(r'class="tag is-shared" href="/tags/microframework/"', content)
    assert re.search(r'class="tag is-shared" href="/tags/templates/"', content)
    assert re.search(r'class="tag" href="/tags/full-stack/"', content)


def test_shared_tag_ids_count_tags_on_two_or_more(seeded):
    comparison = comparison_of(["bottle", "aiohttp", "fastapi"])
    shared = {
        tag.name
        for f in comparison.frameworks
        for tag in f.tags.all()
        if tag.pk in comparison.shared_tag_ids
    }
    # Bottle: WSGI, microframework, templates; aiohttp and FastAPI share async and WebSocket.
    assert shared == {"async", "WebSocket"}


def test_rank_votes_stars_and_top_review_are_shown_in_plain_words(en, seeded):
    flask = Framework.objects.get(slug="flask")
    Framework.objects.filter(pk=flask.pk).update(
        upvotes=5, downvotes=1, score=ranking.wilson_lower_bound(5, 1)
    )
    ReviewFactory(framework=flask, title="Good for small things", helpful_count=3)
    ReviewFactory(
        framework=flask,
        title="Most helpful but hidden",
        helpful_count=9,
        status=Review.Status.HIDDEN,
    )
    top = ReviewFactory(framework=flask, title="The most helpful one", helpful_count=7)
    Framework.objects.filter(pk=flask.pk).update(review_count=2, rating_sum=9)
    response = compare(en, "flask", "django")
    flask_col = text(response)
    assert "Rank #1 ✓ Best of these #2 Votes" in flask_col
    assert "83% approve · 95% sure it is between 44% and 97% · 6 votes" in flask_col
    assert "No votes yet" in flask_col  # Django
    # The headline is the plain average; the sort's rating sits one tap away. Site-wide mean
    # 4.5 from 2 reviews: (5 × 4.5 + 9) / (5 + 2) = 4.5.
    assert "★ 4.5 out of 5 stars · 2 reviews Sorted by rating as 4.5" in flask_col
    assert "Wilson" not in flask_col and "Bayesian" not in flask_col
    assert f'href="/frameworks/flask/#review-{top.pk}">The most helpful one</a>' in page(response)
    assert "Most helpful but hidden" not in flask_col


def test_the_canonical_link_names_exactly_what_is_compared(en, seeded):
    response = compare(en, "django", "nope", "django", "flask")
    assert '<link rel="canonical" href="http://testserver/compare/?f=django&amp;f=flask">' in page(
        response
    )


def test_from_the_ranking_the_ticked_rows_post_a_get_form_to_compare(en, seeded):
    content = en.get("/").content.decode()
    assert '<form id="compare-form" method="get" action="/compare/"' in content
    assert 'name="f" value="django" form="compare-form"' in content


def comparing_four_with_reviews():
    for slug in ("django", "flask", "fastapi", "starlette"):
        framework = Framework.objects.get(slug=slug)
        ReviewFactory.create_batch(3, framework=framework)
        framework.tags.add("extra-a", "extra-b")


def test_query_count_is_fixed_at_four_frameworks(en, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(COMPARE_MAX_QUERIES) as small:
        compare(en, "django", "flask", "fastapi", "starlette")
    comparing_four_with_reviews()
    with django_assert_max_num_queries(COMPARE_MAX_QUERIES) as large:
        compare(en, "django", "flask", "fastapi", "starlette", "sanic", "nope")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_each_compared_framework_s_rank_is_its_place_in_the_ranking_ties_included(db):
    """Level on score and down-votes, the article's order decides, then (added after the
    article) the name; an unpublished framework is counted by neither."""
    from tests.factories import FrameworkFactory

    rows = [("Kilo", 7, 3, 0), ("Lima", None, 3, 0), ("Alpha", None, 3, 0), ("Mike", 4, 3, 0)]
    rows += [("November", 9, 3, 1), ("Oscar", None, 0, 2), ("Papa", 2, 0, 0)]
    for name, seed_rank, up, down in rows:
        FrameworkFactory(
            name=name,
            slug=name.lower(),
            seed_rank=seed_rank,
            upvotes=up,
            downvotes=down,
            score=ranking.wilson_lower_bound(up, down),
        )
    FrameworkFactory(name="Hidden", slug="hidden", seed_rank=1, upvotes=9, is_published=False)
    ranked = [framework.slug for framework in Framework.objects.published().ranked()]
    for group in (ranked[:4], ranked[3:], ranked[::2][:4]):
        comparison = comparison_of(group)
        assert [f.position for f in comparison.frameworks] == [ranked.index(s) + 1 for s in group]
    assert ranked[:4] == ["mike", "kilo", "alpha", "lima"]
