"""Concurrent helpful marks on one review never lose an update (PostgreSQL row locks).

Twenty readers toggle their helpful mark on the same review at the same time, each in their own
thread with their own connection; some also double-click (two threads for one reader).
Afterwards helpful_count must equal the HelpfulVote rows.
"""

import io
import random

import pytest
from django.core.management import call_command
from django.test import Client

from reviews import services
from reviews.counters import counter_drift
from reviews.models import HelpfulVote
from tests.concurrency import postgres_only, run_together
from tests.factories import CountedReviewFactory, FrameworkFactory, UserFactory

pytestmark = [pytest.mark.postgres, postgres_only]

READERS = 20


def assert_count_equals_rows(review, expected):
    review.refresh_from_db()
    assert review.helpful_count == HelpfulVote.objects.filter(review=review).count() == expected
    assert counter_drift() == []
    call_command("recount", "--check", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_concurrent_helpful_toggles_through_the_service_keep_the_count_exact():
    review = CountedReviewFactory(framework=FrameworkFactory())
    readers = UserFactory.create_batch(READERS)
    rng = random.Random(5)
    toggles = [rng.randint(1, 12) for _ in readers]

    def toggle_many(user, times):
        for _ in range(times):
            services.helpful_toggle(user=user, review=review)

    errors = run_together(toggle_many, list(zip(readers, toggles, strict=True)))

    assert errors == []
    assert_count_equals_rows(review, sum(times % 2 for times in toggles))


@pytest.mark.django_db(transaction=True)
def test_double_clicks_through_the_view_keep_the_count_exact():
    review = CountedReviewFactory(framework=FrameworkFactory(slug="flask"))
    readers = UserFactory.create_batch(READERS // 2)
    url = f"/reviews/{review.pk}/helpful/"

    def click(index, user):
        client = Client()
        client.force_login(user)
        headers = {"HTTP_HX_REQUEST": "true"} if index % 2 else {}
        response = client.post(url, {"next": "/frameworks/flask/"}, **headers)
        assert response.status_code == (200 if headers else 303)

    # Every reader clicks three times at once, from three tabs: one mark each in the end.
    arguments = [(i, user) for i, user in enumerate(readers * 3)]
    errors = run_together(click, arguments)

    assert errors == []
    assert_count_equals_rows(review, len(readers))
