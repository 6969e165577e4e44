"""Why a framework ranks where it does: the arithmetic (pure) and the line on the detail page."""

import pytest

from catalog import ranking
from catalog.models import Framework
from catalog.ranking import why_rank, wilson_lower_bound
from tests.factories import FrameworkFactory


def test_at_the_top_there_is_no_neighbour_and_nothing_to_pass():
    reason = why_rank(position=1, upvotes=5, downvotes=1, neighbour_votes=None)
    assert reason.position == 1
    assert reason.neighbour_score is None
    assert reason.upvotes_needed is None
    assert not reason.out_of_reach
    assert reason.score == wilson_lower_bound(5, 1)


def test_without_votes_one_up_vote_passes_a_neighbour_without_votes():
    reason = why_rank(position=3, upvotes=0, downvotes=0, neighbour_votes=(0, 0))
    assert not reason.has_votes
    assert reason.score == 0.0
    assert reason.is_tied  # both at 0: the article's order decides
    assert reason.upvotes_needed == 1


def test_a_lone_up_vote_needs_two_more_to_pass_five_up_one_down():
    # With only up-votes the bound is n / (n + z²): 3 / 6.84 = 0.438 > 0.436 > 2 / 5.84 = 0.342.
    reason = why_rank(position=2, upvotes=1, downvotes=0, neighbour_votes=(5, 1))
    assert reason.neighbour_score == pytest.approx(0.4365, abs=1e-4)
    assert reason.upvotes_needed == 2
    assert not reason.is_tied


def test_equal_votes_are_a_tie_that_one_more_up_vote_breaks():
    reason = why_rank(position=4, upvotes=3, downvotes=1, neighbour_votes=(3, 1))
    assert reason.is_tied
    assert reason.upvotes_needed == 1


def test_an_up_vote_that_only_equals_the_neighbour_does_not_pass_it():
    # Both would have one up-vote and no down-vote: the same score, and the tie-break (the
    # article's order) keeps the neighbour first. Passing takes a strictly higher score.
    reason = why_rank(position=2, upvotes=0, downvotes=0, neighbour_votes=(1, 0))
    assert wilson_lower_bound(1, 0) == reason.neighbour_score
    assert reason.upvotes_needed == 2


def test_only_down_votes_tie_at_zero_and_one_up_vote_lifts_past():
    reason = why_rank(position=5, upvotes=0, downvotes=3, neighbour_votes=(0, 1))
    assert reason.has_votes
    assert reason.is_tied
    assert reason.upvotes_needed == 1


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [((10, 10), (30, 5)), ((2, 7), (40, 9)), ((0, 4), (12, 0)), ((50, 49), (9, 1))],
)
def test_upvotes_needed_is_the_smallest_number_that_passes(mine, theirs):
    up, down = mine
    reason = why_rank(position=2, upvotes=up, downvotes=down, neighbour_votes=theirs)
    target = wilson_lower_bound(*theirs)
    needed = reason.upvotes_needed
    assert wilson_lower_bound(up + needed, down) > target
    assert wilson_lower_bound(up + needed - 1, down) <= target


def test_a_neighbour_out_of_reach_says_so():
    reason = why_rank(position=2, upvotes=0, downvotes=90_000, neighbour_votes=(100_000, 0))
    assert reason.upvotes_needed is None
    assert reason.out_of_reach


# The line on the detail page, on a small hand-made catalog.


def set_votes(framework, up, down):
    Framework.objects.filter(pk=framework.pk).update(
        upvotes=up, downvotes=down, score=ranking.wilson_lower_bound(up, down)
    )


@pytest.fixture
def trio(db):
    """Alpha, Beta, Gamma in the article's order 1, 2, 3."""
    return [
        FrameworkFactory(name=name, slug=name.lower(), seed_rank=rank)
        for rank, name in enumerate(["Alpha", "Beta", "Gamma"], start=1)
    ]


def why_text(client, slug) -> str:
    response = client.get(f"/frameworks/{slug}/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_without_votes_the_page_says_the_order_is_the_articles(en, trio):
    text = why_text(en, "gamma")
    assert "#3 in the ranking" in text
    assert "Nobody has voted yet, so it keeps its place from the article's order." in text
    assert 'Next above: <a href="/frameworks/beta/">Beta</a>.' in text
    assert "1 more up-vote, with no new down-votes, would lift it past Beta." in text
    assert "It stands level with Beta" in text
    assert "Wilson" not in text


def test_the_leader_has_nothing_above_it(en, trio):
    text = why_text(en, "alpha")
    assert "#1 in the ranking" in text
    assert "Nothing is placed above it: it leads the ranking." in text
    assert "Next above" not in text


def test_with_votes_the_page_gives_counts_score_neighbour_and_up_votes_needed(en, trio):
    alpha, _beta, gamma = trio
    set_votes(gamma, 5, 1)  # 43.6: first
    set_votes(alpha, 1, 0)  # 20.7: second
    text = why_text(en, "alpha")
    assert "#2 in the ranking" in text
    assert "1 up and 0 down from 1 vote: 100% approve." in text
    assert 'Next above: <a href="/frameworks/gamma/">Gamma</a>.' in text
    assert "2 more up-votes, with no new down-votes, would lift it past Gamma." in text

    # Beta has no votes; one up-vote would only tie with Alpha, which the article puts first.
    text = why_text(en, "beta")
    assert "#3 in the ranking" in text
    assert "2 more up-votes, with no new down-votes, would lift it past Alpha." in text


def test_page_explains_the_place_of_a_framework_added_after_the_article(client, seeded):
    FrameworkFactory(name="Zeta", slug="zeta", seed_rank=None)
    text = client.get("/frameworks/zeta/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "It was added after the article" in text
    assert "#38 in the ranking" in text
    assert "keeps its place from the article's order" not in text
