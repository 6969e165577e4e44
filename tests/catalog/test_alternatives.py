"""Alternatives by shared tags, and where reviewers came from or moved on to."""

import re

import pytest

from catalog import ranking
from catalog.compare import alternatives_among, alternatives_to, candidates_for
from catalog.models import Framework
from reviews import selectors
from reviews.models import Review
from tests.factories import FrameworkFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def set_votes(framework, up, down):
    Framework.objects.filter(pk=framework.pk).update(
        upvotes=up, downvotes=down, score=ranking.wilson_lower_bound(up, down)
    )


def make(slug, tags, seed_rank=None, **fields):
    return FrameworkFactory(
        name=slug.capitalize(), slug=slug, seed_rank=seed_rank, tags=tags, **fields
    )


def fetched(slug):
    return Framework.objects.prefetch_related("tags").get(slug=slug)


@pytest.fixture
def catalog():
    """`base` has tags x, y, z; the others share some of them (or none)."""
    make("base", ["x", "y", "z"], seed_rank=1)
    make("bravo", ["x", "y", "z", "w"], seed_rank=9)  # three shared
    charlie = make("charlie", ["x", "y"], seed_rank=8)  # two shared, the higher score
    delta = make("delta", ["y", "z"], seed_rank=2)  # two shared
    make("echo", ["x"], seed_rank=5)  # one shared, earlier in the article than foxtrot
    make("foxtrot", ["z", "w"], seed_rank=6)  # one shared
    make("golf", ["y"], seed_rank=7)  # one shared, sixth: not shown
    make("hotel", ["w"], seed_rank=3)  # nothing shared
    make("india", ["x", "y", "z"], seed_rank=4, is_published=False)  # hidden by curators
    set_votes(charlie, 4, 0)
    set_votes(delta, 4, 1)


def test_alternatives_are_ordered_by_shared_tags_then_score_then_the_article(catalog):
    found = alternatives_to(fetched("base"))
    assert [a.framework.slug for a in found] == ["bravo", "charlie", "delta", "echo", "foxtrot"]
    assert [a.framework.shared_tag_count for a in found] == [3, 2, 2, 1, 1]


def test_alternatives_show_only_the_shared_tags(catalog):
    found = {
        a.framework.slug: {t.name for t in a.shared_tags} for a in alternatives_to(fetched("base"))
    }
    assert found["bravo"] == {"x", "y", "z"}
    assert found["delta"] == {"y", "z"}
    assert found["foxtrot"] == {"z"}


def test_the_shared_tags_come_by_name():
    make("base", ["Web", "async", "ASGI"])
    make("other", ["ASGI", "Web", "async", "WSGI"])
    [found] = alternatives_to(fetched("base"))
    assert [t.name for t in found.shared_tags] == ["ASGI", "async", "Web"]


def test_alternatives_leave_out_itself_unrelated_and_unpublished(catalog):
    slugs = {a.framework.slug for a in alternatives_to(fetched("base"), limit=50)}
    assert slugs == {"bravo", "charlie", "delta", "echo", "foxtrot", "golf"}


def test_a_framework_without_tags_has_no_alternatives(catalog):
    make("lonely", [])
    assert alternatives_to(fetched("lonely")) == []


def test_alternatives_take_three_queries_however_many_candidates(
    catalog, django_assert_num_queries
):
    base = fetched("base")
    with django_assert_num_queries(3):
        assert len(alternatives_to(base)) == 5
    for n in range(40):
        make(f"more-{n}", ["x", "y", f"own-{n}"])
    with django_assert_num_queries(3):
        assert len(alternatives_to(base)) == 5


def test_the_candidates_hold_no_votes_their_order_is_read_each_time(
    catalog, django_assert_num_queries
):
    """The candidates are kept while votes come (config.derived): a vote reorders them."""
    base = fetched("base")
    candidates = candidates_for(base, list(base.tags.all()))
    assert [a.framework.slug for a in alternatives_among(candidates)][1:3] == ["charlie", "delta"]

    set_votes(Framework.objects.get(slug="delta"), 40, 0)

    with django_assert_num_queries(1):
        found = alternatives_among(candidates)
    assert [a.framework.slug for a in found] == ["bravo", "delta", "charlie", "echo", "foxtrot"]


def test_the_detail_page_lists_alternatives_with_compare_links(en, catalog):
    page = en.get("/frameworks/base/").content.decode()
    assert 'href="/compare/?f=base&amp;f=bravo"' in page
    assert page.index('data-slug="bravo"') < page.index('data-slug="charlie"')
    assert 'data-slug="golf"' not in page
    assert 'data-slug="india"' not in page


def test_alternatives_name_their_shared_tags_without_repeating_tag_links(en, catalog):
    page = en.get("/frameworks/base/").content.decode()
    alternatives = page.split('id="alternatives-heading"')[1].split("</section>")[0]
    assert "/tags/" not in alternatives  # the tags are linked once, at the top of the page
    assert "In common: x, y, z" in re.sub(r"<[^>]+>", "", alternatives)


def test_the_detail_page_says_when_nothing_shares_a_tag(en, db):
    make("lonely", [])
    assert (
        "No other framework shares a tag with this one."
        in en.get("/frameworks/lonely/").content.decode()
    )


# People came here from … / moved on to …


@pytest.fixture
def switches():
    """Reviews of `django` that came from flask (2 + 1 hidden) and pyramid (1), and reviews of
    other frameworks that left flask."""
    django, flask, pyramid, quart = (make(s, []) for s in ("django", "flask", "pyramid", "quart"))
    hidden = make("hidden", [], is_published=False)
    ReviewFactory.create_batch(2, framework=django, switched_from=flask)
    ReviewFactory(framework=django, switched_from=flask, status=Review.Status.HIDDEN)
    ReviewFactory(framework=django, switched_from=pyramid)
    ReviewFactory(framework=django, switched_from=hidden)
    ReviewFactory.create_batch(3, framework=django)  # no switch
    ReviewFactory(framework=quart, switched_from=flask)
    ReviewFactory(framework=hidden, switched_from=flask)
    return django, flask


def counted(queryset):
    return [(framework.slug, framework.switch_count) for framework in queryset]


def test_came_from_counts_published_reviews_per_earlier_framework(switches):
    django, _flask = switches
    assert counted(selectors.came_from(django, limit=10)) == [
        ("flask", 2),
        ("pyramid", 1),
    ]


def test_moved_on_to_counts_published_reviews_of_published_frameworks(switches):
    _django, flask = switches
    assert counted(selectors.moved_on_to(flask, limit=10)) == [
        ("django", 2),
        ("quart", 1),
    ]


def test_the_detail_page_shows_both_directions_with_counts(en, switches):
    django_page = " ".join(en.get("/frameworks/django/").content.decode().split())
    assert "People came to Django from" in django_page
    assert '<a href="/frameworks/flask/">Flask</a> <span class="muted">2 reviews</span>' in (
        django_page
    )
    assert '<a href="/frameworks/pyramid/">Pyramid</a> <span class="muted">1 review</span>' in (
        django_page
    )
    assert "People moved on from Django to" not in django_page
    flask_page = " ".join(en.get("/frameworks/flask/").content.decode().split())
    assert "People moved on from Flask to" in flask_page
    assert '<a href="/frameworks/quart/">Quart</a> <span class="muted">1 review</span>' in (
        flask_page
    )


def test_switch_counts_take_one_query_each(switches, django_assert_num_queries):
    django, flask = switches
    with django_assert_num_queries(1):
        counted(selectors.came_from(django, limit=10))
    with django_assert_num_queries(1):
        counted(selectors.moved_on_to(flask, limit=10))


def test_alternatives_at_one_level_come_in_the_ranking_s_order_ties_included(db):
    """Level with each other on shared tags, the candidates follow `ranked()`: score, fewer
    down-votes, seed rank (unranked last), name."""
    base = make("base", ["x"], seed_rank=1)
    rows = [
        ("kilo", 7, 3, 0),
        ("lima", None, 3, 0),
        ("alpha", None, 3, 0),
        ("mike", 4, 3, 0),
        ("november", 9, 3, 1),
        ("oscar", None, 0, 2),
        ("papa", 2, 0, 0),
    ]
    for slug, seed_rank, up, down in rows:
        set_votes(make(slug, ["x"], seed_rank=seed_rank), up, down)
    ranked = Framework.objects.published().exclude(pk=base.pk).ranked()
    candidates = candidates_for(base, list(fetched("base").tags.all()), limit=50)
    found = [a.framework.slug for a in alternatives_among(candidates, limit=50)]
    assert found == [framework.slug for framework in ranked]
    assert found[:4] == ["mike", "kilo", "alpha", "lima"]
