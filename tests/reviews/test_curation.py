"""Curation that means what it says: the public log never shows hidden text, a cleared report
can be filed again, the helpful check and the recount drift happen under the lock."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from catalog.models import Framework
from reviews import services
from reviews.counters import counter_drift
from reviews.models import HelpfulVote, Report
from tests.factories import CountedReviewFactory, CuratorFactory, FrameworkFactory, UserFactory

MARKER = "MARKER-hidden-headline"


@pytest.mark.django_db
def test_moderation_log_never_shows_the_title_of_a_hidden_review(en, flask):
    review = CountedReviewFactory(framework=flask, title=MARKER, body=f"body {MARKER}")
    services.review_hide(review=review, curator=CuratorFactory(), reason="Advertising")

    response = en.get("/moderation/")

    assert response.status_code == 200
    assert "Advertising" in response.text
    assert flask.name in response.text
    assert MARKER not in response.text


@pytest.mark.django_db
def test_after_curators_clear_a_report_the_same_person_can_report_again(en, flask):
    review = CountedReviewFactory(framework=flask)
    reporter = UserFactory()
    services.report_create(user=reporter, review=review, reason=Report.Reason.SPAM)
    services.reports_clear(review=review)

    en.force_login(reporter)
    response = en.post(f"/reviews/{review.pk}/report/", {"reason": "spam"}, follow=True)

    assert "Your report has been received" in response.text
    assert "already been received" not in response.text
    assert Report.objects.filter(user=reporter, review=review).count() == 2
    review.refresh_from_db()
    assert review.report_count == 1
    assert counter_drift() == []


@pytest.mark.django_db
def test_one_open_report_per_person_and_review(flask):
    review = CountedReviewFactory(framework=flask)
    reporter = UserFactory()
    first, created = services.report_create(user=reporter, review=review, reason="spam")
    again, created_again = services.report_create(user=reporter, review=review, reason="other")
    assert (created, created_again, again) == (True, False, first)
    review.refresh_from_db()
    assert review.report_count == 1


@pytest.mark.django_db
def test_helpful_toggle_checks_under_the_lock_that_the_review_is_still_published(flask):
    review = CountedReviewFactory(framework=flask)
    services.review_hide(review=review, curator=None, reason="spam")

    with pytest.raises(services.NotAllowed, match="no longer published"):
        services.helpful_toggle(user=UserFactory(), review=review)

    review.refresh_from_db()
    assert review.helpful_count == 0
    assert not HelpfulVote.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recount_action_reports_the_drift_it_found_under_the_lock():
    framework = FrameworkFactory()
    curator = CuratorFactory(is_superuser=True)
    locked, release = threading.Event(), threading.Event()

    def drift_while_holding_the_lock():
        # Another writer holds the framework's row, drifts a counter and commits a moment
        # after the curator's recount started.
        try:
            with transaction.atomic():
                Framework.objects.select_for_update().get(pk=framework.pk)
                Framework.objects.filter(pk=framework.pk).update(upvotes=7)
                locked.set()
                release.wait(timeout=2)
        finally:
            connection.close()

    writer = threading.Thread(target=drift_while_holding_the_lock)
    writer.start()
    assert locked.wait(timeout=10)
    threading.Timer(0.5, release.set).start()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(curator)
    response = client.post(
        reverse("admin:catalog_framework_changelist"),
        {"action": "recount", "_selected_action": [framework.pk]},
        follow=True,
    )
    writer.join(timeout=10)

    assert f"1 row recounted ({framework.slug}.upvotes)." in response.text
    framework.refresh_from_db()
    assert framework.upvotes == 0
