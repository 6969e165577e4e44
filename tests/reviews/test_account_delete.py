"""Deleting an account, every way there is, takes back its votes, reviews, helpful marks and
reports with the counters in the same transaction: `recount --check` is clean after each."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from catalog.aspects import ASPECT_KEYS, count_field, sum_field
from catalog.models import Framework
from config import pagecache
from reviews import services
from reviews.models import HelpfulVote, ModerationAction, Report, Review, Standing, Vote
from tests.factories import CountedReviewFactory, CuratorFactory, FrameworkFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
User = get_user_model()


@pytest.fixture
def spammer():
    """Someone who voted, reviewed, marked helpful, reported, and curated a little."""
    flask, django = FrameworkFactory(slug="flask"), FrameworkFactory(slug="django")
    spammer = CuratorFactory(username="spammer")
    others = UserFactory.create_batch(3)
    services.vote_cast(user=spammer, framework=flask, value=Vote.UP)
    services.vote_cast(user=spammer, framework=django, value=Vote.DOWN)
    services.vote_cast(user=others[0], framework=flask, value=Vote.UP)
    own = CountedReviewFactory(user=spammer, framework=flask, rating=1)
    hidden = CountedReviewFactory(user=spammer, framework=django, rating=2)
    services.review_hide(review=hidden, curator=CuratorFactory(), reason="Spam")
    theirs = CountedReviewFactory(user=others[0], framework=flask, rating=5)
    services.review_hide(review=theirs, curator=spammer, reason="Off-topic")
    services.review_restore(review=theirs, curator=spammer)
    other_review = CountedReviewFactory(user=others[1], framework=django, rating=4)
    services.helpful_toggle(user=others[1], review=own)
    services.report_create(user=others[2], review=own, reason="spam")
    services.helpful_toggle(user=spammer, review=theirs)
    services.helpful_toggle(user=spammer, review=other_review)
    services.report_create(user=spammer, review=theirs, reason="other", detail="meh")
    services.report_create(user=spammer, review=other_review, reason="spam")
    services.reports_clear(review=other_review)
    services.report_create(user=spammer, review=other_review, reason="spam")
    spammer.id_before = spammer.pk  # `delete()` clears pk on the instance
    return spammer


def assert_gone_and_counted(spammer, log_entries=3):
    call_command("recount", "--check", stdout=io.StringIO())  # raises on any drift
    pk = spammer.id_before
    assert not User.objects.filter(pk=pk).exists()
    for model in (Vote, Review, HelpfulVote, Report):
        assert not model.objects.filter(user_id=pk).exists(), model
    flask, django = Framework.objects.get(slug="flask"), Framework.objects.get(slug="django")
    assert (flask.upvotes, flask.downvotes, flask.review_count, flask.rating_sum) == (1, 0, 1, 5)
    assert (django.upvotes, django.downvotes, django.review_count, django.rating_sum) == (
        0,
        0,
        1,
        4,
    )
    theirs = Review.objects.get(framework=flask)
    other = Review.objects.get(framework=django)
    assert (theirs.helpful_count, theirs.report_count) == (0, 0)
    assert (other.helpful_count, other.report_count) == (0, 0)
    # The public log keeps every entry; the deleted curator's name is gone from them.
    assert ModerationAction.objects.count() == log_entries
    assert not ModerationAction.objects.filter(curator_id=pk).exists()
    assert ModerationAction.objects.filter(curator=None).count() == 2


def superuser_client():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_service(spammer):
    services.account_delete(user=spammer)
    assert_gone_and_counted(spammer)


def test_user_delete_from_code(spammer):
    spammer.delete()
    assert_gone_and_counted(spammer)


def test_a_queryset_delete_from_the_shell(spammer):
    User.objects.filter(username="spammer").delete()
    assert_gone_and_counted(spammer)


def test_the_admin_deletes_a_spammer_even_with_votes_marks_and_reports(spammer):
    client = superuser_client()
    url = f"/admin/auth/user/{spammer.pk}/delete/"
    page = client.get(url)
    assert page.status_code == 200
    assert "permission to delete" not in page.text
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert_gone_and_counted(spammer)


def test_the_admin_bulk_delete(spammer):
    bystander = UserFactory()
    client = superuser_client()
    data = {"action": "delete_selected", "_selected_action": [spammer.pk, bystander.pk]}
    page = client.post("/admin/auth/user/", data)
    assert "permission to delete" not in page.text
    client.post("/admin/auth/user/", {**data, "post": "yes"}, follow=True)
    assert not User.objects.filter(pk=bystander.pk).exists()
    assert_gone_and_counted(spammer)


def test_self_service_from_the_profile_says_what_goes_and_asks_for_the_password(en, spammer):
    en.force_login(spammer)
    profile = en.get("/users/spammer/")
    assert 'href="/accounts/delete/"' in profile.text
    page = en.get("/accounts/delete/")
    assert "your 2 votes: the ranking changes without them" in page.text
    assert "your 2 reviews" in page.text
    assert "the helpful marks you gave and the reports you filed" in page.text
    assert "keeps its entries, without your name" in page.text

    wrong = en.post("/accounts/delete/", {"password": "not-it"})
    assert wrong.status_code == 200
    assert "That is not your password; nothing was deleted." in wrong.text
    assert User.objects.filter(pk=spammer.pk).exists()

    response = en.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 303
    assert response["Location"] == "/"
    assert "_auth_user_id" not in en.session
    assert_gone_and_counted(spammer)


def test_self_service_needs_a_login_and_a_post(en, db):
    assert en.get("/accounts/delete/").status_code == 302
    user = UserFactory()
    en.force_login(user)
    assert en.put("/accounts/delete/").status_code == 405
    assert User.objects.filter(pk=user.pk).exists()


def test_only_counted_votes_move_back_with_the_windows_and_aspects(
    settings, django_capture_on_commit_callbacks
):
    """A held vote never counted, so deleting it moves nothing; a counted one takes its week
    (trend) and 12-month counters with it, a review its aspect counters; pages are re-rendered."""
    settings.VOTE_HOLD_DAYS = 3
    flask = FrameworkFactory(slug="flask")
    old, new = UserFactory(), UserFactory()
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=30))
    old.refresh_from_db()
    services.vote_cast(user=old, framework=flask, value=Vote.DOWN)
    services.vote_cast(user=new, framework=flask, value=Vote.UP)
    assert Vote.objects.get(user=new).counted is False
    key = ASPECT_KEYS[0]
    CountedReviewFactory(user=old, framework=flask, rating=3, **{key: 2})
    flask.refresh_from_db()
    assert (flask.downvotes, flask.trend, flask.recent_downvotes) == (1, -1, 1)
    version = pagecache.current_version()

    services.account_delete(user=new)  # held: the counters stay as they are
    flask.refresh_from_db()
    assert (flask.upvotes, flask.downvotes, flask.trend, flask.recent_upvotes) == (0, 1, -1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.account_delete(user=old)

    flask.refresh_from_db()
    assert (flask.downvotes, flask.trend, flask.recent_downvotes, flask.recent_score) == (
        0,
        0,
        0,
        0,
    )
    assert getattr(flask, count_field(key)) == getattr(flask, sum_field(key)) == 0
    assert not Standing.objects.filter(user_id__in=[old.pk, new.pk]).exists()
    assert pagecache.current_version() != version
    call_command("recount", "--check", stdout=io.StringIO())
