"""The guide's scoring (catalog/guide.py): hand-made catalogs with known answers, and the seed."""

import pytest

from catalog import guide
from catalog.guide import Answers, Candidate

# Async API frameworks of the seed: the answer to "async JSON API, performance first" must be one.
ASYNC_API_FRAMEWORKS = {
    "fastapi",
    "starlette",
    "blacksheep",
    "apidaora",
    "indexpy",
    "sanic",
    "responder",
    "quart",
    "aiohttp",
    "tornado",
    "asgineer",
    "tonberry",
    "cyclone",
    "falcon",  # async since Falcon 3, should curated tags say so
}


def candidate(slug, *tags, position=1, status="active", up=0, down=0, **aspects):
    """A framework as the scoring sees it; `tags` are names, slugged like taggit does."""
    return Candidate(
        slug=slug,
        name=slug.title(),
        tags={name.lower().replace(" ", "-"): name for name in tags},
        upvotes=up,
        downvotes=down,
        status=status,
        position=position,
        aspects={key: (value, 10) for key, value in aspects.items()},
        drawbacks="",
    )


def order(candidates, **answers):
    return [fit.slug for fit in guide.ranked_fits(candidates, Answers(**answers))]


# Hand-made catalogs ------------------------------------------------------------------------------


def test_the_points_add_up_as_written_on_the_about_page():
    api = candidate("api", "REST API")
    result = guide.fit(api, Answers(build="api"), place=1, total=1)
    # 4 × (1 of 2 tags) + 1 × neutral aspects + 2 × 0.5 × neutral ease + 2 × top place
    assert result.parts == {"use_case": 2.0, "aspects": 0.5, "experience": 0.5, "standing": 2.0}
    assert result.points == 5.0
    assert result.matched == ("REST API",)


def test_what_you_build_picks_the_framework_with_its_tags():
    catalog = [
        candidate("site", "templates", "ORM", position=1),
        candidate("api", "REST API", "type hints", position=2),
        candidate("chat", "WebSocket", "async", position=3),
    ]
    assert order(catalog, build="api")[0] == "api"
    assert order(catalog, build="full-stack")[0] == "site"
    assert order(catalog, build="realtime")[0] == "chat"


def test_needing_async_puts_an_async_framework_first_and_says_what_the_others_lack():
    catalog = [
        candidate("sync-api", "REST API", "type hints", position=1),
        candidate("async-api", "REST API", "ASGI", position=2),
    ]
    assert order(catalog, build="api")[0] == "sync-api"
    fits = guide.ranked_fits(catalog, Answers(build="api", needs_async=True))
    assert [f.slug for f in fits] == ["async-api", "sync-api"]
    assert fits[0].matched == ("REST API", "ASGI")
    assert (fits[0].lacks_async, fits[1].lacks_async) == (False, True)


def test_a_microframework_is_marked_down_for_a_full_stack_site():
    catalog = [
        candidate("micro", "templates", "microframework", position=1),
        candidate("full", "templates", position=2),
    ]
    fits = guide.ranked_fits(catalog, Answers(build="full-stack"))
    assert [f.slug for f in fits] == ["full", "micro"]
    assert fits[1].against == ("microframework",)


def test_unmaintained_and_python_2_only_are_hidden_by_default_and_marked_down_when_shown():
    catalog = [
        candidate("old", "REST API", "type hints", position=1, status="unmaintained"),
        candidate("py2", "REST API", "type hints", "Python 2 only", position=2),
        candidate("new", "REST API", position=3),
        candidate("tool", "REST API", "type hints", position=4, status="not-web-framework"),
    ]
    assert order(catalog, build="api") == ["new"]
    shown = guide.ranked_fits(catalog, Answers(build="api", hide_outdated=False))
    assert [f.slug for f in shown] == ["new", "old", "py2"]
    assert shown[1].parts["outdated"] == -guide.WEIGHTS["outdated"]


def test_what_matters_most_reads_tags_and_aspect_averages():
    catalog = [
        candidate("fragile", position=1, stability=1.5),
        candidate("fast", "high performance", position=2),
        candidate("steady", position=3, stability=4.8),
    ]
    assert order(catalog, build="small-service", priority="stability")[0] == "steady"
    assert order(catalog, build="small-service", priority="performance")[0] == "fast"
    fits = {f.slug: f for f in guide.ranked_fits(catalog, Answers(build="small-service"))}
    assert [a.aspect.key for a in fits["steady"].strong] == ["stability"]
    assert [a.aspect.key for a in fits["fragile"].weak] == ["stability"]


def test_a_team_new_to_web_work_gets_the_easiest_to_learn():
    catalog = [
        candidate("hard", "REST API", position=1, learning_curve=1.2, documentation=2.0),
        candidate("easy", "REST API", position=2, learning_curve=4.9, documentation=4.6),
    ]
    assert order(catalog, build="api", experience="expert")[0] == "hard"
    assert order(catalog, build="api", experience="new")[0] == "easy"


def test_with_everything_equal_the_community_ranking_decides():
    catalog = [candidate(f"f{n}", "REST API", position=n) for n in (3, 1, 2)]
    assert order(catalog, build="api") == ["f1", "f2", "f3"]


def test_the_short_list_has_three_and_a_fourth_only_when_nearly_as_good():
    close = [candidate(f"f{n}", "REST API", "type hints", position=n) for n in range(1, 7)]
    assert [f.slug for f in guide.picks(close, Answers(build="api"))] == ["f1", "f2", "f3", "f4"]
    far = [
        candidate("a", "REST API", "type hints", "ASGI", position=1),
        candidate("b", "REST API", "type hints", "ASGI", position=2),
        candidate("c", "REST API", "type hints", "ASGI", position=3),
        candidate("d", position=4),
    ]
    answers = Answers(build="api", needs_async=True)
    assert [f.slug for f in guide.picks(far, answers)] == ["a", "b", "c"]
    assert guide.picks([], answers) == []


def test_a_use_case_ranking_lists_only_frameworks_with_its_tags_beginners_all():
    catalog = [
        candidate("api", "REST API", position=1),
        candidate("plain", position=2, learning_curve=5.0, documentation=5.0),
        candidate("old", "REST API", position=3, status="unmaintained"),
    ]
    assert [f.slug for f in guide.best_for(catalog, guide.BY_SLUG["rest-apis"])] == ["api"]
    assert [f.slug for f in guide.best_for(catalog, guide.BY_SLUG["beginners"])] == ["plain", "api"]
    assert guide.placings(catalog, "api") == [
        (guide.BY_SLUG["rest-apis"], 1),
        (guide.BY_SLUG["beginners"], 2),
    ]
    assert guide.placings(catalog, "old") == []


def test_approval_in_whole_per_cent():
    assert candidate("x", up=170, down=40).approval == 81
    assert candidate("x").approval is None


# The seed --------------------------------------------------------------------------------------


@pytest.fixture
def seed_candidates(seeded):
    return guide.load_candidates()


@pytest.mark.parametrize("experience", ["new", "some", "expert"])
@pytest.mark.parametrize("priority", [None, "stability", "ecosystem", "learning"])
def test_seed_full_stack_site_with_an_admin_puts_django_first(
    seed_candidates, experience, priority
):
    answers = Answers(build="full-stack", experience=experience, priority=priority)
    assert guide.picks(seed_candidates, answers)[0].slug == "django"


@pytest.mark.parametrize("hide_outdated", [True, False])
@pytest.mark.parametrize("experience", ["new", "some", "expert"])
def test_seed_async_json_api_performance_first_is_an_async_api_framework(
    seed_candidates, hide_outdated, experience
):
    answers = Answers(
        build="api",
        needs_async=True,
        priority="performance",
        experience=experience,
        hide_outdated=hide_outdated,
    )
    short_list = guide.picks(seed_candidates, answers)
    assert 3 <= len(short_list) <= 4
    assert short_list[0].slug in ASYNC_API_FRAMEWORKS
    assert not short_list[0].candidate.is_outdated
    assert not short_list[0].lacks_async
    if hide_outdated:
        assert not any(f.candidate.is_outdated for f in short_list)


def test_seed_never_suggests_what_is_not_a_web_framework(seed_candidates):
    for use_case in guide.USE_CASES:
        answers = Answers(build=use_case.key, hide_outdated=False)
        slugs = {f.slug for f in guide.ranked_fits(seed_candidates, answers)}
        assert not slugs & {"cubes", "dpark", "buildbot"}


def test_seed_every_use_case_ranking_has_frameworks(seed_candidates):
    for use_case in guide.USE_CASES:
        assert len(guide.best_for(seed_candidates, use_case)) >= 3, use_case.slug
