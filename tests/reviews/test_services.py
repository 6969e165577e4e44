"""Service tests: every call hits the database, and the counters are checked after each one."""

import io
import random

import pytest
from django.core.management import call_command

from catalog import ranking
from reviews import services
from reviews.counters import true_framework_counters
from reviews.models import Vote
from tests.factories import FrameworkFactory, UserFactory

pytestmark = pytest.mark.django_db


# Votes ------------------------------------------------------------------------------------------


def assert_vote_counters_true(framework):
    """The stored counters equal the vote rows, and the score is the Wilson bound of them."""
    framework.refresh_from_db()
    truth = true_framework_counters()[framework.pk]
    assert (framework.upvotes, framework.downvotes) == (truth["upvotes"], truth["downvotes"])
    expected = ranking.wilson_lower_bound(framework.upvotes, framework.downvotes)
    assert framework.score == pytest.approx(expected, abs=1e-12)


@pytest.fixture
def framework():
    return FrameworkFactory()


@pytest.fixture
def user():
    return UserFactory()


def test_vote_up_adds_one_upvote(user, framework):
    counted = services.vote_cast(user=user, framework=framework, value=Vote.UP)

    assert (counted.upvotes, counted.downvotes) == (1, 0)
    assert Vote.objects.get(user=user, framework=framework).value == Vote.UP
    assert_vote_counters_true(framework)
    assert framework.score == pytest.approx(ranking.wilson_lower_bound(1, 0), abs=1e-12)
    assert framework.score > 0


def test_vote_up_twice_counts_once(user, framework):
    services.vote_cast(user=user, framework=framework, value=Vote.UP)
    counted = services.vote_cast(user=user, framework=framework, value=Vote.UP)

    assert (counted.upvotes, counted.downvotes) == (1, 0)
    assert Vote.objects.filter(framework=framework).count() == 1
    assert_vote_counters_true(framework)


def test_vote_switching_up_to_down_moves_one_vote(user, framework):
    other = UserFactory()
    services.vote_cast(user=other, framework=framework, value=Vote.UP)
    services.vote_cast(user=user, framework=framework, value=Vote.UP)
    assert_vote_counters_true(framework)
    assert (framework.upvotes, framework.downvotes) == (2, 0)

    services.vote_cast(user=user, framework=framework, value=Vote.DOWN)

    assert_vote_counters_true(framework)
    assert (framework.upvotes, framework.downvotes) == (1, 1)
    assert Vote.objects.get(user=user, framework=framework).value == Vote.DOWN


def test_vote_switching_down_to_up_moves_one_vote(user, framework):
    services.vote_cast(user=user, framework=framework, value=Vote.DOWN)
    assert_vote_counters_true(framework)
    assert (framework.upvotes, framework.downvotes) == (0, 1)
    assert framework.score == 0

    services.vote_cast(user=user, framework=framework, value=Vote.UP)

    assert_vote_counters_true(framework)
    assert (framework.upvotes, framework.downvotes) == (1, 0)


def test_vote_clear_removes_the_vote(user, framework):
    services.vote_cast(user=user, framework=framework, value=Vote.DOWN)

    counted = services.vote_cast(user=user, framework=framework, value=None)

    assert (counted.upvotes, counted.downvotes, counted.score) == (0, 0, 0.0)
    assert not Vote.objects.filter(user=user, framework=framework).exists()
    assert_vote_counters_true(framework)


def test_vote_clear_without_a_vote_changes_nothing(user, framework):
    other = UserFactory()
    services.vote_cast(user=other, framework=framework, value=Vote.UP)

    counted = services.vote_cast(user=user, framework=framework, value=None)

    assert (counted.upvotes, counted.downvotes) == (1, 0)
    assert Vote.objects.filter(framework=framework).count() == 1
    assert_vote_counters_true(framework)


@pytest.mark.parametrize("value", [0, 2, -2, "up", "1"])
def test_vote_with_an_invalid_value_raises_and_changes_nothing(user, framework, value):
    services.vote_cast(user=user, framework=framework, value=Vote.UP)

    with pytest.raises(ValueError, match="invalid vote value"):
        services.vote_cast(user=user, framework=framework, value=value)

    assert Vote.objects.get(user=user, framework=framework).value == Vote.UP
    assert_vote_counters_true(framework)
    assert (framework.upvotes, framework.downvotes) == (1, 0)


def test_vote_on_one_framework_leaves_the_others_alone(user, framework):
    other = FrameworkFactory()

    services.vote_cast(user=user, framework=framework, value=Vote.UP)

    other.refresh_from_db()
    assert (other.upvotes, other.downvotes, other.score) == (0, 0, 0.0)


def test_vote_returns_the_framework_as_stored(user, framework):
    counted = services.vote_cast(user=user, framework=framework, value=Vote.DOWN)

    framework.refresh_from_db()
    assert (counted.upvotes, counted.downvotes, counted.score) == (
        framework.upvotes,
        framework.downvotes,
        framework.score,
    )


def test_vote_series_keeps_counters_true_after_every_call_and_recount_clean():
    frameworks = FrameworkFactory.create_batch(3)
    users = UserFactory.create_batch(6)
    rng = random.Random(4)
    for _ in range(120):
        framework = rng.choice(frameworks)
        value = rng.choice([Vote.UP, Vote.DOWN, None])

        services.vote_cast(user=rng.choice(users), framework=framework, value=value)

        assert_vote_counters_true(framework)
    assert Vote.objects.count() > 0
    out = io.StringIO()
    call_command("recount", "--check", stdout=out)
    assert "All counters match the rows." in out.getvalue()
