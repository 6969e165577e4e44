"""Counters recomputed from the rows, for `manage.py recount` and the tests."""

import math
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.functions import Coalesce

from catalog import aspects, ranking
from catalog.models import Framework
from reviews.models import Review

PUBLISHED = Q(reviews__status=Review.Status.PUBLISHED)


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
        true_up=Count("votes", filter=Q(votes__value=1)),
        true_down=Count("votes", filter=Q(votes__value=-1)),
    ).values_list("pk", "true_up", "true_down")
    reviews = frameworks.annotate(
        true_reviews=Count("reviews", filter=PUBLISHED),
        true_stars=Coalesce(
            Sum("reviews__rating", filter=PUBLISHED), 0, output_field=IntegerField()
        ),
    ).values_list("pk", "true_reviews", "true_stars")
    counters = {
        pk: {"upvotes": up, "downvotes": down, "score": ranking.wilson_lower_bound(up, down)}
        for pk, up, down in votes
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


def counter_drift(frameworks=None) -> list[Drift]:
    """Every stored counter (of these frameworks and their reviews) that differs from the rows."""
    reviews = None if frameworks is None else Review.objects.filter(framework__in=frameworks)
    return (
        _drift(Framework, true_framework_counters(frameworks), "slug")
        + _drift(Framework, true_aspect_counters(frameworks), "slug")
        + _drift(Review, true_review_counters(reviews), "title")
    )


@transaction.atomic
def recount_all(frameworks=None) -> list[Drift]:
    """Rewrite every drifted counter (of these frameworks and their reviews) from the rows.

    Returns the drift it found and corrected, computed under the lock.
    """
    frameworks = Framework.objects.all() if frameworks is None else frameworks
    # Lock the counted rows first so no service moves a counter between reading and writing.
    pks = list(frameworks.select_for_update().values_list("pk", flat=True))
    frameworks = Framework.objects.filter(pk__in=pks)
    list(Review.objects.filter(framework__in=pks).select_for_update().values_list("pk", flat=True))
    drift = counter_drift(frameworks)
    changes: dict[tuple[str, int], dict] = {}
    for line in drift:
        changes.setdefault((line.model, line.pk), {})[line.field] = line.true
    models = {"Framework": Framework, "Review": Review}
    for (model, pk), values in changes.items():
        models[model].objects.select_for_update().filter(pk=pk).update(**values)
    return drift


def rows_in(drift: list[Drift]) -> int:
    """How many rows these drifted counters sit on."""
    return len({(line.model, line.pk) for line in drift})
