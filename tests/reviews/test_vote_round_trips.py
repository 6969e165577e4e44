"""A vote on PostgreSQL in two round trips (reviews.services._vote_in_two_round_trips).

Outside a transaction (as the vote view calls it), a vote on PostgreSQL takes the same locks in the
same order and makes the same writes as the ORM's path, sent as two batches of statements. These
tests run without the test's own transaction (transaction=True), so that path is the one taken;
the rest of the suite, inside a transaction, covers the ORM's.
"""

import io
import random
from datetime import timedelta

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import VOTE_COUNTER_FIELDS, Framework
from config.pagecache import CONTENT_VERSION_KEY, VERSION_KEY, current_version
from reviews import services
from reviews.counters import counter_drift
from reviews.models import Standing, Vote
from tests.concurrency import postgres_only
from tests.factories import CountedReviewFactory, CuratorFactory, FrameworkFactory, UserFactory

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def holds(settings):
    """New accounts' votes held for three days, as in production."""
    settings.VOTE_HOLD_DAYS = 3


def aged(user, days=30):
    """An account old enough that its votes count by age alone."""
    user.date_joined = timezone.now() - timedelta(days=days)
    user.save(update_fields=["date_joined"])
    services.votes_release(user=user)
    return user


def stored(framework) -> dict:
    row = Framework.objects.filter(pk=framework.pk).values(*VOTE_COUNTER_FIELDS).get()
    return {field: row[field] for field in VOTE_COUNTER_FIELDS}


def assert_exact():
    assert counter_drift() == []
    call_command("recount", "--check", stdout=io.StringIO())


def test_a_vote_post_is_two_round_trips():
    framework = FrameworkFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(aged(UserFactory()))

    for value, up in (("up", 1), ("down", 0), ("clear", 0), ("up", 1)):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/frameworks/{framework.slug}/vote/", {"value": value}, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
        # Who is asking (session and user: from the cache in production), then the vote.
        vote = [query["sql"] for query in queries if "django_session" not in query["sql"]]
        vote = [sql for sql in vote if not sql.startswith('SELECT "auth_user"')]
        assert len(vote) == 2, [sql[:80] for sql in vote]
        assert stored(framework)["upvotes"] == up
    assert f"Take back your up-vote on {framework.name}" in response.text
    assert '<span class="vote-count" data-role="upvotes">1</span>' in response.text
    assert "You voted up" in response.text
    assert_exact()


def prepared_here() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_the_statements_are_prepared_once_per_connection_and_run_by_name():
    framework = FrameworkFactory()
    user = aged(UserFactory())
    connection.close()  # a new connection: it has no prepared statement yet
    connection.ensure_connection()
    assert not {name for name in prepared_here() if name.startswith("pywebrank_vote_")}

    services.vote_cast(user=user, framework=framework, value=Vote.UP)
    with CaptureQueriesContext(connection) as queries:
        services.vote_cast(user=user, framework=framework, value=Vote.DOWN)

    names = {statement.name for statement in services._VOTE_STATEMENTS.values()}
    assert names <= prepared_here()
    assert len(queries) == 2  # the two batches: nothing prepared again
    assert "EXECUTE pywebrank_vote_standing(" in queries[0]["sql"]
    assert "EXECUTE pywebrank_vote_update(" in queries[1]["sql"]
    assert stored(framework)["downvotes"] == 1
    assert_exact()


@pytest.mark.parametrize("lost", ["deallocated", "reconnected"])
def test_a_vote_prepares_them_again_when_the_connection_lost_them(lost):
    framework = FrameworkFactory()
    user = aged(UserFactory())
    services.vote_cast(user=user, framework=framework, value=Vote.UP)
    if lost == "deallocated":  # the process still thinks this connection has them
        connection.connection.execute("DEALLOCATE ALL")
    else:
        connection.close()

    services.vote_cast(user=user, framework=framework, value=None)
    answered = services.vote_cast(user=user, framework=framework, value=Vote.DOWN)

    assert answered.downvotes == stored(framework)["downvotes"] == 1
    assert stored(framework)["upvotes"] == 0
    assert "pywebrank_vote_delete" in prepared_here()
    assert_nothing_open_and_nothing_locked(user, framework)
    assert_exact()


def test_each_kind_of_account_votes_as_through_the_orm(monkeypatch):
    """Accounts whose votes count, are held (young, suspended) or start to count with this very
    vote (the standing moves: the ORM's path then moves every vote of the account): random
    series of votes leave every counter and vote flag equal to the rows, and each answer equal
    to what is stored."""
    frameworks = FrameworkFactory.create_batch(3)
    old = aged(UserFactory())
    young = UserFactory()  # held: no published review yet
    reviewer = UserFactory()
    CountedReviewFactory(user=reviewer, framework=frameworks[0])  # its votes count
    suspended = aged(UserFactory())
    curator = CuratorFactory()
    coming_of_age = UserFactory()  # its hold ends between two of its votes
    no_standing = aged(UserFactory())
    Standing.objects.filter(user=no_standing).delete()  # made outside sign-up
    people = [old, young, reviewer, suspended, coming_of_age, no_standing]
    through_the_orm = []
    orm = services._vote_cast
    monkeypatch.setattr(
        services, "_vote_cast", lambda **kw: through_the_orm.append(kw["user"]) or orm(**kw)
    )
    rng = random.Random(7)
    for step in range(120):
        if step == 20:
            services.votes_suspend(users=[suspended], curator=curator, reason="ring")
        if step == 60:  # no release run since: its next vote moves its standing
            coming_of_age.date_joined -= timedelta(days=30)
            coming_of_age.save(update_fields=["date_joined"])
        user = rng.choice(people)
        framework = rng.choice(frameworks)
        value = rng.choice([Vote.UP, Vote.DOWN, None])

        answered = services.vote_cast(user=user, framework=framework, value=value)

        assert {field: getattr(answered, field) for field in VOTE_COUNTER_FIELDS} == stored(
            framework
        )
        vote = Vote.objects.filter(user=user, framework=framework).first()
        assert (vote.value if vote else None) == value
        assert_exact()
    assert Standing.objects.get(user=coming_of_age).votes_count
    assert Vote.objects.filter(user=coming_of_age, counted=False).count() == 0
    # The ORM's path only where the standing moved or was missing, once each.
    assert sorted(user.username for user in through_the_orm) == sorted(
        [coming_of_age.username, no_standing.username]
    )


def test_the_answer_carries_the_account_standing_for_the_widget():
    framework = FrameworkFactory()
    young = UserFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(young)

    response = client.post(
        f"/frameworks/{framework.slug}/vote/", {"value": "up"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert 'data-role="vote-held"' in response.text
    assert "Counted from" in response.text
    assert stored(framework)["upvotes"] == 0  # recorded, held out
    assert Vote.objects.get(user=young, framework=framework).counted is False


@pytest.mark.parametrize("published", [False, None])
def test_an_unpublished_or_unknown_framework_is_a_404_and_nothing_stays_locked(published):
    framework = FrameworkFactory(is_published=bool(published))
    slug = framework.slug if published is not None else "no-such-framework"
    user = aged(UserFactory())
    client = Client()
    client.force_login(user)

    response = client.post(f"/frameworks/{slug}/vote/", {"value": "up"})

    assert response.status_code == 404
    assert not Vote.objects.filter(user=user).exists()
    assert_nothing_open_and_nothing_locked(user)


def test_a_failure_between_the_round_trips_rolls_back_and_releases_the_locks(monkeypatch):
    framework = FrameworkFactory()
    user = aged(UserFactory())

    def broken(*args, **kwargs):
        raise RuntimeError("the worker failed while the locks were held")

    monkeypatch.setattr(services, "_vote_writes", broken)
    with pytest.raises(RuntimeError):
        services.vote_cast(user=user, framework=framework, value=Vote.UP)

    assert_nothing_open_and_nothing_locked(user, framework)
    monkeypatch.undo()
    services.vote_cast(user=user, framework=framework, value=Vote.UP)  # the connection works on
    assert stored(framework)["upvotes"] == 1


def test_a_failed_write_rolls_back_the_vote_and_its_counters(monkeypatch):
    framework = FrameworkFactory()
    user = aged(UserFactory())
    real = services._vote_writes

    def bad_counter(*args, **kwargs):
        statements, params = real(*args, **kwargs)
        params["upvotes"] = "not a number"  # the database refuses the second batch
        return statements, params

    monkeypatch.setattr(services, "_vote_writes", bad_counter)
    with pytest.raises(Exception):  # noqa: B017 - the database's own error, whichever it is
        services.vote_cast(user=user, framework=framework, value=Vote.UP)

    assert not Vote.objects.filter(user=user).exists()
    assert stored(framework)["upvotes"] == 0
    assert_nothing_open_and_nothing_locked(user, framework)


def assert_nothing_open_and_nothing_locked(user, framework=None):
    """This connection is out of any transaction, and another can take the vote's locks at once."""
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=False,
    )
    try:
        other.execute(
            "SELECT 1 FROM reviews_standing WHERE user_id = %s FOR UPDATE NOWAIT", [user.pk]
        )
        if framework is not None:
            other.execute(
                "SELECT 1 FROM catalog_framework WHERE id = %s FOR UPDATE NOWAIT", [framework.pk]
            )
    finally:
        other.rollback()
        other.close()


def test_inside_a_transaction_the_orm_path_is_taken():
    framework = FrameworkFactory()
    user = aged(UserFactory())

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services.vote_cast(user=user, framework=framework, value=Vote.UP)
    assert len(queries) > 2
    assert stored(framework)["upvotes"] == 1


@pytest.mark.parametrize("asynchronous", [False, True])
def test_vote_async_commit_applies_to_the_vote_transaction_alone(settings, asynchronous):
    settings.VOTE_ASYNC_COMMIT = asynchronous
    framework = FrameworkFactory()
    user = aged(UserFactory())

    with CaptureQueriesContext(connection) as queries:
        answered = services.vote_cast(user=user, framework=framework, value=Vote.UP)

    assert ("SET LOCAL synchronous_commit TO OFF" in queries[0]["sql"]) is asynchronous
    assert answered.upvotes == stored(framework)["upvotes"] == 1
    with connection.cursor() as cursor:  # the connection's own setting is untouched
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert_exact()


@pytest.mark.usefixtures("page_cache_on")
def test_a_vote_makes_cached_pages_stale_and_a_repeat_does_not():
    framework = FrameworkFactory()
    user = aged(UserFactory())
    pages, content = current_version(VERSION_KEY), current_version(CONTENT_VERSION_KEY)

    services.vote_cast(user=user, framework=framework, value=Vote.UP)
    after_vote = current_version(VERSION_KEY)
    services.vote_cast(user=user, framework=framework, value=Vote.UP)  # already so

    assert after_vote != pages
    assert current_version(VERSION_KEY) == after_vote
    assert current_version(CONTENT_VERSION_KEY) == content  # a vote's: the page version only
