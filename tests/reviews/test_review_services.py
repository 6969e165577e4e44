"""Review services keep every counter equal to a fresh aggregate of the rows after each call."""

import io

import pytest
from django.core.management import call_command

from reviews import services
from reviews.counters import counter_drift, true_framework_counters, true_review_counters
from reviews.models import HelpfulVote, ModerationAction, Report, Review
from tests.factories import CountedReviewFactory, FrameworkFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_counters_true():
    """Stored counters equal the aggregates, and `recount --check` agrees."""
    assert counter_drift() == []
    call_command("recount", "--check", stdout=io.StringIO())


def framework_counts(framework):
    framework.refresh_from_db()
    assert true_framework_counters()[framework.pk]["review_count"] == framework.review_count
    assert true_framework_counters()[framework.pk]["rating_sum"] == framework.rating_sum
    return framework.review_count, framework.rating_sum


def review_counts(review):
    review.refresh_from_db()
    truth = true_review_counters()[review.pk]
    assert truth == {"helpful_count": review.helpful_count, "report_count": review.report_count}
    return review.helpful_count, review.report_count


def save(user, framework, rating=4, **fields):
    fields = {"title": "Title", "body": "Body", **fields}
    return services.review_save(user=user, framework=framework, rating=rating, **fields)


# Writing ----------------------------------------------------------------------------------------


def test_creating_reviews_counts_them_and_their_stars(flask):
    save(UserFactory(), flask, rating=5)
    save(UserFactory(), flask, rating=2)
    assert framework_counts(flask) == (2, 7)
    assert_counters_true()


def test_editing_the_rating_moves_only_the_stars(flask):
    user = UserFactory()
    first = save(user, flask, rating=5)
    second = save(user, flask, rating=1, title="Changed my mind")
    assert second.pk == first.pk
    assert Review.objects.count() == 1
    assert framework_counts(flask) == (1, 1)
    assert_counters_true()


def test_editing_renders_the_body_again(flask):
    user = UserFactory()
    save(user, flask, body="first")
    review = save(user, flask, body="**second**")
    assert review.body_html == "<p><strong>second</strong></p>"


def test_deleting_takes_the_review_and_its_marks_and_reports_away(flask):
    review = CountedReviewFactory(framework=flask, rating=3)
    services.helpful_toggle(user=UserFactory(), review=review)
    services.report_create(user=UserFactory(), review=review, reason=Report.Reason.SPAM)
    services.review_delete(review=review)
    assert framework_counts(flask) == (0, 0)
    assert not HelpfulVote.objects.exists()
    assert not Report.objects.exists()
    assert_counters_true()


def test_editing_a_hidden_review_keeps_it_hidden_and_uncounted(flask):
    user = UserFactory()
    review = save(user, flask, rating=5)
    services.review_hide(review=review, curator=UserFactory(), reason="spam")
    review = save(user, flask, rating=1)
    assert review.status == Review.Status.HIDDEN
    assert framework_counts(flask) == (0, 0)
    services.review_restore(review=review, curator=UserFactory())
    assert framework_counts(flask) == (1, 1)
    assert_counters_true()


def test_deleting_a_hidden_review_leaves_the_counters_alone(flask):
    kept = CountedReviewFactory(framework=flask, rating=2)
    hidden = CountedReviewFactory(framework=flask, rating=5)
    services.review_hide(review=hidden, curator=UserFactory(), reason="spam")
    services.review_delete(review=hidden)
    assert framework_counts(flask) == (1, kept.rating)
    assert_counters_true()


# Curation ---------------------------------------------------------------------------------------


def test_hide_and_restore_move_the_counters_and_log_publicly(flask):
    review = CountedReviewFactory(framework=flask, rating=4, title="Great")
    CountedReviewFactory(framework=flask, rating=2)
    curator = UserFactory()

    assert services.review_hide(review=review, curator=curator, reason="Advertising") is True
    assert framework_counts(flask) == (1, 2)
    assert services.review_hide(review=review, curator=curator, reason="again") is False
    assert_counters_true()

    assert services.review_restore(review=review, curator=curator) is True
    assert framework_counts(flask) == (2, 6)
    assert services.review_restore(review=review, curator=curator) is False
    assert_counters_true()

    log = list(ModerationAction.objects.values_list("action", "review_title", "reason"))
    assert log == [("restore", "Great", ""), ("hide", "Great", "Advertising")]


def test_restore_brings_the_review_back_intact(flask):
    review = CountedReviewFactory(framework=flask, body="*kept*", pros="fast", version_used="3.0")
    services.helpful_toggle(user=UserFactory(), review=review)
    before = Review.objects.values().get(pk=review.pk)
    services.review_hide(review=review, curator=UserFactory(), reason="check")
    services.review_restore(review=review, curator=UserFactory())
    after = Review.objects.values().get(pk=review.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_clearing_reports_resolves_them_and_zeroes_the_count(flask):
    review = CountedReviewFactory(framework=flask)
    for _ in range(3):
        services.report_create(user=UserFactory(), review=review, reason=Report.Reason.SPAM)
    assert review_counts(review) == (0, 3)
    assert services.reports_clear(review=review) == 3
    assert review_counts(review) == (0, 0)
    assert Report.objects.filter(resolved_at__isnull=False).count() == 3
    assert_counters_true()


# Helpful marks and reports ----------------------------------------------------------------------


def test_helpful_toggle_twice_returns_to_zero(flask):
    review = CountedReviewFactory(framework=flask)
    reader = UserFactory()
    review, marked = services.helpful_toggle(user=reader, review=review)
    assert (review.helpful_count, marked) == (1, True)
    assert review_counts(review) == (1, 0)
    review, marked = services.helpful_toggle(user=reader, review=review)
    assert (review.helpful_count, marked) == (0, False)
    assert review_counts(review) == (0, 0)
    assert_counters_true()


def test_helpful_marks_from_several_readers_add_up(flask):
    review = CountedReviewFactory(framework=flask)
    for reader in UserFactory.create_batch(3):
        services.helpful_toggle(user=reader, review=review)
    assert review_counts(review) == (3, 0)


def test_own_review_cannot_be_marked_helpful(flask):
    review = CountedReviewFactory(framework=flask)
    with pytest.raises(services.NotAllowed):
        services.helpful_toggle(user=review.user, review=review)
    assert review_counts(review) == (0, 0)


def test_a_person_reports_a_review_once(flask):
    review = CountedReviewFactory(framework=flask)
    reader = UserFactory()
    report, created = services.report_create(
        user=reader, review=review, reason=Report.Reason.OTHER, detail="copied from a blog"
    )
    assert created
    again, created_again = services.report_create(
        user=reader, review=review, reason=Report.Reason.SPAM
    )
    assert (again.pk, created_again) == (report.pk, False)
    assert again.reason == Report.Reason.OTHER
    assert review_counts(review) == (0, 1)
    assert_counters_true()


def test_own_review_cannot_be_reported(flask):
    review = CountedReviewFactory(framework=flask)
    with pytest.raises(services.NotAllowed):
        services.report_create(user=review.user, review=review, reason=Report.Reason.SPAM)
    assert review_counts(review) == (0, 0)


def test_recount_check_fails_on_drift_and_recount_repairs_it(flask):
    review = CountedReviewFactory(framework=flask, rating=5)
    Review.objects.filter(pk=review.pk).update(helpful_count=7)
    flask.__class__.objects.filter(pk=flask.pk).update(rating_sum=1)
    with pytest.raises(Exception, match="drifted"):
        call_command("recount", "--check", stdout=io.StringIO())
    call_command("recount", stdout=io.StringIO())
    assert_counters_true()


def test_review_save_drops_nul_characters_that_postgresql_would_refuse(db):
    framework = FrameworkFactory()
    review = services.review_save(
        user=UserFactory(), framework=framework, rating=3, title="a\x00b", body="x\x00y"
    )
    review.refresh_from_db()
    assert (review.title, review.body) == ("ab", "xy")
