"""Concurrent votes on one framework never lose an update (PostgreSQL row locks).

Twenty people vote, switch and clear on the same framework at the same time, each in their own
thread with their own database connection. Afterwards the counters must equal the vote rows.
"""

import io
import random

import pytest
from django.core.management import call_command
from django.test import Client

from reviews import services
from reviews.counters import counter_drift
from reviews.models import Vote
from tests.concurrency import postgres_only, run_together
from tests.factories import FrameworkFactory, UserFactory

pytestmark = [pytest.mark.postgres, postgres_only]

PEOPLE = 20
OPERATIONS = 30
CHOICES = ["up", "down", "clear"]


def plans(seed):
    """Each person's random series of up/down/clear; the last one is where they end."""
    rng = random.Random(seed)
    return [[rng.choice(CHOICES) for _ in range(OPERATIONS)] for _ in range(PEOPLE)]


def assert_counters_equal_rows(framework, final_choices):
    framework.refresh_from_db()
    rows = Vote.objects.filter(framework=framework)
    assert framework.upvotes == rows.filter(value=Vote.UP).count() == final_choices.count("up")
    assert (
        framework.downvotes == rows.filter(value=Vote.DOWN).count() == final_choices.count("down")
    )
    assert counter_drift() == []
    call_command("recount", "--check", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_through_the_service_keep_counters_exact():
    framework = FrameworkFactory()
    people = UserFactory.create_batch(PEOPLE)
    series = plans(seed=20)

    def vote_many(user, choices):
        for choice in choices:
            services.vote_cast(user=user, framework=framework, value=Vote.VALUES[choice])

    errors = run_together(vote_many, list(zip(people, series, strict=True)))

    assert errors == []
    assert_counters_equal_rows(framework, [choices[-1] for choices in series])


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_through_the_view_keep_counters_exact():
    framework = FrameworkFactory()
    people = UserFactory.create_batch(PEOPLE)
    series = plans(seed=21)
    url = f"/frameworks/{framework.slug}/vote/"

    def post_many(index, user, choices):
        client = Client()
        client.force_login(user)
        htmx = {"HTTP_HX_REQUEST": "true"} if index % 2 else {}
        for choice in choices:
            response = client.post(url, {"value": choice, "next": "/"}, **htmx)
            expected = 200 if htmx else 303
            assert response.status_code == expected, (choice, response.status_code)

    arguments = [
        (i, user, choices) for i, (user, choices) in enumerate(zip(people, series, strict=True))
    ]
    errors = run_together(post_many, arguments)

    assert errors == []
    assert_counters_equal_rows(framework, [choices[-1] for choices in series])
