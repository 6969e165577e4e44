"""Build the large benchmark dataset in minutes: bulk inserts (COPY on PostgreSQL), counters once.

    manage.py make_bench_data --frameworks 2000 --votes 1000000 --reviews 100000 --users 20000

Run it on a database of its own after `migrate` and `load_seed`: the seed frameworks count towards
`--frameworks`, the rest are generated. The rows go in without the services (one statement per
table), so the counters are computed once at the end by the set-based repair of `recount`, which
then checks them. Running it again on a database that already holds the same dataset does nothing.
"""

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from catalog import ranking
from catalog.models import Framework, Tag, TaggedFramework
from reviews.counters import counter_drift, recount_all, rows_in
from reviews.markup import render_markdown
from reviews.models import HelpfulVote, Report, Review, Vote

PREFIX = "bench"
BODIES = [
    "**Solid** choice for our team: the docs answer most questions.",
    "Fast to start, harder to grow. We wrote our own *auth* layer.",
    "Async views made our API twice as fast; the ORM story is thinner.",
    "我们用它做了内部系统，文档清楚，社区活跃。",
    "Templates are fine, the admin saved us weeks.\n\n- routing\n- forms\n- sessions",
    "Too much magic for a small service; great for a CMS.",
]
# The vote windows' edges in days (trend, recent), and how far from them a generated vote stays.
WINDOW_EDGES = (ranking.TREND_DAYS, ranking.RECENT_DAYS)
EDGE_MARGIN_DAYS = 1 / 24
REPORT_REASONS = [choice for choice, _label in Report.Reason.choices]


def _insert(model, fields: list[str], rows) -> int:
    """Insert plain tuples into the model's table in one statement stream; returns the count.

    Columns not named get their field's default ("" for text, counters other issues add, …).
    """
    table = model._meta.db_table
    defaulted = [
        field
        for field in model._meta.concrete_fields
        if field.name not in fields and not field.primary_key
    ]
    defaults = tuple(field.get_default() for field in defaulted)
    rows = (tuple(row) + defaults for row in rows)
    columns = [model._meta.get_field(name).column for name in fields]
    columns += [field.column for field in defaulted]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({quoted}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


class Command(BaseCommand):
    help = "Build a large dataset for `make bench` with bulk inserts; counters computed once."

    def add_arguments(self, parser):
        parser.add_argument("--frameworks", type=int, default=2000)
        parser.add_argument("--votes", type=int, default=1_000_000)
        parser.add_argument("--reviews", type=int, default=100_000)
        parser.add_argument("--users", type=int, default=20_000)
        parser.add_argument("--helpful", type=int, help="helpful marks (default: 2 × reviews)")
        parser.add_argument("--seed", type=int, default=7, help="random seed")

    def handle(self, *args, frameworks, votes, reviews, users, helpful, seed, **options):
        helpful = 2 * reviews if helpful is None else helpful
        User = get_user_model()
        existing = User.objects.filter(username__regex=rf"^{PREFIX}[0-9]+$").count()
        if existing:
            # The benchmark's own votes move the vote count: the users and frameworks tell.
            if existing == users and Framework.objects.count() == frameworks:
                self.stdout.write("The benchmark dataset is already there; nothing to do.")
                return
            raise CommandError(
                f"This database already holds another benchmark dataset ({existing} users, "
                f"{Framework.objects.count()} frameworks): use a fresh one."
            )
        if votes > users * frameworks or reviews > votes:
            raise CommandError("Need votes ≤ users × frameworks and reviews ≤ votes.")
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.adapt = connection.ops.adapt_datetimefield_value
        started = time.monotonic()
        with transaction.atomic():
            framework_ids = self._frameworks(frameworks)
            user_ids = self._users(users)
            voted = self._votes(user_ids, framework_ids, votes)
            review_rows = self._reviews(voted, reviews, framework_ids)
            self._helpful_and_reports(review_rows, user_ids, helpful)
        self._say(started, "rows inserted")
        if connection.vendor == "postgresql":  # statistics and visibility maps, as in production
            with connection.cursor() as cursor:
                # VACUUM cannot run in a transaction (as under the tests); ANALYZE can.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        fixed = rows_in(recount_all())
        self._say(started, f"counters computed ({fixed} rows)")
        drift = counter_drift()
        if drift:
            raise CommandError(f"{len(drift)} counter(s) still drift after the recount.")
        self._say(started, "recount --check: all counters match the rows")

    def _say(self, started, what):
        self.stdout.write(f"{time.monotonic() - started:7.1f} s  {what}")

    def _when(self, days: float):
        """A moment `days` back from now, adapted for the database."""
        return self.adapt(self.now - timedelta(days=days))

    def _frameworks(self, total: int) -> list[int]:
        """Generate frameworks up to `total`, three tags each; ids, the seed's first."""
        seed_ids = list(Framework.objects.order_by("seed_rank", "pk").values_list("pk", flat=True))
        missing = max(0, total - len(seed_ids))
        Tag.objects.bulk_create(
            Tag(name=f"bench topic {n:02d}", slug=f"bench-topic-{n:02d}") for n in range(40)
        )
        tags = list(Tag.objects.all())
        rng, when = self.rng, self._when
        _insert(
            Framework,
            [
                "name", "slug", "website", "description", "drawbacks", "status",
                "is_published", "created_at", "updated_at",
                "upvotes", "downvotes", "score", "review_count", "rating_sum",
            ],
            (
                (
                    f"Bench framework {n:04d}", f"{PREFIX}-{n:04d}",
                    f"https://{PREFIX}-{n:04d}.example.org/",
                    f"第 {n} 个基准测试框架。A generated framework for the benchmark, number {n}.",
                    "文档较少。Few docs.",
                    "active" if n % 17 else "unmaintained",
                    n % 50 != 0,
                    when(rng.uniform(0, 900)), when(rng.uniform(0, 30)),
                    0, 0, 0.0, 0, 0,
                )
                for n in range(1, missing + 1)
            ),
        )  # fmt: skip
        new_ids = list(
            Framework.objects.filter(slug__startswith=f"{PREFIX}-")
            .order_by("slug")
            .values_list("pk", flat=True)
        )
        _insert(
            TaggedFramework,
            ["tag", "content_object"],
            ((tag.pk, pk) for pk in new_ids for tag in rng.sample(tags, 3)),
        )
        return seed_ids + new_ids

    def _users(self, total: int) -> list[int]:
        when = self._when(400)
        _insert(
            get_user_model(),
            ["username", "password", "email", "first_name", "last_name", "is_staff",
             "is_active", "is_superuser", "date_joined"],
            ((f"{PREFIX}{n:05d}", "!", "", "", "", False, True, False, when)
             for n in range(total)),
        )  # fmt: skip
        return list(
            get_user_model()
            .objects.filter(username__regex=rf"^{PREFIX}[0-9]+$")
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _votes(self, user_ids, framework_ids, total) -> dict[int, list[tuple[int, int]]]:
        """Spread `total` votes over the users, popular frameworks (the seed's) more often.

        Returns {user id: [(framework id, value), …]}. A twentieth of them are this week's.
        """
        rng, count = self.rng, len(framework_ids)
        approval = [rng.uniform(0.3, 0.95) for _ in framework_ids]
        per_user, extra = divmod(total, len(user_ids))
        voted: dict[int, list[tuple[int, int]]] = {}
        for index, user_id in enumerate(user_ids):
            wanted = per_user + (index < extra)
            picked: dict[int, None] = {}
            while len(picked) < wanted:
                picked[int(count * rng.random() ** 2.5)] = None
            voted[user_id] = [(i, 1 if rng.random() < approval[i] else -1) for i in picked]
        when = self._when
        # Each vote in the time windows it was cast in, as the vote service files it, so the
        # recount at the end finds no flag to set.
        _insert(
            Vote,
            ["user", "framework", "value", "created_at", "updated_at", "in_week", "in_year"],
            (
                (user_id, framework_ids[i], value, moment, moment,
                 age < ranking.TREND_DAYS, age < ranking.RECENT_DAYS)
                for user_id, pairs in voted.items()
                for i, value in pairs
                for age in [self._vote_age()]
                for moment in [when(age)]
            ),
        )  # fmt: skip
        return {
            user_id: [(framework_ids[i], value) for i, value in pairs]
            for user_id, pairs in voted.items()
        }

    def _vote_age(self) -> float:
        """Days since a vote: one in twenty from this week, the rest over the year before.

        None within an hour of a window's edge: the flags are set at insert time, and a vote that
        crossed an edge before the recount would be aged out of counters not yet computed.
        """
        while True:
            age = self.rng.uniform(0, 7) if self.rng.random() < 0.05 else self.rng.uniform(7, 400)
            if all(abs(age - edge) > EDGE_MARGIN_DAYS for edge in WINDOW_EDGES):
                return age

    def _reviews(self, voted, total, framework_ids) -> list[tuple[int, int]]:
        """Reviews by voters of what they voted on; returns [(review id, author id)]."""
        rng, when = self.rng, self._when
        bodies = [(body, render_markdown(body)) for body in BODIES]
        per_user, extra = divmod(total, len(voted))

        def rows():
            for index, (user_id, pairs) in enumerate(voted.items()):
                for framework_id, value in pairs[: per_user + (index < extra)]:
                    rating = rng.randint(3, 5) if value > 0 else rng.randint(1, 3)
                    body, html = rng.choice(bodies)
                    switched = rng.choice(framework_ids) if rng.random() < 0.03 else None
                    moment = when(rng.uniform(0, 365))
                    yield (
                        user_id, framework_id, rating, f"Review {rating}★ by {PREFIX} {user_id}",
                        body, html, "", "", "",
                        switched if switched != framework_id else None,
                        "published" if rng.random() > 0.01 else "hidden",
                        0, 0, moment, moment,
                    )  # fmt: skip

        _insert(
            Review,
            ["user", "framework", "rating", "title", "body", "body_html", "pros", "cons",
             "version_used", "switched_from", "status", "helpful_count", "report_count",
             "created_at", "updated_at"],
            rows(),
        )  # fmt: skip
        return list(Review.objects.order_by("pk").values_list("pk", "user_id"))

    def _strangers(self, review_rows, user_ids, count: int) -> set[tuple[int, int]]:
        """`count` distinct (user, review) pairs where the user did not write the review."""
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < count:
            review_id, author = self.rng.choice(review_rows)
            user_id = self.rng.choice(user_ids)
            if user_id != author:
                pairs.add((user_id, review_id))
        return pairs

    def _helpful_and_reports(self, review_rows, user_ids, total) -> None:
        rng, when = self.rng, self._when
        marks = self._strangers(review_rows, user_ids, total)
        _insert(
            HelpfulVote,
            ["user", "review", "created_at"],
            ((user_id, review_id, when(rng.uniform(0, 300))) for user_id, review_id in marks),
        )
        reports = self._strangers(review_rows, user_ids, max(1, len(review_rows) // 100))
        _insert(
            Report,
            ["user", "review", "reason", "detail", "created_at", "resolved_at"],
            (
                (user_id, review_id, rng.choice(REPORT_REASONS), "", when(5),
                 when(1) if rng.random() < 0.3 else None)
                for user_id, review_id in reports
            ),
        )  # fmt: skip
