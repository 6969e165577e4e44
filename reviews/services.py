"""Every write that touches a counter. One transaction each: the row change and the counters
move together, so the numbers on the pages always equal the rows behind them.

Locks are always taken in one order, so two writers never wait on each other in a circle:
the account's standing first (accounts by id), then frameworks (by id), then reviews. On
PostgreSQL SELECT ... FOR UPDATE serialises concurrent writers; on SQLite the write transaction
does.

Vote standing: a vote counts in its framework's up/down counters (and the window counters) only
while its account is in good standing: older than VOTE_HOLD_DAYS or with a published review, and
not suspended by curators. Otherwise it is recorded and held out. Whenever a service touches an
account it settles the account's votes with the rule; `votes_release_due` (run periodically by
`manage.py release_votes`) catches up with the passing of time.

Every write that changes what a public page shows bumps the page version once it commits
(config/pagecache.py), so no server answers from a page cached before it; every write but a
vote's bumps the content version too, so nothing derived from the rows it changed is used again.
"""

import copy
import time
import weakref
from collections.abc import Iterable
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from catalog import aspects, ranking
from catalog.models import STAR_FIELDS, VOTE_COUNTER_FIELDS, Framework
from config import pagecache
from reviews import rings
from reviews.markup import render_markdown
from reviews.models import (
    HelpfulVote,
    ModerationAction,
    Report,
    Review,
    RingScan,
    Standing,
    Suspension,
    Vote,
)
from reviews.text import clean_text


class NotAllowed(Exception):
    """The user may not do this to this object (e.g. mark their own review helpful).

    Its message is translated and says why, for the page.
    """


# Frameworks -------------------------------------------------------------------------------------


def _locked_frameworks(pks: Iterable[int], *fields: str) -> dict[int, Framework]:
    """Lock these frameworks in id order (the one order every service uses); with `fields`, only
    those columns are read."""
    rows = Framework.objects.select_for_update().filter(pk__in=set(pks)).order_by("pk")
    if fields:
        rows = rows.only(*fields)
    return {framework.pk: framework for framework in rows}


def _score(framework: Framework) -> None:
    """Recompute a framework's scores from its vote counters."""
    framework.score = ranking.wilson_lower_bound(framework.upvotes, framework.downvotes)
    framework.recent_score = ranking.wilson_lower_bound(
        framework.recent_upvotes, framework.recent_downvotes
    )


def _save_votes(framework: Framework) -> None:
    """Store the vote counters of a locked framework, its scores recomputed from them."""
    _score(framework)
    counters = {field: getattr(framework, field) for field in VOTE_COUNTER_FIELDS}
    Framework.objects.filter(pk=framework.pk).update(**counters)
    pagecache.bump_on_commit(votes_only=True)


def _add_vote(framework: Framework, *, value: int, in_week: bool, in_year: bool, sign: int):
    """Add (sign 1) or take away (sign −1) one counted vote in a locked framework's counters."""
    up, down = int(value == Vote.UP), int(value == Vote.DOWN)
    framework.upvotes += sign * up
    framework.downvotes += sign * down
    if in_week:
        framework.trend += sign * value
    if in_year:
        framework.recent_upvotes += sign * up
        framework.recent_downvotes += sign * down


# Standing ---------------------------------------------------------------------------------------


def hold_ends(user):
    """When a new account's votes start to count by age alone."""
    return user.date_joined + timedelta(days=settings.VOTE_HOLD_DAYS)


def _qualifies(user, standing: Standing, *, published_review: bool | None = None) -> bool:
    """The rule: not suspended, and older than VOTE_HOLD_DAYS or with a published review
    (`published_review` when the caller has read it already, else asked here)."""
    if standing.suspension_id is not None:
        return False
    if hold_ends(user) <= timezone.now():
        return True
    if published_review is not None:
        return published_review
    return Review.objects.filter(user=user, status=Review.Status.PUBLISHED).exists()


def _locked_standing(user) -> Standing:
    """Lock the account's standing; it stays on the user (`user.standing`) as now stored, so
    what the page shows after a write needs no second read of it."""
    try:
        standing = Standing.objects.select_for_update().get(user=user)
    except Standing.DoesNotExist:
        # Accounts made outside sign-up (createsuperuser, the admin) get theirs on first use.
        standing, created = Standing.objects.get_or_create(
            user=user, defaults={"votes_count": _qualifies(user, Standing(user=user))}
        )
        if not created:  # made by a concurrent request a moment ago: lock it now
            standing = Standing.objects.select_for_update().get(user=user)
    user.standing = standing
    return standing


def _may_change(user, standing: Standing) -> bool:
    """Whether anything but a curator could still move this account's votes in or out."""
    if standing.suspension_id is not None:
        return False
    return not (standing.votes_count and hold_ends(user) <= timezone.now())


def _voted_framework_pks(*users) -> set[int]:
    """The frameworks these accounts voted on."""
    return set(Vote.objects.filter(user__in=users).values_list("framework_id", flat=True))


def _set_counting(standing: Standing, counting: bool, frameworks: dict[int, Framework]) -> int:
    """Move every vote of the account into the counters or out of them; returns how many.

    The frameworks of those votes must be locked (in `frameworks`).
    """
    votes = Vote.objects.filter(user_id=standing.pk, counted=not counting)
    rows = list(votes.values_list("framework_id", "value", "in_week", "in_year"))
    sign = 1 if counting else -1
    touched = set()
    for framework_id, value, in_week, in_year in rows:
        _add_vote(
            frameworks[framework_id], value=value, in_week=in_week, in_year=in_year, sign=sign
        )
        touched.add(framework_id)
    # .update() leaves updated_at alone: a released vote keeps the time it was cast.
    votes.update(counted=counting)
    for framework_id in sorted(touched):
        _save_votes(frameworks[framework_id])
    standing.votes_count = counting
    standing.save(update_fields=["votes_count"])
    return len(rows)


def _settle(user, standing: Standing, frameworks: dict[int, Framework]) -> int:
    """Bring the account's votes in line with the rule; returns how many votes moved."""
    should = _qualifies(user, standing)
    if should == standing.votes_count:
        return 0
    return _set_counting(standing, should, frameworks)


def _lock_for(user, framework: Framework):
    """Lock the account's standing, then the framework and, when the account's standing may
    move, every framework it voted on. Returns (standing, {pk: framework})."""
    standing = _locked_standing(user)
    pks = {framework.pk}
    if _may_change(user, standing):
        pks |= _voted_framework_pks(user)
    return standing, _locked_frameworks(pks)


def address_hash(address: str) -> str:
    """A keyed hash of an address: equal addresses give equal hashes, and nothing gives the
    address back without the site's secret key."""
    return salted_hmac("pywebrank.signup-address", address).hexdigest()


@transaction.atomic
def standing_create(*, user, address: str = "") -> Standing:
    """Record a new account's standing (its votes held until it qualifies) and the hash of the
    address it signed up from."""
    standing, created = Standing.objects.select_for_update().get_or_create(user=user)
    if address:
        standing.signup_address = address_hash(address)
    if created:  # no votes yet: nothing to move
        standing.votes_count = _qualifies(user, standing)
    standing.save()
    return standing


@transaction.atomic
def votes_release(*, user) -> int:
    """Settle one account's votes with the rule (release held votes once it qualifies)."""
    standing = _locked_standing(user)
    if not _may_change(user, standing):
        return 0
    frameworks = _locked_frameworks(_voted_framework_pks(user))
    return _settle(user, standing, frameworks)


def votes_release_due() -> int:
    """Release the held votes of every account that has come of age; returns how many votes.

    One transaction per account, so a long run never holds many locks at once.
    """
    cutoff = timezone.now() - timedelta(days=settings.VOTE_HOLD_DAYS)
    users = get_user_model().objects.filter(
        standing__votes_count=False, standing__suspension=None, date_joined__lte=cutoff
    )
    return sum(votes_release(user=user) for user in users.order_by("pk").iterator())


@transaction.atomic
def votes_suspend(*, users, curator, reason: str) -> Suspension:
    """Hold out the votes of these accounts (one, or a whole ring), under one public reason.

    Their votes stay recorded; lifting the hold (`suspension_lift`) lets them count again.
    """
    users = sorted(users, key=lambda user: user.pk)
    standings = [_locked_standing(user) for user in users]
    frameworks = _locked_frameworks(_voted_framework_pks(*users))
    suspension = Suspension.objects.create(reason=reason, curator=curator)
    for standing in standings:
        if standing.suspension_id is None:
            standing.suspension = suspension
            standing.save(update_fields=["suspension"])
        if standing.votes_count:
            _set_counting(standing, False, frameworks)
    ModerationAction.objects.create(
        action=ModerationAction.Action.HOLD_VOTES,
        account_count=len(users),
        reason=reason,
        curator=curator,
    )
    pagecache.bump_on_commit()  # the public log, even when no counter moved
    return suspension


@transaction.atomic
def votes_restore(*, users, curator, reason: str = "") -> int:
    """Take these accounts out of their holds; their votes count again where the rule allows.

    A hold left with no accounts is marked lifted. Returns how many accounts were restored.
    """
    users = sorted(users, key=lambda user: user.pk)
    standings = [(user, _locked_standing(user)) for user in users]
    suspended = [(user, standing) for user, standing in standings if standing.suspension_id]
    if not suspended:
        return 0
    frameworks = _locked_frameworks(_voted_framework_pks(*(user for user, _s in suspended)))
    holds = {standing.suspension_id for _user, standing in suspended}
    for user, standing in suspended:
        standing.suspension = None
        standing.save(update_fields=["suspension"])
        _settle(user, standing, frameworks)
    Suspension.objects.filter(pk__in=holds, lifted_at=None).exclude(standings__isnull=False).update(
        lifted_at=timezone.now()
    )
    ModerationAction.objects.create(
        action=ModerationAction.Action.RESTORE_VOTES,
        account_count=len(suspended),
        reason=reason,
        curator=curator,
    )
    pagecache.bump_on_commit()  # the public log, even when no counter moved
    return len(suspended)


def suspension_lift(*, suspension: Suspension, curator, reason: str = "") -> int:
    """Undo a hold: every account in it is restored. Returns how many."""
    users = get_user_model().objects.filter(standing__suspension=suspension)
    return votes_restore(users=list(users), curator=curator, reason=reason)


# Votes ------------------------------------------------------------------------------------------


def vote_cast(*, user, framework: Framework, value: int | None) -> Framework:
    """Set the user's vote on the framework to +1, −1 or none; returns the framework with its
    vote counters as now stored.

    Repeating the same vote changes nothing; switching moves one vote from one side to the other.
    The vote counts at once when the account is in good standing, else it is held.
    """
    _check_vote_value(value)
    locked = _vote_in_two_round_trips(user, value, pk=framework.pk)
    if locked is None:
        return _vote_cast(user=user, framework=framework, value=value)
    return _with_counters(framework, locked)


def vote_cast_on(*, user, slug: str, value: int | None) -> Framework:
    """vote_cast() on the published framework with this slug, read under the vote's lock (no
    read before it): returns it with its name, slug and vote counters as now stored. Raises
    Framework.DoesNotExist when no published framework has the slug."""
    _check_vote_value(value)
    locked = _vote_in_two_round_trips(user, value, slug=slug)
    if locked is None:
        framework = Framework.objects.published().for_vote().get(slug=slug)
        return _vote_cast(user=user, framework=framework, value=value)
    return locked


def _check_vote_value(value) -> None:
    if value not in (Vote.UP, Vote.DOWN, None):
        raise ValueError(f"invalid vote value {value!r}")


@transaction.atomic
def _vote_cast(*, user, framework: Framework, value: int | None) -> Framework:
    """vote_cast() through the ORM: any database, inside a transaction or not, and whenever the
    vote moves the account's standing (so every vote of the account moves with it)."""
    standing = _locked_standing(user)
    # A vote never changes its account's standing: unless the account comes into good standing
    # (or leaves it) right now, no other vote moves and only this framework is locked.
    counting = _qualifies(user, standing)
    moving = counting != standing.votes_count
    pks = {framework.pk} | (_voted_framework_pks(user) if moving else set())
    frameworks = _locked_frameworks(pks, *VOTE_COUNTER_FIELDS)
    if moving:
        _set_counting(standing, counting, frameworks)
    locked = frameworks[framework.pk]
    try:
        vote = Vote.objects.get(user=user, framework=framework)
    except Vote.DoesNotExist:
        vote = None
    if (vote.value if vote else None) == value:
        return _with_counters(framework, locked)
    _move_vote(locked, old=vote, value=value, counted=standing.votes_count)
    if value is None:
        vote.delete()
    else:
        vote = vote or Vote(user=user, framework=framework)
        vote.value, vote.counted, vote.in_week, vote.in_year = (
            value,
            standing.votes_count,
            True,
            True,
        )
        vote.save()
    _save_votes(locked)
    return _with_counters(framework, locked)


def _move_vote(framework: Framework, *, old: Vote | None, value: int | None, counted: bool):
    """The locked framework's vote counters with the user's vote changed from `old` (its row as
    it was, or None) to `value` (None: taken back), cast now and `counted` or held. The scores
    follow when the counters are stored (_save_votes) or written (_vote_writes)."""
    if old is not None and old.counted:
        _add_vote(framework, value=old.value, in_week=old.in_week, in_year=old.in_year, sign=-1)
    if value is not None and counted:
        _add_vote(framework, value=value, in_week=True, in_year=True, sign=1)


# The vote in two round trips (PostgreSQL, outside a transaction): the same locks in the same
# order and the same writes as _vote_cast, sent as two batches of statements. The first takes the
# standing's lock, then the framework's, then reads the vote: three statements, each with its own
# snapshot, so the vote is read after both locks are held, as _vote_cast reads it. Python then
# works out the new counters (and the scores, with catalog.ranking) exactly as _vote_cast does,
# and the second batch writes the vote and the counters and commits. A vote POST spends most of
# its time on the database's round trips and the ORM's building of queries (eight queries, about
# 2.5 ms of a worker's CPU): this path spends two round trips and about 0.2 ms. With
# VOTE_ASYNC_COMMIT the transaction commits without waiting for its log to reach the disk.
#
# Each statement is a prepared statement of the connection (PREPARE once, then EXECUTE by name):
# PostgreSQL parses and plans it once per connection instead of on every vote, half its CPU per
# vote. They are prepared the first time a connection casts a vote, as part of setting the
# connection up (on the driver's connection, as Django sets the connection's time zone: not in
# Django's query log), and prepared again if the database no longer knows them.

_VOTE_COLUMNS = ("id", "value", "counted", "in_week", "in_year")
_FRAMEWORK_COLUMNS = ("id", "name", "slug", *VOTE_COUNTER_FIELDS)


class _Prepared(NamedTuple):
    """A statement prepared once per connection: `sql` with %(name)s parameters, in `params`'
    order as $1, $2, …"""

    name: str
    params: tuple[str, ...]
    sql: str

    def prepare(self) -> str:
        sql = self.sql
        for number, param in enumerate(self.params, 1):
            sql = sql.replace(f"%({param})s", f"${number}")
        return f"PREPARE {self.name} AS {sql}"

    def execute(self) -> str:
        """The EXECUTE statement, its arguments as %(name)s parameters for the driver."""
        return f"EXECUTE {self.name}({', '.join(f'%({param})s' for param in self.params)})"


def _vote_statements() -> dict[str, _Prepared]:
    standing, framework = Standing._meta.db_table, Framework._meta.db_table
    vote, review = Vote._meta.db_table, Review._meta.db_table
    columns, vote_columns = ", ".join(_FRAMEWORK_COLUMNS), ", ".join(_VOTE_COLUMNS)
    counters = ", ".join(f"{field} = %({field})s" for field in VOTE_COUNTER_FIELDS)
    counted = f"UPDATE {framework} SET {counters} WHERE id = %(framework)s"
    statements = [
        _Prepared(
            "pywebrank_vote_standing",
            ("user",),
            f"SELECT votes_count, suspension_id FROM {standing} WHERE user_id = %(user)s"
            " FOR UPDATE",
        ),
        _Prepared(
            "pywebrank_vote_published_review",
            ("user", "published"),
            f"SELECT EXISTS (SELECT 1 FROM {review} WHERE user_id = %(user)s"
            " AND status = %(published)s)",
        ),
        _Prepared(
            "pywebrank_vote_insert",
            ("user", "framework", "value", "now", "counted", *VOTE_COUNTER_FIELDS),
            f"WITH vote AS (INSERT INTO {vote} (user_id, framework_id, value, created_at,"
            " updated_at, counted, in_week, in_year) VALUES (%(user)s, %(framework)s,"
            f" %(value)s, %(now)s, %(now)s, %(counted)s, true, true)) {counted}",
        ),
        _Prepared(
            "pywebrank_vote_update",
            ("vote", "framework", "value", "now", "counted", *VOTE_COUNTER_FIELDS),
            f"WITH vote AS (UPDATE {vote} SET value = %(value)s, updated_at = %(now)s,"
            " counted = %(counted)s, in_week = true, in_year = true WHERE id = %(vote)s)"
            f" {counted}",
        ),
        _Prepared(
            "pywebrank_vote_delete",
            ("vote", "framework", *VOTE_COUNTER_FIELDS),
            f"WITH vote AS (DELETE FROM {vote} WHERE id = %(vote)s) {counted}",
        ),
    ]
    for key in ("pk", "slug"):  # the framework found by its id (vote_cast) or slug (vote_cast_on)
        found = "id = %(pk)s" if key == "pk" else "slug = %(slug)s"
        statements += [
            _Prepared(
                f"pywebrank_vote_framework_by_{key}",
                (key,),
                f"SELECT {columns} FROM {framework} WHERE {found} AND is_published FOR UPDATE",
            ),
            _Prepared(
                f"pywebrank_vote_vote_by_{key}",
                ("user", key),
                f"SELECT {vote_columns} FROM {vote} WHERE user_id = %(user)s"
                f" AND framework_id = (SELECT id FROM {framework} WHERE {found})",
            ),
        ]
    return {statement.name.removeprefix("pywebrank_vote_"): statement for statement in statements}


_VOTE_STATEMENTS = _vote_statements()
_prepared_on = weakref.WeakSet()  # the driver's connections that have them


def _prepare_vote_statements(connection) -> None:
    """Prepare the vote's statements on this connection unless it has them: once per connection,
    on the driver's connection (autocommit: outside any transaction)."""
    raw = connection.connection
    if raw in _prepared_on:
        return
    known = {name for (name,) in raw.execute("SELECT name FROM pg_prepared_statements")}
    missing = [s.prepare() for s in _VOTE_STATEMENTS.values() if s.name not in known]
    if missing:
        raw.execute("; ".join(missing))
    _prepared_on.add(raw)


def _two_round_trips_apply() -> bool:
    connection = transaction.get_connection()
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _vote_in_two_round_trips(user, value: int | None, *, pk=None, slug=None) -> Framework | None:
    """The vote cast (see above); None when this path does not apply (not PostgreSQL, inside a
    transaction, an account with no standing yet, or one whose standing the vote would move),
    and nothing was done: _vote_cast does it. Raises Framework.DoesNotExist, having done nothing,
    when no published framework has this pk or slug."""
    if not _two_round_trips_apply():
        return None
    connection = transaction.get_connection()
    connection.ensure_connection()
    _prepare_vote_statements(connection)
    try:
        return _vote_batches(connection, user, value, pk=pk, slug=slug)
    except DatabaseError as error:
        # 26000: the database no longer knows a prepared statement (something deallocated it).
        # Nothing was done: prepare them again and cast the vote once more.
        if getattr(error.__cause__, "sqlstate", None) != "26000":
            raise
    _prepared_on.discard(connection.connection)
    _prepare_vote_statements(connection)
    return _vote_batches(connection, user, value, pk=pk, slug=slug)


def _vote_batches(connection, user, value, *, pk, slug) -> Framework | None:
    now = timezone.now()
    young = hold_ends(user) > now  # its standing may hang on a published review
    key = "slug" if slug is not None else "pk"
    params = {"user": user.pk, "pk": pk, "slug": slug, "published": Review.Status.PUBLISHED}
    reads = [_VOTE_STATEMENTS[name].execute() for name in ("standing", f"framework_by_{key}")]
    reads.append(_VOTE_STATEMENTS[f"vote_by_{key}"].execute())
    if young:
        reads.append(_VOTE_STATEMENTS["published_review"].execute())
    begin = ["BEGIN"]
    if settings.VOTE_ASYNC_COMMIT:  # this transaction only
        begin.append("SET LOCAL synchronous_commit TO OFF")
    with connection.cursor() as cursor:
        try:
            cursor.execute("; ".join([*begin, *reads]), params)
            results = []
            for _statement in begin[1:]:  # the first result is BEGIN's, then SET's
                cursor.nextset()
            while cursor.nextset():
                results.append(cursor.fetchall())
            standing_row, framework_row, vote_row = results[:3]
            published_review = results[3][0][0] if young else None
            locked = None
            if framework_row:  # as the ORM would have made it from the row
                locked = Framework.from_db(connection.alias, _FRAMEWORK_COLUMNS, framework_row[0])
            writes = None
            if standing_row and locked is not None:
                writes = _vote_writes(
                    user, value, now, standing_row[0], locked, vote_row, published_review
                )
            if writes is None:  # no such framework, no standing yet, or the standing moves
                cursor.execute("ROLLBACK")
            else:
                cursor.execute("; ".join([*writes[0], "COMMIT"]), writes[1])
        except BaseException:
            _roll_back(connection)
            raise
    if locked is None:
        raise Framework.DoesNotExist(f"no published framework {slug or pk!r}")
    if writes is None:
        return None
    if writes[0]:
        pagecache.bump_on_commit(votes_only=True)  # committed already: at once, as _save_votes
    return locked


def _roll_back(connection) -> None:
    """End the transaction a failed batch left open; close a connection that cannot (Django opens
    a new one for the next query)."""
    try:
        if connection.connection is not None:
            connection.connection.rollback()
    except Exception:
        connection.close()


def _vote_writes(user, value, now, standing_row, locked: Framework, vote_row, published_review):
    """The statements (and their parameters) that cast the vote on the locked framework, as
    _vote_cast writes it; none when the vote is already so. None when the vote would move the
    account's standing: _vote_cast then does it all. `published_review` is whether the account
    has one, or None when its age alone qualifies it (_qualifies' rule)."""
    votes_count, suspension_id = standing_row
    standing = Standing(user_id=user.pk, votes_count=votes_count, suspension_id=suspension_id)
    if _qualifies(user, standing, published_review=published_review) != votes_count:
        return None
    user.standing = standing
    old = Vote.from_db(locked._state.db, _VOTE_COLUMNS, vote_row[0]) if vote_row else None
    if (old.value if old else None) == value:
        return [], {}
    _move_vote(locked, old=old, value=value, counted=votes_count)
    params = {"user": user.pk, "framework": locked.pk, "value": value, "counted": votes_count}
    params["now"] = now  # created_at and updated_at, as auto_now sets them
    if value is None:
        change = "delete"
    elif old is None:
        change = "insert"
    else:
        change = "update"
    if old is not None:
        params["vote"] = old.pk
    _score(locked)
    params.update({field: getattr(locked, field) for field in VOTE_COUNTER_FIELDS})
    return [_VOTE_STATEMENTS[change].execute()], params


def _with_counters(framework: Framework, locked: Framework) -> Framework:
    """The framework, its vote counters taken from its locked row."""
    for field in VOTE_COUNTER_FIELDS:
        setattr(framework, field, getattr(locked, field))
    return framework


def windows_age(now=None) -> int:
    """Age the time windows: votes cast or changed before the last 7 days leave `trend`, before
    the last 12 months leave the `recent` counters. One transaction per framework; returns how
    many votes left a window."""
    now = now or timezone.now()
    week = now - timedelta(days=ranking.TREND_DAYS)
    year = now - timedelta(days=ranking.RECENT_DAYS)
    stale_week = Vote.objects.filter(in_week=True, updated_at__lt=week)
    stale_year = Vote.objects.filter(in_year=True, updated_at__lt=year)
    pks = set(stale_week.values_list("framework_id", flat=True))
    pks |= set(stale_year.values_list("framework_id", flat=True))
    aged = 0
    for pk in sorted(pks):
        with transaction.atomic():
            framework = _locked_frameworks([pk])[pk]
            week_votes = stale_week.filter(framework=framework)
            year_votes = stale_year.filter(framework=framework)
            counted = Q(counted=True)
            framework.trend -= week_votes.aggregate(sum=Sum("value", filter=counted))["sum"] or 0
            gone = year_votes.aggregate(
                up=Count("pk", filter=counted & Q(value=Vote.UP)),
                down=Count("pk", filter=counted & Q(value=Vote.DOWN)),
            )
            framework.recent_upvotes -= gone["up"]
            framework.recent_downvotes -= gone["down"]
            aged += week_votes.update(in_week=False) + year_votes.update(in_year=False)
            _save_votes(framework)
    return aged


# Reviews ----------------------------------------------------------------------------------------


def review_contribution(review: Review | None) -> dict[str, int]:
    """What a review adds to its framework's counters: stars (their sum and one review at its
    number of stars) and each aspect it rated.

    Nothing for a hidden review (or none at all).
    """
    if review is None or not review.is_published:
        return {}
    counts = {"review_count": 1, "rating_sum": review.rating, STAR_FIELDS[review.rating - 1]: 1}
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

    The one place that moves review counters (stars, reviews per star and aspects): creating,
    editing, deleting, hiding and restoring a review, and deleting an account, all call it inside
    their transaction after locking the framework row. `removed` is the review as it was counted,
    `added` as it is now; a hidden review counts nothing.
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

    A first published review puts a new account in good standing: its held votes come in.
    Aspect ratings are keyword arguments named by catalog.aspects.ASPECT_KEYS, each 1–5 or None;
    an aspect left out is cleared.
    """
    unknown = aspect_ratings.keys() - set(aspects.ASPECT_KEYS)
    if unknown:
        raise TypeError(f"unknown aspects: {sorted(unknown)}")
    standing, frameworks = _lock_for(user, framework)
    framework = frameworks[framework.pk]
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
    _settle(user, standing, frameworks)
    pagecache.bump_on_commit()
    return review


@transaction.atomic
def review_delete(*, review: Review) -> None:
    """Delete a review (its helpful votes and reports go with it); counters follow.

    A new account left without a published review goes back to having its votes held.
    """
    user = review.user
    standing, frameworks = _lock_for(user, review.framework)
    framework = frameworks[review.framework_id]
    review = Review.objects.select_for_update().get(pk=review.pk)
    move_review_counters(framework_id=framework.pk, removed=review)
    review.delete()
    _settle(user, standing, frameworks)
    pagecache.bump_on_commit()


def _moderate(*, review: Review, curator, reason: str, action: str) -> bool:
    """Move a review between published and hidden, counters and public log with it.

    The author's standing follows: a new account whose only published review is hidden has its
    votes held again; restoring the review lets them count.
    """
    publish = action == ModerationAction.Action.RESTORE
    user = review.user
    standing, frameworks = _lock_for(user, review.framework)
    framework = frameworks[review.framework_id]
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
    _settle(user, standing, frameworks)
    pagecache.bump_on_commit()
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
    pagecache.bump_on_commit()
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


@transaction.atomic
def account_release(*, user) -> None:
    """Remove what the account left on the site, every counter moving back in this transaction.

    Its votes (only counted ones move the counters: a held vote never counted), its reviews (with
    the helpful marks and reports on them), its helpful marks and its reports go; its standing
    goes with the user row. The moderation log keeps its entries (the curator's name is cleared by
    the foreign key). Runs before every deletion of a user, from anywhere (see reviews.apps); a
    second run finds nothing left to do.
    """
    # Lock in the services' order: the standing, frameworks (by id), then reviews (by id).
    list(Standing.objects.select_for_update().filter(user=user).values_list("pk"))
    votes = list(
        Vote.objects.filter(user=user).values_list(
            "framework_id", "value", "counted", "in_week", "in_year"
        )
    )
    own_reviews = Review.objects.filter(user=user)
    framework_ids = {vote[0] for vote in votes} | set(
        own_reviews.values_list("framework_id", flat=True)
    )
    frameworks = _locked_frameworks(framework_ids)
    marked = list(HelpfulVote.objects.filter(user=user).values_list("review_id", flat=True))
    reported = list(
        Report.objects.filter(user=user, resolved_at__isnull=True).values_list(
            "review_id", flat=True
        )
    )
    locked = set(own_reviews.values_list("pk", flat=True)) | set(marked) | set(reported)
    list(Review.objects.select_for_update().filter(pk__in=locked).order_by("pk").values_list("pk"))

    moved = set()
    for framework_id, value, counted, in_week, in_year in votes:
        if counted:
            framework = frameworks[framework_id]
            _add_vote(framework, value=value, in_week=in_week, in_year=in_year, sign=-1)
            moved.add(framework_id)
    for framework_id in sorted(moved):
        _save_votes(frameworks[framework_id])
    for review in own_reviews:
        move_review_counters(framework_id=review.framework_id, removed=review)
    Review.objects.filter(pk__in=marked).update(helpful_count=F("helpful_count") - 1)
    Review.objects.filter(pk__in=reported).update(report_count=F("report_count") - 1)
    HelpfulVote.objects.filter(user=user).delete()
    Report.objects.filter(user=user).delete()
    Vote.objects.filter(user=user).delete()
    own_reviews.delete()
    pagecache.bump_on_commit()


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete the account and everything it left on the site; counters follow (account_release)."""
    account_release(user=user)
    user.delete()  # the pre_delete hook runs account_release again: nothing is left by then


# Vote rings -------------------------------------------------------------------------------------


def rings_search(*, now=None, users: Iterable[int] | None = None) -> rings.Scan:
    """Vote rings among the votes cast or changed in the last rings.LOOKBACK (among these
    accounts' votes only, when given). Three queries; seconds of work at a large size."""
    recent = Vote.objects.filter(updated_at__gte=(now or timezone.now()) - rings.LOOKBACK)
    if users is not None:
        recent = recent.filter(user_id__in=list(users))
    rows = recent.values_list("user_id", "framework_id", "value", "updated_at", "counted")
    votes = [rings.CastVote(*row) for row in rows]
    people = get_user_model().objects.filter(pk__in=recent.values("user_id"))
    accounts = [
        rings.Account(pk, joined, address or "")
        for pk, joined, address in people.values_list(
            "pk", "date_joined", "standing__signup_address"
        )
    ]
    # Chance is judged against all the counted votes, not only the recent ones a ring dominates.
    counts = Framework.objects.values_list("pk", "upvotes", "downvotes")
    shares = rings.shares_from_counts({pk: (up, down) for pk, up, down in counts})
    return rings.scan(votes, accounts, shares=shares)


def ring_scan_record(*, now=None) -> RingScan:
    """Search the recent votes for vote rings and keep the result, in place of the last one,
    for the admin's "Vote rings" page (run by `manage.py find_rings` and "Recompute now")."""
    computed_at = now or timezone.now()
    started = time.perf_counter()
    found = rings_search(now=computed_at)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        scan = RingScan.objects.create(
            computed_at=computed_at,
            seconds=seconds,
            votes=found.votes,
            candidates=found.candidates,
            clusters=[
                {
                    "accounts": cluster.accounts,
                    "chance": cluster.chance,
                    "shared_address": cluster.shared_address,
                }
                for cluster in found.clusters
            ],
            skipped=[
                {
                    "framework": day.framework,
                    "value": day.value,
                    "day": str(day.day),
                    "votes": day.votes,
                }
                for day in found.skipped[: RingScan.SKIPPED_KEPT]
            ],
            skipped_count=len(found.skipped),
        )
        RingScan.objects.exclude(pk=scan.pk).delete()
    return scan


@transaction.atomic
def ring_hold(*, users, curator, reason: str) -> list:
    """Hold out the votes of those of these accounts that form a vote ring in the votes as they
    are now (the ring shown may be hours old); returns the accounts held, none when no ring is
    left among them."""
    users = list(users)
    found = rings_search(users=[user.pk for user in users])
    members = {pk for cluster in found.clusters for pk in cluster.accounts}
    held = [user for user in users if user.pk in members]
    if held:
        votes_suspend(users=held, curator=curator, reason=reason)
    return held
