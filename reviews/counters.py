"""Counters recomputed from the rows, for `manage.py recount`, the admin's recount and the tests.

Every counter lives in one `Counter` entry of `COUNTERS`: the model and fields it stores, and one
grouped query that computes their true values from the rows behind them. Checking is set-based
(per entry: one query for the stored values, one for the true ones, compared in Python); a repair
rewrites only the drifted rows, in batches, each batch in its own short transaction that locks
just its rows (as the services do) and recomputes them under the lock, so votes never wait for
a whole run. To add a counter, append a `Counter` to `COUNTERS`.

Only counted votes (accounts in good standing) are in the vote counters; the window counters add
up the counted votes flagged as inside the last 7 days or 12 months. The flags themselves are
checked too: a vote of an account whose votes are held must not be counted (and the other way
round), and a vote cast inside a window must carry its flag. A flag older than its window is
not drift: `manage.py release_votes` ages it out on its next run (and `recount` does too).
"""

import math
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from catalog import aspects, ranking
from catalog.models import REVIEW_COUNTER_FIELDS, STAR_FIELDS, VOTE_COUNTER_FIELDS, Framework
from config import pagecache
from reviews import services
from reviews.models import HelpfulVote, Report, Review, Standing, Vote

REPAIR_BATCH = 500  # rows locked and rewritten per transaction
FLAG_BATCH = 10_000  # votes per UPDATE when their standing or window flags are repaired


@dataclass(frozen=True)
class Drift:
    model: str
    pk: int
    label: str
    field: str
    stored: object
    true: object


@dataclass(frozen=True)
class Counter:
    """Stored counters `fields` on `model`, and how to compute them from the rows.

    `truth(pks)` returns {pk: {field: value}} for the rows whose pk is in `pks` (a queryset of
    pks, or None for every row) that have rows behind them; a row it leaves out has `zero`.
    `scope(frameworks)` narrows the checked rows to those of some frameworks.
    """

    model: type[models.Model]
    fields: tuple[str, ...]
    label: str
    truth: Callable[[models.QuerySet | None], dict[int, dict]]
    zero: dict
    scope: Callable[[models.QuerySet], models.QuerySet]


def _grouped(queryset, key: str, pks, **aggregates):
    """{key value: {name: aggregate}} grouped by `key`, only for keys in `pks` (None: all)."""
    if pks is not None:
        queryset = queryset.filter(**{f"{key}__in": pks})
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row.pop(key): row for row in rows}


def _vote_truth(pks):
    """Counted votes only; the windows add up the votes flagged as inside them."""
    up, down = Q(value=Vote.UP), Q(value=Vote.DOWN)
    grouped = _grouped(
        Vote.objects.filter(counted=True),
        "framework",
        pks,
        upvotes=Count("pk", filter=up),
        downvotes=Count("pk", filter=down),
        trend=Sum("value", filter=Q(in_week=True)),
        recent_upvotes=Count("pk", filter=up & Q(in_year=True)),
        recent_downvotes=Count("pk", filter=down & Q(in_year=True)),
    )
    for values in grouped.values():
        values["score"] = ranking.wilson_lower_bound(values["upvotes"], values["downvotes"])
        values["recent_score"] = ranking.wilson_lower_bound(
            values["recent_upvotes"], values["recent_downvotes"]
        )
    return grouped


VOTE_FIELDS = VOTE_COUNTER_FIELDS
VOTE_ZERO = {field: 0.0 if field.endswith("score") else 0 for field in VOTE_FIELDS}


def _review_truth(pks):
    """Published reviews, their stars, and how many gave each number of stars."""
    return _grouped(
        Review.objects.filter(status=Review.Status.PUBLISHED),
        "framework",
        pks,
        review_count=Count("pk"),
        rating_sum=Sum("rating"),
        **{field: Count("pk", filter=Q(rating=n)) for n, field in enumerate(STAR_FIELDS, 1)},
    )


def _aspect_truth(pks):
    """Per aspect, the sum and the count of its ratings (Count and Sum skip the empty ones)."""
    aggregates = {}
    for key in aspects.ASPECT_KEYS:
        aggregates[aspects.sum_field(key)] = Sum(key)
        aggregates[aspects.count_field(key)] = Count(key)
    return _grouped(
        Review.objects.filter(status=Review.Status.PUBLISHED), "framework", pks, **aggregates
    )


ASPECT_ZERO = dict.fromkeys(aspects.COUNTER_FIELDS, 0)


def _helpful_truth(pks):
    return _grouped(HelpfulVote.objects.all(), "review", pks, helpful_count=Count("pk"))


def _report_truth(pks):
    return _grouped(
        Report.objects.filter(resolved_at__isnull=True), "review", pks, report_count=Count("pk")
    )


def _frameworks_themselves(frameworks):
    return frameworks


def _their_reviews(frameworks):
    return Review.objects.filter(framework__in=frameworks.values("pk"))


COUNTERS: list[Counter] = [
    Counter(Framework, VOTE_FIELDS, "slug", _vote_truth, VOTE_ZERO, _frameworks_themselves),
    Counter(
        Framework,
        REVIEW_COUNTER_FIELDS,
        "slug",
        _review_truth,
        dict.fromkeys(REVIEW_COUNTER_FIELDS, 0),
        _frameworks_themselves,
    ),
    Counter(
        Framework,
        aspects.COUNTER_FIELDS,
        "slug",
        _aspect_truth,
        ASPECT_ZERO,
        _frameworks_themselves,
    ),
    Counter(
        Review, ("helpful_count",), "title", _helpful_truth, {"helpful_count": 0}, _their_reviews
    ),
    Counter(Review, ("report_count",), "title", _report_truth, {"report_count": 0}, _their_reviews),
]


def _differs(stored, true) -> bool:
    if isinstance(true, float):
        return not math.isclose(stored, true, rel_tol=1e-12, abs_tol=1e-12)
    return stored != true


def _truth(counter: Counter, pks) -> Callable[[int], dict]:
    """pk -> {field: true value} for one counter, from one grouped query."""
    found = counter.truth(pks)

    def values(pk: int) -> dict:
        row = found.get(pk, counter.zero)
        return {f: counter.zero[f] if row[f] is None else row[f] for f in counter.fields}

    return values


def _check(counter: Counter, rows, pks) -> list[Drift]:
    """Drift of one counter over `rows`; `pks` limits the grouped query the same way."""
    truth = _truth(counter, pks)
    drift = []
    for pk, label, *stored in rows.order_by("pk").values_list("pk", counter.label, *counter.fields):
        true = truth(pk)
        drift += [
            Drift(counter.model.__name__, pk, str(label), field, value, true[field])
            for field, value in zip(counter.fields, stored, strict=True)
            if _differs(value, true[field])
        ]
    return drift


@contextmanager
def _snapshot():
    """One consistent view of the rows for a whole check (PostgreSQL: repeatable read)."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _scoped(counter: Counter, frameworks):
    """The counted rows (all, or those of these frameworks) and the pks for the grouped query."""
    if frameworks is None:
        return counter.model.objects.all(), None
    rows = counter.scope(frameworks)
    return rows, rows.values("pk")


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


def _flags(frameworks) -> list[Drift]:
    standings = true_standings() if frameworks is None else {}
    return _flag_drift(Standing, standings) + _flag_drift(Vote, true_vote_flags(frameworks))


def counter_drift(frameworks=None) -> list[Drift]:
    """Every stored counter and vote flag (of these frameworks, their reviews and votes) that
    differs from the rows."""
    with _snapshot():
        return _flags(frameworks) + [
            line for counter in COUNTERS for line in _check(counter, *_scoped(counter, frameworks))
        ]


@transaction.atomic
def _repair_flags(frameworks) -> list[Drift]:
    """Standing and vote flags first, as the counters follow from them; in the services' lock
    order (standings, then the frameworks of the votes concerned)."""
    standings = _flag_drift(Standing, true_standings()) if frameworks is None else []
    for line in standings:
        Standing.objects.select_for_update().filter(pk=line.pk).update(votes_count=False)
    votes = _flag_drift(Vote, true_vote_flags(frameworks))
    if votes:
        pks = Vote.objects.filter(pk__in={line.pk for line in votes}).values("framework_id")
        list(
            Framework.objects.filter(pk__in=pks)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Set by set: one UPDATE per (flag, value) and batch of votes, not one per vote.
        changes: dict[tuple[str, bool], list[int]] = {}
        for line in _flag_drift(Vote, true_vote_flags(frameworks)):
            changes.setdefault((line.field, line.true), []).append(line.pk)
        for (field, value), pks in changes.items():
            for start in range(0, len(pks), FLAG_BATCH):
                batch = pks[start : start + FLAG_BATCH]
                Vote.objects.filter(pk__in=batch).update(**{field: value})
    return standings + votes


def _repair(counter: Counter, pks: list[int]) -> list[Drift]:
    """Lock these rows, recompute their counters under the lock, rewrite the drifted ones."""
    with transaction.atomic():
        rows = counter.model.objects.filter(pk__in=pks)
        list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
        drift = _check(counter, rows, pks)
        drifted = sorted({line.pk for line in drift})
        truth = _truth(counter, drifted)
        _update_rows(counter.model, counter.fields, {pk: truth(pk) for pk in drifted})
        return drift


def _update_rows(model, fields, values: dict[int, dict]) -> None:
    """One parameterised UPDATE per row, sent together (psycopg pipelines executemany)."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(model._meta.get_field(f).column)} = %s" for f in fields)
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*(row[f] for f in fields), pk] for pk, row in values.items()])


def recount_all(frameworks=None) -> list[Drift]:
    """Rewrite every drifted counter (of these frameworks and their reviews) from the rows.

    Finds the drift without locks, then repairs only the drifted rows, REPAIR_BATCH at a time,
    each batch locked and recomputed in its own transaction. Returns the drift it corrected, as
    found under the locks. The time windows are aged first (as `release_votes` does), then the
    vote flags are set right.
    """
    services.windows_age()
    if frameworks is None:
        return _recount(None)
    # A curator's selection is small: lock it (and its reviews) first, so the drift is found
    # under the lock and a writer that held a row is waited for. By primary key: the admin's
    # searched list is DISTINCT, which FOR UPDATE does not allow.
    with transaction.atomic():
        locked = Framework.objects.filter(pk__in=frameworks.values("pk")).select_for_update()
        pks = list(locked.order_by("pk").values_list("pk", flat=True))
        reviews = Review.objects.filter(framework__in=pks).select_for_update().order_by("pk")
        list(reviews.values_list("pk", flat=True))
        return _recount(Framework.objects.filter(pk__in=pks))


def _recount(frameworks) -> list[Drift]:
    corrected: list[Drift] = _repair_flags(frameworks)
    for counter in COUNTERS:
        drifted = sorted({line.pk for line in _check(counter, *_scoped(counter, frameworks))})
        for start in range(0, len(drifted), REPAIR_BATCH):
            corrected += _repair(counter, drifted[start : start + REPAIR_BATCH])
    if corrected:  # rewritten behind the services: no page may show the drift again
        pagecache.bump_on_commit()
    return corrected


def rows_in(drift: list[Drift]) -> int:
    """How many rows these drifted counters sit on."""
    return len({(line.model, line.pk) for line in drift})


def true_framework_counters(frameworks=None):
    """{pk: {field: value}} for every framework (or these), from votes and published reviews."""
    return _true_values(Framework, frameworks)


def true_aspect_counters(frameworks=None):
    """{pk: {field: value}} of the aspect counters (catalog/aspects.py) for every framework."""
    values = _true_values(Framework, frameworks)
    return {pk: {f: row[f] for f in aspects.COUNTER_FIELDS} for pk, row in values.items()}


def true_review_counters(reviews=None):
    """{pk: {field: value}} for every review (or these), from helpful votes and open reports."""
    return _true_values(Review, reviews)


def _true_values(model, rows):
    rows = model.objects.all() if rows is None else rows
    pks = list(rows.values_list("pk", flat=True))
    values = {pk: {} for pk in pks}
    for counter in COUNTERS:
        if counter.model is model:
            truth = _truth(counter, pks)
            for pk in pks:
                values[pk].update(truth(pk))
    return values
