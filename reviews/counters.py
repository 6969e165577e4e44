"""Counters recomputed from the rows, for `manage.py recount` and the tests.

Only counted votes (accounts in good standing) are in the vote counters; the window counters add
up the counted votes flagged as inside the last 7 days or 12 months. The flags themselves are
checked too: a vote of an account whose votes are held must not be counted (and the other way
round), and a vote cast inside a window must carry its flag. A flag older than its window is
not drift: `manage.py release_votes` ages it out on its next run (and `recount` does too).
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog import aspects, ranking
from catalog.models import Framework
from reviews import services
from reviews.models import Review, Standing, Vote

PUBLISHED = Q(reviews__status=Review.Status.PUBLISHED)
COUNTED = Q(votes__counted=True)


@dataclass(frozen=True)
class Drift:
    model: str
    pk: int
    label: str
    field: str
    stored: object
    true: object


def true_framework_counters(frameworks=None):
    """{pk: {field: value}} for every framework (or these), from votes and published reviews."""
    frameworks = Framework.objects.all() if frameworks is None else frameworks
    votes = frameworks.annotate(
        true_up=Count("votes", filter=COUNTED & Q(votes__value=1)),
        true_down=Count("votes", filter=COUNTED & Q(votes__value=-1)),
        true_trend=Coalesce(Sum("votes__value", filter=COUNTED & Q(votes__in_week=True)), 0),
        true_recent_up=Count("votes", filter=COUNTED & Q(votes__in_year=True, votes__value=1)),
        true_recent_down=Count("votes", filter=COUNTED & Q(votes__in_year=True, votes__value=-1)),
    ).values_list("pk", "true_up", "true_down", "true_trend", "true_recent_up", "true_recent_down")
    reviews = frameworks.annotate(
        true_reviews=Count("reviews", filter=PUBLISHED),
        true_stars=Coalesce(
            Sum("reviews__rating", filter=PUBLISHED), 0, output_field=IntegerField()
        ),
    ).values_list("pk", "true_reviews", "true_stars")
    counters = {
        pk: {
            "upvotes": up,
            "downvotes": down,
            "score": ranking.wilson_lower_bound(up, down),
            "trend": trend,
            "recent_upvotes": recent_up,
            "recent_downvotes": recent_down,
            "recent_score": ranking.wilson_lower_bound(recent_up, recent_down),
        }
        for pk, up, down, trend, recent_up, recent_down in votes
    }
    for pk, count, stars in reviews:
        counters[pk].update(review_count=count, rating_sum=stars)
    return counters


def true_aspect_counters(frameworks=None):
    """{pk: {field: value}} of the aspect counters (sum and count per aspect, catalog/aspects.py)
    for every framework (or these), from published reviews. One query."""
    frameworks = Framework.objects.all() if frameworks is None else frameworks
    annotations = {}
    for key in aspects.ASPECT_KEYS:
        rated = PUBLISHED & Q(**{f"reviews__{key}__isnull": False})
        annotations[aspects.sum_field(key)] = Coalesce(
            Sum(f"reviews__{key}", filter=rated), 0, output_field=IntegerField()
        )
        annotations[aspects.count_field(key)] = Count("reviews", filter=rated)
    rows = frameworks.annotate(**{f"true_{name}": expr for name, expr in annotations.items()})
    return {
        row["pk"]: {name: row[f"true_{name}"] for name in annotations}
        for row in rows.values("pk", *(f"true_{name}" for name in annotations))
    }


def true_review_counters(reviews=None):
    """{pk: {field: value}} for every review (or these), from helpful votes and open reports."""
    reviews = Review.objects.all() if reviews is None else reviews
    rows = reviews.annotate(
        true_helpful=Count("helpful_votes", distinct=True),
        true_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True), distinct=True),
    ).values_list("pk", "true_helpful", "true_reports")
    return {pk: {"helpful_count": h, "report_count": r} for pk, h, r in rows}


def _differs(stored, true) -> bool:
    if isinstance(true, float):
        return not math.isclose(stored, true, rel_tol=1e-12, abs_tol=1e-12)
    return stored != true


def _drift(model, truth, label_field):
    fields = sorted({f for values in truth.values() for f in values})
    rows = model.objects.filter(pk__in=truth).values("pk", label_field, *fields)
    return [
        Drift(model.__name__, row["pk"], str(row[label_field]), field, row[field], true)
        for row in rows
        for field, true in truth[row["pk"]].items()
        if _differs(row[field], true)
    ]


def true_vote_flags(frameworks=None):
    """{pk: {flag: value}} for every vote (of these frameworks) whose flags are wrong: counted
    while its account's votes are held or the other way round, or cast inside a window without
    that window's flag."""
    votes = (
        Vote.objects.all() if frameworks is None else Vote.objects.filter(framework__in=frameworks)
    )
    now = timezone.now()
    truth: dict[int, dict] = {}
    wrong_count = votes.filter(user__standing__isnull=False).exclude(
        counted=F("user__standing__votes_count")
    )
    for pk, counted in wrong_count.values_list("pk", "counted"):
        truth.setdefault(pk, {})["counted"] = not counted
    for flag, days in (("in_week", ranking.TREND_DAYS), ("in_year", ranking.RECENT_DAYS)):
        missing = votes.filter(**{flag: False, "updated_at__gte": now - timedelta(days=days)})
        for pk in missing.values_list("pk", flat=True):
            truth.setdefault(pk, {})[flag] = True
    return truth


def true_standings():
    """{pk: {"votes_count": False}} for suspended accounts whose votes are still counted."""
    wrong = Standing.objects.filter(suspension__isnull=False, votes_count=True)
    return {pk: {"votes_count": False} for pk in wrong.values_list("pk", flat=True)}


def _flag_drift(model, truth):
    stored = {pk: {f: not v for f, v in flags.items()} for pk, flags in truth.items()}
    return [
        Drift(model.__name__, pk, f"{model.__name__.lower()} {pk}", field, stored[pk][field], true)
        for pk, flags in truth.items()
        for field, true in flags.items()
    ]


def counter_drift(frameworks=None) -> list[Drift]:
    """Every stored counter and vote flag (of these frameworks, their reviews and votes) that
    differs from the rows."""
    reviews = None if frameworks is None else Review.objects.filter(framework__in=frameworks)
    return (
        _flag_drift(Standing, true_standings() if frameworks is None else {})
        + _flag_drift(Vote, true_vote_flags(frameworks))
        + _drift(Framework, true_framework_counters(frameworks), "slug")
        + _drift(Framework, true_aspect_counters(frameworks), "slug")
        + _drift(Review, true_review_counters(reviews), "title")
    )


def recount_all(frameworks=None) -> list[Drift]:
    """Rewrite every drifted counter (of these frameworks and their reviews) from the rows.

    Returns the drift it found and corrected, computed under the lock. The time windows are
    aged first (as `release_votes` does).
    """
    services.windows_age()
    return _recount_locked(frameworks)


@transaction.atomic
def _recount_locked(frameworks=None) -> list[Drift]:
    everything = frameworks is None
    changes: dict[tuple[str, int], dict] = {}
    # Locks in the services' order: standings, frameworks, reviews; then no service moves a
    # counter between reading and writing. Flags first, as the counters follow from them.
    if everything:
        for line in _flag_drift(Standing, true_standings()):
            Standing.objects.select_for_update().filter(pk=line.pk).update(votes_count=False)
            changes[(line.model, line.pk)] = {line.field: line.true}
    frameworks = Framework.objects.all() if everything else frameworks
    # By primary key: the admin's searched list is DISTINCT, which FOR UPDATE does not allow.
    locked = Framework.objects.filter(pk__in=frameworks.values("pk")).select_for_update()
    pks = list(locked.order_by("pk").values_list("pk", flat=True))
    frameworks = Framework.objects.filter(pk__in=pks)
    list(Review.objects.filter(framework__in=pks).select_for_update().values_list("pk", flat=True))
    for line in _flag_drift(Vote, true_vote_flags(frameworks)):
        changes.setdefault((line.model, line.pk), {})[line.field] = line.true
    for (model, pk), values in changes.items():
        if model == "Vote":
            Vote.objects.filter(pk=pk).update(**values)
    drift = counter_drift(frameworks)
    for line in drift:
        model = {"Framework": Framework, "Review": Review}.get(line.model)
        if model is not None:
            model.objects.filter(pk=line.pk).update(**{line.field: line.true})
    flags = [
        Drift(model, pk, f"{model.lower()} {pk}", field, not true, true)
        for (model, pk), values in changes.items()
        for field, true in values.items()
    ]
    return flags + [line for line in drift if line.model in ("Framework", "Review")]


def rows_in(drift: list[Drift]) -> int:
    """How many rows these drifted counters sit on."""
    return len({(line.model, line.pk) for line in drift})
