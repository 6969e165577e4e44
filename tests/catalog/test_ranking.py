"""The ranking formulas, checked against numbers computed here from DESIGN.md's formulas."""

import math

import pytest

from catalog import ranking
from catalog.ranking import bayesian_average, raw_average, upvotes_to_pass, wilson_lower_bound


def wilson_by_hand(up: int, down: int, z: float = 1.96) -> float:
    """(p + z²/2n − z·sqrt((p(1−p) + z²/4n)/n)) / (1 + z²/n), written out again, 0 with no votes."""
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    return (p + z**2 / (2 * n) - z * math.sqrt((p * (1 - p) + z**2 / (4 * n)) / n)) / (1 + z**2 / n)


@pytest.mark.parametrize(
    ("up", "down", "expected"),
    [
        (0, 0, 0.0),
        (1, 0, 0.20654329147389294),
        (5, 1, 0.4364905634363539),
        (50, 50, 0.40382982859014716),
    ],
)
def test_wilson_lower_bound_matches_known_values(up, down, expected):
    assert wilson_lower_bound(up, down) == pytest.approx(expected, abs=1e-9)
    assert wilson_by_hand(up, down) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("up", "down"), [(0, 1), (1, 1), (3, 7), (10, 0), (600, 400), (98, 2)])
def test_wilson_lower_bound_agrees_with_the_formula_written_out(up, down):
    assert wilson_lower_bound(up, down) == pytest.approx(wilson_by_hand(up, down), abs=1e-9)


def test_wilson_lower_bound_uses_z_1_96_by_default():
    assert ranking.Z == 1.96
    assert wilson_lower_bound(5, 1, z=1.0) == pytest.approx(wilson_by_hand(5, 1, z=1.0), abs=1e-9)
    assert wilson_lower_bound(5, 1, z=1.0) > wilson_lower_bound(5, 1)


def test_wilson_lower_bound_stays_between_zero_and_one():
    for up in range(0, 30, 3):
        for down in range(0, 30, 3):
            assert 0.0 <= wilson_lower_bound(up, down) < 1.0


def test_one_up_vote_ranks_above_no_votes():
    assert wilson_lower_bound(1, 0) > wilson_lower_bound(0, 0)


def test_ten_up_votes_rank_above_one_up_vote():
    assert wilson_lower_bound(10, 0) > wilson_lower_bound(1, 0)


def test_five_up_one_down_beats_fifty_fifty_which_beats_a_lone_up_vote():
    assert wilson_lower_bound(5, 1) > wilson_lower_bound(50, 50) > wilson_lower_bound(1, 0)


def test_a_down_vote_lowers_the_score():
    assert wilson_lower_bound(5, 2) < wilson_lower_bound(5, 1)


def test_bayesian_average_pulls_few_reviews_towards_the_site_mean():
    # One five-star review against a site mean of 3 with C = 5: (5·3 + 5) / (5 + 1).
    assert bayesian_average(5, 1, prior_mean=3.0) == pytest.approx(20 / 6)
    # Forty reviews averaging 4.6 outrank it.
    assert bayesian_average(184, 40, prior_mean=3.0) > bayesian_average(5, 1, prior_mean=3.0)


def test_bayesian_average_is_the_site_mean_without_reviews():
    assert bayesian_average(0, 0, prior_mean=3.7) == pytest.approx(3.7)


def test_bayesian_average_honours_the_prior_weight():
    assert ranking.PRIOR_WEIGHT == 5
    assert bayesian_average(8, 2, prior_mean=2.0, prior_weight=2) == pytest.approx((2 * 2 + 8) / 4)
    assert bayesian_average(0, 0, prior_mean=2.0, prior_weight=0) == 0.0


def test_raw_average_is_the_plain_mean_or_none():
    assert raw_average(9, 2) == pytest.approx(4.5)
    assert raw_average(0, 0) is None


def test_upvotes_to_pass_is_zero_when_already_above():
    assert upvotes_to_pass(5, 1, wilson_lower_bound(1, 0)) == 0
    assert upvotes_to_pass(0, 0, -0.5) == 0


@pytest.mark.parametrize(
    ("up", "down", "target"),
    [
        (0, 0, wilson_by_hand(1, 0)),  # equal is not enough: strictly above
        (0, 0, wilson_by_hand(5, 1)),
        (1, 0, wilson_by_hand(50, 50)),
        (3, 4, wilson_by_hand(5, 1)),
        (10, 10, 0.9),
        (0, 5, 0.01),
    ],
)
def test_upvotes_to_pass_is_the_smallest_number_that_passes(up, down, target):
    needed = upvotes_to_pass(up, down, target)
    assert needed is not None and needed >= 1
    assert wilson_by_hand(up + needed, down) > target
    assert wilson_by_hand(up + needed - 1, down) <= target


def test_upvotes_to_pass_equal_score_needs_one_more():
    assert upvotes_to_pass(0, 0, wilson_by_hand(1, 0)) == 2


def test_upvotes_to_pass_finds_an_answer_close_to_the_limit():
    # With no down-votes the bound is n / (n + z²); passing the bound of 9 needs exactly 10.
    assert upvotes_to_pass(0, 0, wilson_by_hand(9, 0), limit=10) == 10
    assert upvotes_to_pass(0, 0, wilson_by_hand(10, 0), limit=10) is None


@pytest.mark.parametrize("target", [1.0, 1.5])
def test_upvotes_to_pass_is_none_when_the_target_is_unreachable(target):
    assert upvotes_to_pass(0, 0, target) is None
    assert upvotes_to_pass(1000, 0, target) is None


@pytest.mark.parametrize("down", range(1, 40))
def test_wilson_lower_bound_is_exactly_zero_without_up_votes(down):
    # Rounding noise (±1e-17) here would sort down-voted frameworks at random among themselves.
    assert wilson_lower_bound(0, down) == 0.0


# Approval and its 95% interval -----------------------------------------------------------------


def test_approval_without_votes_has_no_share_and_the_widest_range():
    assert ranking.approval(0, 0) == ranking.Approval(0, None, 0.0, 1.0)


@pytest.mark.parametrize(
    ("up", "down", "share", "low", "high"),
    [
        (4, 0, 1.0, 0.5101, 1.0),
        (400, 100, 0.8, 0.7627, 0.8327),
        (32, 9, 0.7805, 0.6329, 0.8800),
        (0, 3, 0.0, 0.0, 0.5615),
        (50, 50, 0.5, 0.4038, 0.5962),
    ],
)
def test_approval_is_the_share_with_both_ends_of_the_wilson_interval(up, down, share, low, high):
    result = ranking.approval(up, down)

    assert result.votes == up + down
    assert result.share == pytest.approx(share, abs=1e-4)
    assert (result.low, result.high) == (
        pytest.approx(low, abs=1e-4),
        pytest.approx(high, abs=1e-4),
    )
    assert result.low == ranking.wilson_lower_bound(up, down)


def test_four_of_four_and_four_hundred_of_five_hundred_look_as_different_as_they_are():
    few, many = ranking.approval(4, 0), ranking.approval(400, 100)

    assert few.share > many.share
    assert few.width > 6 * many.width


@pytest.mark.parametrize(
    ("a", "b", "tied"),
    [
        ((32, 9), (30, 10), True),  # 78% and 75% of about forty votes: cannot tell apart
        ((400, 100), (4, 0), True),  # four votes are consistent with 80%
        ((90, 10), (10, 90), False),
        ((900, 100), (800, 200), False),  # many votes: 90% is clearly ahead of 80%
        ((5, 0), (0, 0), False),  # no votes: nothing to compare
    ],
)
def test_statistical_tie_when_the_intervals_overlap_heavily(a, b, tied):
    assert ranking.statistical_tie(ranking.approval(*a), ranking.approval(*b)) is tied
    assert ranking.statistical_tie(ranking.approval(*b), ranking.approval(*a)) is tied


def test_ties_with_previous_compares_each_row_with_the_one_above():
    rows = [ranking.approval(*votes) for votes in ((900, 100), (32, 9), (30, 10), (1, 30))]

    assert ranking.ties_with_previous(rows) == [False, False, True, False]
