"""Reads that depend on the current user, a whole page's worth in one query."""

from reviews.models import HelpfulVote, Vote


def user_votes(user, frameworks) -> dict[int, int]:
    """{framework id: +1 or −1} for the user's votes on these frameworks."""
    if not user.is_authenticated:
        return {}
    ids = [framework.pk for framework in frameworks]
    return dict(
        Vote.objects.filter(user=user, framework_id__in=ids).values_list("framework_id", "value")
    )


def user_helpful_marks(user, reviews) -> set[int]:
    """Ids of these reviews that the user has marked helpful."""
    if not user.is_authenticated:
        return set()
    ids = [review.pk for review in reviews]
    return set(
        HelpfulVote.objects.filter(user=user, review_id__in=ids).values_list("review_id", flat=True)
    )
