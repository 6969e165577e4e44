"""Aspect counters (sum and count per aspect on the framework) follow every review write."""

import io

import pytest
from django.core.management import CommandError, call_command

from catalog.aspects import ASPECT_KEYS, COUNTER_FIELDS
from catalog.models import Framework
from reviews import services
from reviews.counters import counter_drift, true_aspect_counters
from reviews.models import Review
from tests.factories import CuratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def save(user, framework, rating=4, **fields):
    fields = {"title": "Title", "body": "Body", **fields}
    return services.review_save(user=user, framework=framework, rating=rating, **fields)


def aspects_of(framework) -> dict[str, tuple[int, int]]:
    """{aspect: (sum, count)} as stored, after checking it equals a fresh aggregate of the rows."""
    framework.refresh_from_db()
    stored = {field: getattr(framework, field) for field in COUNTER_FIELDS}
    assert true_aspect_counters()[framework.pk] == stored
    assert counter_drift() == []
    return {key: (stored[f"{key}_sum"], stored[f"{key}_count"]) for key in ASPECT_KEYS}


def test_a_review_without_aspects_moves_no_aspect_counter(flask):
    save(UserFactory(), flask)
    assert set(aspects_of(flask).values()) == {(0, 0)}


def test_rated_aspects_add_their_rating_and_one_count(flask):
    save(UserFactory(), flask, documentation=5, performance=2)
    save(UserFactory(), flask, documentation=3, async_support=1)
    counts = aspects_of(flask)
    assert counts["documentation"] == (8, 2)
    assert counts["performance"] == (2, 1)
    assert counts["async_support"] == (1, 1)
    assert counts["learning_curve"] == counts["ecosystem"] == counts["stability"] == (0, 0)


def test_editing_changes_rates_and_clears_aspects(flask):
    user = UserFactory()
    save(user, flask, documentation=5, performance=2, stability=4)
    save(user, flask, documentation=1, performance=None, ecosystem=3)  # stability left out
    counts = aspects_of(flask)
    assert counts["documentation"] == (1, 1)
    assert counts["performance"] == (0, 0)
    assert counts["stability"] == (0, 0)
    assert counts["ecosystem"] == (3, 1)
    review = Review.objects.get()
    assert (review.documentation, review.performance, review.stability) == (1, None, None)


def test_saving_the_same_ratings_again_changes_nothing(flask):
    user = UserFactory()
    save(user, flask, learning_curve=4)
    save(user, flask, learning_curve=4)
    assert aspects_of(flask)["learning_curve"] == (4, 1)


def test_deleting_a_review_takes_its_aspects_away(flask):
    keep = save(UserFactory(), flask, documentation=2)
    gone = save(UserFactory(), flask, documentation=5, performance=5)
    services.review_delete(review=gone)
    assert aspects_of(flask)["documentation"] == (2, 1)
    assert aspects_of(flask)["performance"] == (0, 0)
    assert Review.objects.get() == keep


def test_hiding_takes_aspects_away_and_restoring_brings_them_back(flask):
    review = save(UserFactory(), flask, stability=3, async_support=5)
    curator = CuratorFactory()
    assert services.review_hide(review=review, curator=curator, reason="spam")
    assert aspects_of(flask)["stability"] == (0, 0)
    assert not services.review_hide(review=review, curator=curator, reason="again")
    assert aspects_of(flask)["stability"] == (0, 0)
    assert services.review_restore(review=review, curator=curator)
    assert aspects_of(flask)["stability"] == (3, 1)
    assert aspects_of(flask)["async_support"] == (5, 1)


def test_editing_a_hidden_review_moves_no_aspect_counter(flask):
    user = UserFactory()
    review = save(user, flask, performance=4)
    services.review_hide(review=review, curator=CuratorFactory(), reason="off-topic")
    save(user, flask, performance=1, documentation=5)
    assert set(aspects_of(flask).values()) == {(0, 0)}
    services.review_restore(review=review, curator=CuratorFactory(username="c2"))
    assert aspects_of(flask)["performance"] == (1, 1)
    assert aspects_of(flask)["documentation"] == (5, 1)


def test_the_helper_removes_a_review_for_account_deletion(flask):
    """Account deletion (reviews.services) calls the same helper for each of the user's reviews."""
    user = UserFactory()
    review = save(user, flask, rating=5, documentation=4)
    save(UserFactory(), flask, rating=3, documentation=2)
    services.move_review_counters(framework_id=flask.pk, removed=review)
    review.delete()
    assert aspects_of(flask)["documentation"] == (2, 1)
    flask.refresh_from_db()
    assert (flask.review_count, flask.rating_sum) == (1, 3)


def test_unknown_aspects_are_refused(flask):
    with pytest.raises(TypeError, match="unknown aspects"):
        save(UserFactory(), flask, friendliness=5)
    assert not Review.objects.exists()


def test_recount_check_reports_aspect_drift_and_recount_fixes_it(flask):
    save(UserFactory(), flask, documentation=4, performance=3)
    Framework.objects.filter(pk=flask.pk).update(documentation_sum=40, performance_count=0)
    out = io.StringIO()

    with pytest.raises(CommandError, match="2 counter"):
        call_command("recount", "--check", stdout=out)

    assert "Framework flask: documentation_sum 40 != 4" in out.getvalue()
    assert "Framework flask: performance_count 0 != 1" in out.getvalue()
    call_command("recount", stdout=io.StringIO())
    assert aspects_of(flask)["documentation"] == (4, 1)
    assert aspects_of(flask)["performance"] == (3, 1)
