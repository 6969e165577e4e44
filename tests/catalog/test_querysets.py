import pytest
from django.utils import timezone

from catalog import ranking
from catalog.compare import place_of, with_standing
from catalog.models import Framework, FrameworkQuerySet
from catalog.seed import TAG_NAMES_ZH, load_fixture
from tests.factories import FrameworkFactory

pytestmark = pytest.mark.django_db


def set_votes(framework, up, down):
    """Counters as reviews.services would leave them."""
    Framework.objects.filter(pk=framework.pk).update(
        upvotes=up, downvotes=down, score=ranking.wilson_lower_bound(up, down)
    )


def set_reviews(framework, count, stars):
    Framework.objects.filter(pk=framework.pk).update(review_count=count, rating_sum=stars)


def names(queryset):
    return [framework.name for framework in queryset]


# published()


def test_published_leaves_out_unpublished_frameworks():
    FrameworkFactory(name="Shown")
    FrameworkFactory(name="Hidden", is_published=False)
    assert names(Framework.objects.published()) == ["Shown"]


# search()


def matches_in_fixture(query: str) -> list[str]:
    """The seed entries containing the text in either language, found in plain Python, in the
    article's order."""
    query = query.lower()
    found = []
    for entry in load_fixture():
        tags = entry["tags"] + entry["curated_tags"]
        texts = [entry[field] for field in Framework.SEARCHED_FIELDS]
        texts += tags + [TAG_NAMES_ZH[tag] for tag in tags]
        if any(query in text.lower() for text in texts):
            found.append(entry["name"])
    return found


@pytest.mark.parametrize(
    ("query", "must_find"),
    [
        ("微框架", "Flask"),
        ("异步", "Tornado"),
        ("flask", "Flask"),
        ("websocket", "Starlette"),
        ("full-stack", "Django"),
        ("全栈", "Django"),
        ("aiohttp", "aiohttp"),
    ],
)
def test_search_over_the_seed_finds_what_the_text_says(seeded, query, must_find):
    found = names(Framework.objects.search(query).ranked("seed"))
    assert found == matches_in_fixture(query)
    assert must_find in found
    assert len(found) < 37


def test_search_matches_the_name():
    FrameworkFactory(name="Sanic", description="快。", drawbacks="")
    FrameworkFactory(name="Other", description="慢。", drawbacks="")
    assert names(Framework.objects.search("sanic")) == ["Sanic"]


def test_search_matches_the_description():
    FrameworkFactory(name="A", description="基于异步网络功能库的 Web 开发框架。")
    FrameworkFactory(name="B", description="同步框架。")
    assert names(Framework.objects.search("异步")) == ["A"]


def test_search_matches_the_drawbacks():
    FrameworkFactory(name="A", drawbacks="中文文档匮乏。")
    FrameworkFactory(name="B", drawbacks="社区很小。")
    assert names(Framework.objects.search("社区")) == ["B"]


def test_search_matches_tag_names():
    FrameworkFactory(name="A", tags=["WebSocket"])
    FrameworkFactory(name="B", tags=["WSGI"])
    assert names(Framework.objects.search("websock")) == ["A"]


def test_search_is_case_insensitive_for_latin_text():
    FrameworkFactory(name="FastAPI", description="A modern API framework.")
    assert names(Framework.objects.search("fastapi")) == ["FastAPI"]
    assert names(Framework.objects.search("MODERN")) == ["FastAPI"]


def test_search_returns_each_framework_once_when_several_fields_match():
    FrameworkFactory(
        name="Async One",
        description="async everywhere",
        drawbacks="async only",
        tags=["async", "async-io", "ASGI async"],
    )
    assert names(Framework.objects.search("async")) == ["Async One"]
    assert Framework.objects.search("async").count() == 1


def test_blank_search_changes_nothing():
    FrameworkFactory.create_batch(3)
    assert Framework.objects.search("   ").count() == 3


def test_search_finds_nothing_for_unknown_text():
    FrameworkFactory()
    assert not Framework.objects.search("没有这个词").exists()


# tagged()


def test_tagged_keeps_frameworks_with_the_tag_slug():
    FrameworkFactory(name="A", tags=["REST API", "async"])
    FrameworkFactory(name="B", tags=["async"])
    FrameworkFactory(name="C")
    assert names(Framework.objects.tagged("rest-api")) == ["A"]
    assert names(Framework.objects.tagged("async").ranked("name")) == ["A", "B"]
    assert not Framework.objects.tagged("no-such-tag").exists()


# ranked()


def test_top_with_no_votes_is_exactly_the_articles_order(seeded):
    expected = [entry["name"] for entry in sorted(load_fixture(), key=lambda e: e["seed_rank"])]
    assert names(Framework.objects.published().ranked("top")) == expected
    assert names(Framework.objects.published().ranked()) == expected


@pytest.mark.parametrize("sort", [None, "", "bogus", "-score", "TOP"])
def test_unknown_sort_falls_back_to_top(sort):
    low = FrameworkFactory(name="Low", seed_rank=1)
    high = FrameworkFactory(name="High", seed_rank=2)
    set_votes(high, 3, 0)
    set_votes(low, 0, 1)
    assert names(Framework.objects.ranked(sort)) == names(Framework.objects.ranked("top"))
    assert names(Framework.objects.ranked(sort)) == ["High", "Low"]


def test_top_orders_by_wilson_score():
    lone = FrameworkFactory(name="Lone", seed_rank=1)
    split = FrameworkFactory(name="Split", seed_rank=2)
    liked = FrameworkFactory(name="Liked", seed_rank=3)
    FrameworkFactory(name="Unvoted", seed_rank=4)
    set_votes(lone, 1, 0)
    set_votes(split, 50, 50)
    set_votes(liked, 5, 1)
    assert names(Framework.objects.ranked("top")) == ["Liked", "Split", "Lone", "Unvoted"]


def test_top_puts_fewer_down_votes_first_among_zero_scores():
    FrameworkFactory(name="One down", seed_rank=1)
    FrameworkFactory(name="Eleven down", seed_rank=2)
    FrameworkFactory(name="No votes", seed_rank=3)
    set_votes(Framework.objects.get(name="One down"), 0, 1)
    set_votes(Framework.objects.get(name="Eleven down"), 0, 11)
    assert names(Framework.objects.ranked("top")) == ["No votes", "One down", "Eleven down"]


SORTS = list(FrameworkQuerySet.SORTS)


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_breaks_ties_by_seed_rank_then_name_unranked_last(sort):
    for name, seed_rank in [("Zed", None), ("Abe", None), ("Second", 2), ("First", 1)]:
        FrameworkFactory(name=name, seed_rank=seed_rank)
    expected = (
        ["Abe", "First", "Second", "Zed"]
        if sort == "name"
        else [
            "First",
            "Second",
            "Abe",
            "Zed",
        ]
    )
    if sort == "newest":
        Framework.objects.update(created_at=timezone.now())
    assert names(Framework.objects.ranked(sort)) == expected


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_ends_in_a_unique_tie_break(sort):
    order = Framework.objects.ranked(sort).query.order_by
    assert order[-1] == "pk"


def test_equal_scores_are_ordered_by_seed_rank_then_name():
    a = FrameworkFactory(name="Beta", seed_rank=9)
    b = FrameworkFactory(name="Alpha", seed_rank=None)
    c = FrameworkFactory(name="Gamma", seed_rank=3)
    for framework in (a, b, c):
        set_votes(framework, 4, 1)
    assert names(Framework.objects.ranked("top")) == ["Gamma", "Beta", "Alpha"]


def test_seed_sort_ignores_votes():
    first = FrameworkFactory(name="First", seed_rank=1)
    second = FrameworkFactory(name="Second", seed_rank=2)
    set_votes(second, 10, 0)
    set_votes(first, 0, 10)
    assert names(Framework.objects.ranked("seed")) == ["First", "Second"]


def test_name_sort_is_alphabetical():
    for name, rank in [("Quart", 26), ("Bottle", 10), ("Django", 1)]:
        FrameworkFactory(name=name, seed_rank=rank)
    assert names(Framework.objects.ranked("name")) == ["Bottle", "Django", "Quart"]


def test_newest_sort_puts_recently_added_first():
    old = FrameworkFactory(name="Old", seed_rank=1)
    FrameworkFactory(name="New", seed_rank=2)
    Framework.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(1))
    assert names(Framework.objects.ranked("newest")) == ["New", "Old"]


def set_windows(framework, *, trend=0, recent=(0, 0)):
    Framework.objects.filter(pk=framework.pk).update(
        trend=trend,
        recent_upvotes=recent[0],
        recent_downvotes=recent[1],
        recent_score=ranking.wilson_lower_bound(*recent),
    )


def test_trending_sorts_by_the_trend_counter_then_the_article():
    steady = FrameworkFactory(name="Steady", seed_rank=1)
    rising = FrameworkFactory(name="Rising", seed_rank=2)
    falling = FrameworkFactory(name="Falling", seed_rank=3)
    FrameworkFactory(name="Quiet", seed_rank=4)
    set_windows(rising, trend=2)
    set_windows(falling, trend=-2)
    set_windows(steady, trend=0)

    ranked = Framework.objects.ranked("trending")

    assert names(ranked) == ["Rising", "Steady", "Quiet", "Falling"]


def test_recent_sorts_by_the_twelve_month_wilson_bound():
    FrameworkFactory(name="Loved long ago", seed_rank=1, upvotes=500, score=0.95)
    lately = FrameworkFactory(name="Liked lately", seed_rank=2)
    split = FrameworkFactory(name="Split", seed_rank=3)
    set_windows(lately, recent=(40, 2))
    set_windows(split, recent=(20, 20))

    assert names(Framework.objects.ranked("recent")) == ["Liked lately", "Split", "Loved long ago"]


def test_window_sorts_read_no_votes(django_assert_num_queries):
    FrameworkFactory(name="Tagged", tags=["async", "ASGI", "WebSocket"])
    for sort in ("trending", "recent"):
        with django_assert_num_queries(2) as captured:  # the rows and their tags
            list(Framework.objects.tagged("async").ranked(sort))
        assert all("reviews_vote" not in query["sql"] for query in captured.captured_queries)


def test_rating_sort_is_the_bayesian_average():
    one_five = FrameworkFactory(name="One five-star", seed_rank=1)
    many_good = FrameworkFactory(name="Forty good", seed_rank=2)
    poor = FrameworkFactory(name="Poor", seed_rank=3)
    FrameworkFactory(name="Unreviewed", seed_rank=4)
    set_reviews(one_five, 1, 5)
    set_reviews(many_good, 40, 184)
    set_reviews(poor, 4, 4)

    ranked = list(Framework.objects.ranked("rating"))
    assert names(ranked) == ["Forty good", "One five-star", "Unreviewed", "Poor"]
    prior_mean = (5 + 184 + 4) / (1 + 40 + 4)
    for framework in ranked:
        assert framework.bayes_rating == pytest.approx(
            ranking.bayesian_average(framework.rating_sum, framework.review_count, prior_mean)
        )


def test_rating_prior_mean_ignores_unpublished_frameworks():
    shown = FrameworkFactory(name="Shown")
    hidden = FrameworkFactory(name="Hidden", is_published=False)
    set_reviews(shown, 2, 8)
    set_reviews(hidden, 10, 10)
    framework = Framework.objects.published().ranked("rating").get()
    assert framework.bayes_rating == pytest.approx(ranking.bayesian_average(8, 2, 4.0))


def test_rating_sort_without_any_review_keeps_the_tie_break():
    FrameworkFactory(name="B", seed_rank=2)
    FrameworkFactory(name="A", seed_rank=1)
    assert names(Framework.objects.ranked("rating")) == ["A", "B"]


def test_reviews_sort_puts_the_most_reviewed_first():
    few = FrameworkFactory(name="Few", seed_rank=1)
    many = FrameworkFactory(name="Many", seed_rank=2)
    FrameworkFactory(name="None", seed_rank=3)
    set_reviews(few, 1, 5)
    set_reviews(many, 3, 6)
    assert names(Framework.objects.ranked("reviews")) == ["Many", "Few", "None"]


def test_ranked_prefetches_tags(django_assert_num_queries):
    FrameworkFactory(tags=["async"])
    FrameworkFactory(tags=["WSGI", "sync"])
    with django_assert_num_queries(2):
        assert sorted(tag.name for f in Framework.objects.ranked() for tag in f.tag_list) == [
            "WSGI",
            "async",
            "sync",
        ]


def test_a_frameworks_tags_come_by_name_whatever_order_they_were_added_in():
    framework = FrameworkFactory()
    for name in ["wsgi", "sync", "Micro", "ASGI"]:  # each a new tag, after the one before
        framework.tags.add(name)
    by_name = ["ASGI", "Micro", "sync", "wsgi"]
    assert [tag.name for tag in Framework.objects.ranked().get().tag_list] == by_name
    assert [tag.name for tag in Framework.objects.get().tags.all()] == by_name


# Places under the default sort (catalog.compare)


@pytest.fixture
def small_catalog():
    """Ties on purpose: equal scores, equal zero scores, unranked frameworks."""
    rows = [
        # name, seed_rank, up, down
        ("Delta", 4, 5, 1),
        ("Alpha", 1, 0, 0),
        ("Bravo", 2, 5, 1),
        ("Charlie", 3, 0, 2),
        ("Echo", None, 5, 1),
        ("Foxtrot", None, 0, 0),
        ("Apple", None, 0, 0),
        ("Golf", 7, 1, 0),
        ("Hotel", 8, 0, 2),
        ("India", None, 0, 1),
        ("Juliet", 10, 50, 50),
        ("Kilo", 11, 0, 11),
    ]
    for name, seed_rank, up, down in rows:
        set_votes(FrameworkFactory(name=name, seed_rank=seed_rank), up, down)
    FrameworkFactory(name="Unpublished", seed_rank=5, is_published=False)


def test_place_of_agrees_with_the_ranked_order_in_one_query(
    small_catalog, django_assert_num_queries
):
    ordered = list(Framework.objects.published().ranked("top"))
    assert len(ordered) == 12
    for position, framework in enumerate(ordered, start=1):
        with django_assert_num_queries(1):
            assert place_of(framework) == position, framework.name


def test_with_standing_agrees_with_the_ranked_order_in_one_query(
    small_catalog, django_assert_num_queries
):
    ordered = list(Framework.objects.published().ranked("top"))
    for position, framework in enumerate(ordered, start=1):
        with django_assert_num_queries(1):
            found = with_standing(framework.slug)
        assert found == framework
        assert found.why.position == position, framework.name
        assert found.upvotes == framework.upvotes, framework.name
        above = ordered[position - 2] if position > 1 else None
        assert found.neighbour == above, framework.name
        if above is not None:
            assert found.neighbour.name == above.name
            assert found.neighbour.get_absolute_url() == above.get_absolute_url()
            votes = (found.neighbour.upvotes, found.neighbour.downvotes)
            assert votes == (above.upvotes, above.downvotes)
            assert found.why.neighbour_score is not None


def test_with_standing_finds_no_unpublished_or_unknown_framework(small_catalog):
    assert with_standing(Framework.objects.get(name="Unpublished").slug) is None
    assert with_standing("no-such-framework") is None


def test_with_bayes_rating_takes_the_site_wide_mean_in_the_same_query(django_assert_num_queries):
    counters = {"Flask": (9, 2), "Django": (40, 9), "Bottle": (0, 0)}
    for name, (stars, count) in counters.items():
        FrameworkFactory(name=name, rating_sum=stars, review_count=count)
    FrameworkFactory(name="Hidden", rating_sum=5, review_count=5, is_published=False)
    with django_assert_num_queries(1):
        rated = {f.name: f.bayes_rating for f in Framework.objects.published().with_bayes_rating()}
    mean = 49 / 11  # published frameworks only
    assert rated == {
        name: ranking.bayesian_average(stars, count, mean)
        for name, (stars, count) in counters.items()
    }


def test_with_bayes_rating_without_any_review_pulls_towards_zero(db):
    FrameworkFactory(name="Flask")
    assert Framework.objects.with_bayes_rating().get().bayes_rating == 0.0


def test_the_places_compare_reads_agree_with_the_ranked_order_in_one_query(
    small_catalog, django_assert_num_queries
):
    from catalog.compare import _votes_now

    ordered = list(Framework.objects.published().ranked("top"))
    hidden = Framework.objects.get(name="Unpublished")
    with django_assert_num_queries(1):
        now = _votes_now([*ordered, hidden])
    assert {pk: place for pk, (*_votes, place) in now.items()} == {
        framework.pk: place for place, framework in enumerate(ordered, start=1)
    }


def test_small_catalog_ranked_order(small_catalog):
    assert names(Framework.objects.published().ranked("top")) == [
        "Bravo",
        "Delta",
        "Echo",
        "Juliet",
        "Golf",
        "Alpha",
        "Apple",
        "Foxtrot",
        "India",
        "Charlie",
        "Hotel",
        "Kilo",
    ]
