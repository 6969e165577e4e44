"""Time-window counters on Framework: `trend` (net counted votes cast or changed in 7 days) and
the 12-month counters behind `sort=recent`, kept by the vote service and aged out by
`manage.py release_votes`."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog import ranking
from catalog.models import Framework
from reviews import services
from reviews.counters import counter_drift, recount_all
from reviews.models import Vote
from tests.factories import FrameworkFactory, UserFactory, VoteFactory

pytestmark = pytest.mark.django_db


def windows(framework):
    framework.refresh_from_db()
    return framework.trend, framework.recent_upvotes, framework.recent_downvotes


def backdate(votes, days):
    Vote.objects.filter(pk__in=[vote.pk for vote in votes]).update(
        updated_at=timezone.now() - timedelta(days=days)
    )


def cast(framework, value, count=1):
    users = [UserFactory() for _ in range(count)]
    for user in users:
        services.vote_cast(user=user, framework=framework, value=value)
    return list(Vote.objects.filter(user__in=users))


def test_a_vote_enters_both_windows_and_switching_moves_it(flask):
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    assert windows(flask) == (1, 1, 0)
    assert flask.recent_score == ranking.wilson_lower_bound(1, 0)

    services.vote_cast(user=user, framework=flask, value=Vote.DOWN)
    assert windows(flask) == (-1, 0, 1)

    services.vote_cast(user=user, framework=flask, value=None)
    assert windows(flask) == (0, 0, 0)
    assert counter_drift() == []


def test_ageing_takes_last_weeks_votes_out_of_trend_but_not_out_of_recent():
    steady = FrameworkFactory(name="Steady", seed_rank=1)
    rising = FrameworkFactory(name="Rising", seed_rank=2)
    falling = FrameworkFactory(name="Falling", seed_rank=3)
    FrameworkFactory(name="Quiet", seed_rank=4)
    old = cast(steady, Vote.UP, 5)
    cast(rising, Vote.UP, 2)
    cast(falling, Vote.DOWN, 3)
    cast(falling, Vote.UP)
    backdate(old, ranking.TREND_DAYS + 1 / 24)

    assert services.windows_age() == 5

    ranked = Framework.objects.ranked("trending")
    assert [f.name for f in ranked] == ["Rising", "Steady", "Quiet", "Falling"]
    assert {f.name: f.trend for f in ranked} == {
        "Rising": 2,
        "Steady": 0,
        "Quiet": 0,
        "Falling": -2,
    }
    assert windows(steady) == (0, 5, 0)
    assert counter_drift() == []


def test_a_recently_changed_old_vote_is_trending_again(flask):
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.DOWN)
    backdate(Vote.objects.all(), 30)
    services.windows_age()
    assert windows(flask) == (0, 0, 1)

    services.vote_cast(user=user, framework=flask, value=Vote.UP)

    assert windows(flask) == (1, 1, 0)
    assert counter_drift() == []


def test_votes_older_than_twelve_months_leave_the_recent_score(flask):
    old = cast(flask, Vote.UP, 3)
    cast(flask, Vote.DOWN, 1)
    backdate(old, ranking.RECENT_DAYS + 1)

    services.windows_age()

    flask.refresh_from_db()
    assert (flask.upvotes, flask.downvotes) == (3, 1)  # all time: unchanged
    assert windows(flask) == (-1, 0, 1)
    assert flask.recent_score == 0.0
    assert counter_drift() == []


def test_ageing_twice_changes_nothing_more(flask):
    backdate(cast(flask, Vote.UP, 2), 8)

    assert services.windows_age() == 2
    assert services.windows_age() == 0
    assert windows(flask) == (0, 2, 0)


def test_held_votes_stay_out_of_the_windows_and_come_in_with_their_own_time(settings, flask):
    settings.VOTE_HOLD_DAYS = 3
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    assert windows(flask) == (0, 0, 0)
    backdate(Vote.objects.all(), 10)
    services.windows_age()
    user.date_joined = timezone.now() - timedelta(days=20)
    user.save()

    services.votes_release(user=user)

    assert windows(flask) == (0, 1, 0)  # cast 10 days ago: not trending, but recent
    assert counter_drift() == []


def test_recount_check_finds_a_vote_missing_from_its_window_and_recount_repairs_it(flask):
    VoteFactory(framework=flask, user=UserFactory())  # a raw row: no counter, no flag

    drift = {(line.model, line.field) for line in counter_drift()}

    assert {("Vote", "in_week"), ("Vote", "in_year"), ("Framework", "upvotes")} <= drift
    recount_all()
    assert windows(flask) == (1, 1, 0)
    assert counter_drift() == []


@pytest.mark.parametrize("rows", [3, 40])
def test_recount_repairs_vote_flags_in_a_fixed_number_of_queries(
    flask, rows, django_assert_max_num_queries
):
    """A bulk-loaded table (every flag missing) is repaired set by set, not one vote at a time:
    the million votes of `make bench` took hours row by row."""
    for _ in range(rows):
        VoteFactory(framework=flask, user=UserFactory())  # raw rows: no flag, no counter

    with django_assert_max_num_queries(45):
        recount_all()

    assert windows(flask) == (rows, rows, 0)
    assert counter_drift() == []


def test_a_flag_past_its_window_is_aged_not_drift_and_recount_ages_it(flask):
    backdate(cast(flask, Vote.UP), 8)

    assert counter_drift() == []  # due for ageing: the periodic job's business
    recount_all()
    assert windows(flask) == (0, 1, 0)


def test_release_votes_ages_the_windows(flask):
    backdate(cast(flask, Vote.UP, 2), 8)
    out = io.StringIO()

    call_command("release_votes", stdout=out)

    assert "2 window flag(s) aged out" in out.getvalue()
    assert windows(flask) == (0, 2, 0)
