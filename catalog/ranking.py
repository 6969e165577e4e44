"""The ranking's formulas: pure functions, shared by the services, the pages and `recount`."""

import math

Z = 1.96  # 95% confidence
PRIOR_WEIGHT = (
    5  # C in the Bayesian average: how many "average" reviews every framework starts with
)


def wilson_lower_bound(upvotes: int, downvotes: int, z: float = Z) -> float:
    """Lower bound of the Wilson score interval for the share of up-votes; 0 with no votes."""
    n = upvotes + downvotes
    if n <= 0:
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
        high *= 2
        if high > limit:
            return None
    while low < high:
        mid = (low + high) // 2
        if wilson_lower_bound(upvotes + mid, downvotes) > target:
            high = mid
        else:
            low = mid + 1
    return low
