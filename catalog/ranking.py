"""The ranking's formulas: pure functions, shared by the services, the pages and `recount`."""

import math
from dataclasses import dataclass

Z = 1.96  # 95% confidence
PRIOR_WEIGHT = (
    5  # C in the Bayesian average: how many "average" reviews every framework starts with
)
TREND_DAYS = 7  # `trending`: net votes cast or changed in this many days
RECENT_DAYS = 365  # `recent`: the Wilson bound over the votes cast or changed in 12 months


def wilson_lower_bound(upvotes: int, downvotes: int, z: float = Z) -> float:
    """Lower bound of the Wilson score interval for the share of up-votes; 0 with no votes."""
    n = upvotes + downvotes
    # Exactly 0 without up-votes: the float formula leaves ±1e-17 there, which would order
    # frameworks with only down-votes by rounding noise instead of by their down-votes.
    if n <= 0 or upvotes <= 0:
        return 0.0
    p = upvotes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)
    return (centre - margin) / (1 + z * z / n)


def bayesian_average(
    rating_sum: int, review_count: int, prior_mean: float, prior_weight: int = PRIOR_WEIGHT
) -> float:
    """Average of the stars pulled towards the site-wide mean while there are few reviews."""
    if review_count + prior_weight <= 0:
        return 0.0
    return (prior_weight * prior_mean + rating_sum) / (prior_weight + review_count)


def raw_average(rating_sum: int, review_count: int) -> float | None:
    """Plain mean of the stars, or None without reviews."""
    return rating_sum / review_count if review_count else None


def upvotes_to_pass(
    upvotes: int, downvotes: int, target: float, limit: int = 100_000
) -> int | None:
    """How many more up-votes (down-votes unchanged) lift the Wilson bound strictly above target.

    None when no number of up-votes up to `limit` can do it (the bound never reaches 1).
    """
    if wilson_lower_bound(upvotes, downvotes) > target:
        return 0
    if target >= 1:
        return None
    low, high = 1, 1
    while wilson_lower_bound(upvotes + high, downvotes) <= target:
        if high >= limit:
            return None
        high = min(high * 2, limit)
    while low < high:
        mid = (low + high) // 2
        if wilson_lower_bound(upvotes + mid, downvotes) > target:
            high = mid
        else:
            low = mid + 1
    return low


@dataclass(frozen=True)
class RankReason:
    """Where a framework stands under the default sort, and what it would take to climb."""

    position: int
    upvotes: int
    downvotes: int
    score: float
    neighbour_score: float | None = None  # the framework just above; None at the top
    upvotes_needed: int | None = None  # to pass it; None at the top or when out of reach

    @property
    def has_votes(self) -> bool:
        return self.upvotes + self.downvotes > 0

    @property
    def is_tied(self) -> bool:
        """Level with the neighbour above, which is placed first by the tie-break."""
        return self.neighbour_score is not None and self.neighbour_score == self.score

    @property
    def out_of_reach(self) -> bool:
        return self.neighbour_score is not None and self.upvotes_needed is None


def why_rank(
    *, position: int, upvotes: int, downvotes: int, neighbour_votes: tuple[int, int] | None
) -> RankReason:
    """Explain a place in the default order from its votes and the votes of the one above.

    The neighbour is above by a higher score or, at an equal score, by the tie-break (fewer
    down-votes, then the article's order, then the name). Extra up-votes leave the tie-break as
    it is, so passing the neighbour always takes a strictly higher score.
    """
    score = wilson_lower_bound(upvotes, downvotes)
    if neighbour_votes is None:
        return RankReason(position, upvotes, downvotes, score)
    target = wilson_lower_bound(*neighbour_votes)
    needed = upvotes_to_pass(upvotes, downvotes, target)
    return RankReason(position, upvotes, downvotes, score, target, needed)


# How sure a score is --------------------------------------------------------------------------

TIE_OVERLAP = 0.5  # neighbours whose intervals share half of the narrower one are a tie


def wilson_interval(upvotes: int, downvotes: int, z: float = Z) -> tuple[float, float]:
    """Both ends of the Wilson score interval for the share of up-votes; (0, 1) with no votes."""
    n = upvotes + downvotes
    if n <= 0:
        return 0.0, 1.0
    p = upvotes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)
    low = wilson_lower_bound(upvotes, downvotes, z)
    high = 1.0 if downvotes <= 0 else (centre + margin) / (1 + z * z / n)
    return low, min(1.0, high)


@dataclass(frozen=True)
class Approval:
    """The share of up-votes and the range it is 95% sure to lie in, from `votes` votes."""

    votes: int
    share: float | None  # None without votes
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


def approval(upvotes: int, downvotes: int) -> Approval:
    """Approval in plain numbers: share of up-votes with its 95% Wilson interval."""
    votes = upvotes + downvotes
    low, high = wilson_interval(upvotes, downvotes)
    return Approval(votes, upvotes / votes if votes else None, low, high)


def statistical_tie(a: Approval, b: Approval, overlap: float = TIE_OVERLAP) -> bool:
    """Whether the votes cannot tell the two apart: both have votes and their intervals share
    at least `overlap` of the narrower one."""
    if not a.votes or not b.votes:
        return False
    shared = min(a.high, b.high) - max(a.low, b.low)
    narrower = min(a.width, b.width)
    return shared > 0 and (narrower <= 0 or shared / narrower >= overlap)


def ties_with_previous(approvals: list[Approval]) -> list[bool]:
    """For each item of a ranked list: whether it is a statistical tie with the one above."""
    return [
        index > 0 and statistical_tie(approvals[index - 1], current)
        for index, current in enumerate(approvals)
    ]
