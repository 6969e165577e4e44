"""Concurrent review writes on one framework keep every aspect counter exact (PostgreSQL).

Sixteen reviewers write, edit and delete their reviews of the same framework at once, with random
aspect ratings, while a curator hides and restores some of them. Afterwards each aspect's sum and
count must equal a fresh aggregate of the published reviews.
"""

import io
import random

import pytest
from django.core.management import call_command

from catalog.aspects import ASPECT_KEYS
from reviews import services
from reviews.counters import counter_drift
from reviews.models import Review
from tests.concurrency import postgres_only, run_together
from tests.factories import CuratorFactory, FrameworkFactory, UserFactory

pytestmark = [pytest.mark.postgres, postgres_only]

REVIEWERS = 16
OPERATIONS = 12


def random_aspects(rng):
    return {key: rng.choice([None, 1, 2, 3, 4, 5]) for key in ASPECT_KEYS}


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_edits_deletes_and_moderation_keep_aspect_counters_exact():
    framework = FrameworkFactory()
    reviewers = UserFactory.create_batch(REVIEWERS)
    curator = CuratorFactory()

    def write_many(index, user):
        rng = random.Random(index)
        for _ in range(OPERATIONS):
            review = Review.objects.filter(user=user, framework=framework).first()
            if review is not None and rng.random() < 0.25:
                services.review_delete(review=review)
                continue
            services.review_save(
                user=user,
                framework=framework,
                rating=rng.randint(1, 5),
                title="t",
                body="b",
                **random_aspects(rng),
            )

    def moderate_many(index, _user):
        rng = random.Random(index)
        for _ in range(OPERATIONS * 2):
            review = Review.objects.filter(framework=framework).order_by("?").first()
            if review is None:
                continue
            if rng.random() < 0.5:
                services.review_hide(review=review, curator=curator, reason="check")
            else:
                services.review_restore(review=review, curator=curator)

    work = [(i, user) for i, user in enumerate(reviewers)]

    def either(index, user):
        (moderate_many if index >= REVIEWERS else write_many)(index, user)

    errors = run_together(either, [*work, (REVIEWERS, None), (REVIEWERS + 1, None)])

    # A review deleted between the curator's read and lock is a DoesNotExist, nothing worse.
    assert all(isinstance(error, Review.DoesNotExist) for error in errors), errors
    framework.refresh_from_db()
    published = Review.objects.filter(framework=framework, status=Review.Status.PUBLISHED)
    assert published.exists()
    for key in ASPECT_KEYS:
        rated = [value for value in published.values_list(key, flat=True) if value is not None]
        assert getattr(framework, f"{key}_sum") == sum(rated), key
        assert getattr(framework, f"{key}_count") == len(rated), key
    assert counter_drift() == []
    call_command("recount", "--check", stdout=io.StringIO())
