"""Every write that touches a counter. One transaction each: the row change and the counters
move together, so the numbers on the pages always equal the rows behind them.

The framework row is locked (SELECT ... FOR UPDATE) before its counters change; on PostgreSQL
that serialises concurrent writers of one framework, on SQLite the write transaction does.
"""

import copy

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import aspects, ranking
from catalog.models import Framework
from reviews.markup import render_markdown
from reviews.models import HelpfulVote, ModerationAction, Report, Review, Vote
from reviews.text import clean_text


class NotAllowed(Exception):
    """The user may not do this to this object (e.g. mark their own review helpful).

    Its message is translated and says why, for the page.
    """


def _locked_framework(framework: Framework) -> Framework:
    return Framework.objects.select_for_update().get(pk=framework.pk)


def _save_score(framework: Framework) -> None:
    framework.score = ranking.wilson_lower_bound(framework.upvotes, framework.downvotes)
    framework.save(update_fields=["upvotes", "downvotes", "score"])


@transaction.atomic
def vote_cast(*, user, framework: Framework, value: int | None) -> Framework:
    """Set the user's vote on the framework to +1, −1 or none; returns the framework, counted.

    Repeating the same vote changes nothing; switching moves one vote from one side to the other.
    """
    if value not in (Vote.UP, Vote.DOWN, None):
        raise ValueError(f"invalid vote value {value!r}")
    framework = _locked_framework(framework)
    vote = Vote.objects.filter(user=user, framework=framework).first()
    old = vote.value if vote else None
    if old == value:
        return framework
    if value is None:
        vote.delete()
    elif vote is None:
        Vote.objects.create(user=user, framework=framework, value=value)
    else:
        vote.value = value
        vote.save(update_fields=["value", "updated_at"])
    framework.upvotes += (value == Vote.UP) - (old == Vote.UP)
    framework.downvotes += (value == Vote.DOWN) - (old == Vote.DOWN)
    _save_score(framework)
    return framework


def review_contribution(review: Review | None) -> dict[str, int]:
    """What a review adds to its framework's counters: stars and each aspect it rated.

    Nothing for a hidden review (or none at all).
    """
    if review is None or not review.is_published:
        return {}
    counts = {"review_count": 1, "rating_sum": review.rating}
    for key in aspects.ASPECT_KEYS:
        value = getattr(review, key)
        if value is not None:
            counts[aspects.sum_field(key)] = value
            counts[aspects.count_field(key)] = 1
    return counts


def move_review_counters(
    *, framework_id: int, removed: Review | None = None, added: Review | None = None
) -> None:
    """Take one review's contribution off its framework's counters and put another's on, with F().

    The one place that moves review counters (stars and aspects): creating, editing, deleting,
    hiding and restoring a review, and deleting an account, all call it inside their transaction
    after locking the framework row. `removed` is the review as it was counted, `added` as it is
    now; a hidden review counts nothing.
    """
    before, after = review_contribution(removed), review_contribution(added)
    moves = {
        field: F(field) + after.get(field, 0) - before.get(field, 0)
        for field in before.keys() | after.keys()
        if after.get(field, 0) != before.get(field, 0)
    }
    if moves:
        Framework.objects.filter(pk=framework_id).update(**moves)


@transaction.atomic
def review_save(
    *,
    user,
    framework: Framework,
    rating: int,
    title: str,
    body: str,
    pros: str = "",
    cons: str = "",
    version_used: str = "",
    switched_from: Framework | None = None,
    **aspect_ratings: int | None,
) -> Review:
    """Create the user's review of the framework or edit it in place; counters follow.

    Aspect ratings are keyword arguments named by catalog.aspects.ASPECT_KEYS, each 1–5 or None;
    an aspect left out is cleared.
    """
    unknown = aspect_ratings.keys() - set(aspects.ASPECT_KEYS)
    if unknown:
        raise TypeError(f"unknown aspects: {sorted(unknown)}")
    framework = _locked_framework(framework)
    review = Review.objects.select_for_update().filter(user=user, framework=framework).first()
    counted = copy.copy(review)  # as the counters hold it now
    if review is None:
        review = Review(user=user, framework=framework)
    # Callers other than the form (scripts, the shell) may pass what XML and HTML forbid.
    title, body, pros, cons, version_used = map(clean_text, (title, body, pros, cons, version_used))
    review.rating = rating
    review.title = title
    review.body = body
    review.body_html = render_markdown(body)
    review.pros = pros
    review.cons = cons
    review.version_used = version_used
    review.switched_from = switched_from
    for key in aspects.ASPECT_KEYS:
        setattr(review, key, aspect_ratings.get(key))
    review.save()
    move_review_counters(framework_id=framework.pk, removed=counted, added=review)
    return review


@transaction.atomic
def review_delete(*, review: Review) -> None:
    """Delete a review (its helpful votes and reports go with it); counters follow."""
    framework = _locked_framework(review.framework)
    review = Review.objects.select_for_update().get(pk=review.pk)
    move_review_counters(framework_id=framework.pk, removed=review)
    review.delete()


def _moderate(*, review: Review, curator, reason: str, action: str) -> bool:
    """Move a review between published and hidden, counters and public log with it."""
    publish = action == ModerationAction.Action.RESTORE
    framework = _locked_framework(review.framework)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.is_published == publish:
        return False
    counted = copy.copy(review)
    review.status = Review.Status.PUBLISHED if publish else Review.Status.HIDDEN
    review.save(update_fields=["status", "updated_at"])
    move_review_counters(framework_id=framework.pk, removed=counted, added=review)
    ModerationAction.objects.create(
        review=review,
        framework=framework,
        review_title=review.title,
        action=action,
        reason=clean_text(reason),
        curator=curator,
    )
    return True


@transaction.atomic
def review_hide(*, review: Review, curator, reason: str) -> bool:
    """Hide a published review from every public page and counter; logs it publicly."""
    return _moderate(
        review=review, curator=curator, reason=reason, action=ModerationAction.Action.HIDE
    )


@transaction.atomic
def review_restore(*, review: Review, curator, reason: str = "") -> bool:
    """Bring a hidden review back, intact; logs it publicly."""
    return _moderate(
        review=review, curator=curator, reason=reason, action=ModerationAction.Action.RESTORE
    )


@transaction.atomic
def helpful_toggle(*, user, review: Review) -> tuple[Review, bool]:
    """Mark the review helpful for the user, or take the mark back.

    Returns (the review, counted; whether the user's mark is now on it).
    """
    # The review row stays locked to the end, so its count can be moved in Python; whether it
    # is still published is checked under that lock (a curator may have just hidden it).
    review = Review.objects.select_for_update(of=("self",)).published().filter(pk=review.pk).first()
    if review is None:
        raise NotAllowed(_("This review is no longer published."))
    if review.user_id == user.pk:
        raise NotAllowed(_("You cannot mark your own review helpful."))
    deleted, _rows = HelpfulVote.objects.filter(user=user, review=review).delete()
    if not deleted:
        HelpfulVote.objects.create(user=user, review=review)
    review.helpful_count += -1 if deleted else 1
    review.save(update_fields=["helpful_count"])
    return review, not deleted


@transaction.atomic
def report_create(*, user, review: Review, reason: str, detail: str = "") -> tuple[Report, bool]:
    """File the user's report on a review: one open report each; returns (report, created).

    A report that curators cleared does not count: the same person may report again.
    """
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.user_id == user.pk:
        raise NotAllowed(_("You cannot report your own review."))
    report = Report.objects.filter(user=user, review=review, resolved_at__isnull=True).first()
    if report is not None:
        return report, False
    report = Report.objects.create(
        user=user, review=review, reason=reason, detail=clean_text(detail)
    )
    Review.objects.filter(pk=review.pk).update(report_count=F("report_count") + 1)
    return report, True


@transaction.atomic
def reports_clear(*, review: Review) -> int:
    """Mark the review's open reports resolved; returns how many were open."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    resolved = review.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    Review.objects.filter(pk=review.pk).update(report_count=0)
    return resolved
