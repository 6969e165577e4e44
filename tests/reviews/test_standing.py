"""Vote standing: a new account's votes are recorded but held out of the counts until it is older
than VOTE_HOLD_DAYS or has a published review; curators suspend and restore accounts' votes."""

import io
import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Framework
from reviews import services
from reviews.counters import counter_drift, recount_all
from reviews.models import ModerationAction, Standing, Suspension, Vote
from tests.concurrency import postgres_only, run_together
from tests.factories import CountedReviewFactory, CuratorFactory, FrameworkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def hold_three_days(settings):
    settings.VOTE_HOLD_DAYS = 3


def counts(framework):
    framework.refresh_from_db()
    return framework.upvotes, framework.downvotes


def age(user, days):
    get_user_model().objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - timedelta(days=days)
    )
    user.refresh_from_db()


def write_review(user, framework):
    return CountedReviewFactory(user=user, framework=framework, rating=4, title="Fine", body="Ok")


def test_a_new_accounts_vote_is_recorded_but_held_out(flask):
    user = UserFactory()

    services.vote_cast(user=user, framework=flask, value=Vote.UP)

    assert counts(flask) == (0, 0)
    vote = Vote.objects.get(user=user)
    assert (vote.value, vote.counted) == (Vote.UP, False)
    assert flask.score == 0
    assert counter_drift() == []


def test_an_account_older_than_the_hold_counts_at_once(flask):
    user = UserFactory()
    age(user, 4)

    services.vote_cast(user=user, framework=flask, value=Vote.UP)

    assert counts(flask) == (1, 0)


def test_switching_a_held_vote_moves_no_counter(flask):
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)

    services.vote_cast(user=user, framework=flask, value=Vote.DOWN)
    services.vote_cast(user=user, framework=flask, value=None)

    assert counts(flask) == (0, 0)
    assert not Vote.objects.exists()
    assert counter_drift() == []


def test_the_next_vote_after_the_hold_brings_the_held_ones_in(flask):
    django_ = FrameworkFactory(name="Django")
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    age(user, 4)

    services.vote_cast(user=user, framework=django_, value=Vote.DOWN)

    assert counts(flask) == (1, 0)
    assert counts(django_) == (0, 1)
    assert Standing.objects.get(user=user).votes_count
    assert counter_drift() == []


def test_a_published_review_puts_a_new_account_in_good_standing(flask):
    django_ = FrameworkFactory(name="Django")
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    services.vote_cast(user=user, framework=django_, value=Vote.UP)

    write_review(user, django_)

    assert counts(flask) == (1, 0)
    assert counts(django_) == (1, 0)
    assert counter_drift() == []


def test_hiding_the_only_review_of_a_new_account_holds_its_votes_again(flask):
    curator = CuratorFactory()
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    review = write_review(user, flask)
    assert counts(flask) == (1, 0)

    services.review_hide(review=review, curator=curator, reason="Spam")
    assert counts(flask) == (0, 0)
    assert counter_drift() == []

    services.review_restore(review=review, curator=curator)
    assert counts(flask) == (1, 0)
    assert counter_drift() == []


def test_deleting_the_only_review_of_a_new_account_holds_its_votes_again(flask):
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.DOWN)
    review = write_review(user, flask)

    services.review_delete(review=review)

    assert counts(flask) == (0, 0)
    assert not Vote.objects.get(user=user).counted
    assert counter_drift() == []


def test_hiding_a_review_of_an_older_account_leaves_its_votes_counted(flask):
    user = UserFactory()
    age(user, 10)
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    review = write_review(user, flask)

    services.review_hide(review=review, curator=CuratorFactory(), reason="Off topic")

    assert counts(flask) == (1, 0)


def test_release_votes_counts_accounts_that_came_of_age_and_leaves_the_young(flask):
    old, young = UserFactory(username="old"), UserFactory(username="young")
    for user in (old, young):
        services.vote_cast(user=user, framework=flask, value=Vote.UP)
    age(old, 4)
    out = io.StringIO()

    call_command("release_votes", stdout=out)

    assert counts(flask) == (1, 0)
    assert "1 held vote(s) released" in out.getvalue()
    assert Vote.objects.get(user=young).counted is False
    call_command("recount", "--check", stdout=io.StringIO())


def test_a_released_vote_keeps_the_time_it_was_cast(flask):
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    cast = Vote.objects.get(user=user).updated_at
    age(user, 4)

    services.votes_release(user=user)

    assert Vote.objects.get(user=user).updated_at == cast


# Suspension -------------------------------------------------------------------------------------


def test_suspending_holds_out_an_accounts_votes_and_logs_it_without_names(flask):
    curator = CuratorFactory()
    user = UserFactory(username="mallory")
    age(user, 30)
    services.vote_cast(user=user, framework=flask, value=Vote.UP)

    suspension = services.votes_suspend(users=[user], curator=curator, reason="Bought votes")

    assert counts(flask) == (0, 0)
    assert Vote.objects.get(user=user).counted is False
    assert Standing.objects.get(user=user).suspension == suspension
    line = ModerationAction.objects.get()
    assert (line.action, line.account_count, line.reason) == ("hold-votes", 1, "Bought votes")
    assert counter_drift() == []


def test_a_suspended_account_votes_and_reviews_are_held_whatever_its_age(flask):
    user = UserFactory()
    age(user, 30)
    services.votes_suspend(users=[user], curator=CuratorFactory(), reason="Ring")

    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    write_review(user, flask)
    services.votes_release(user=user)
    call_command("release_votes", stdout=io.StringIO())

    assert counts(flask) == (0, 0)
    assert counter_drift() == []


def test_restoring_lets_the_votes_count_again_and_logs_it(flask):
    curator = CuratorFactory()
    user = UserFactory()
    age(user, 30)
    services.vote_cast(user=user, framework=flask, value=Vote.DOWN)
    suspension = services.votes_suspend(users=[user], curator=curator, reason="Ring")

    assert services.votes_restore(users=[user], curator=curator, reason="Mistake") == 1

    assert counts(flask) == (0, 1)
    suspension.refresh_from_db()
    assert suspension.lifted_at is not None
    assert ModerationAction.objects.first().action == "restore-votes"
    assert services.votes_restore(users=[user], curator=curator) == 0  # repeating changes nothing


def test_restoring_a_young_account_keeps_its_votes_held_until_it_qualifies(flask):
    curator = CuratorFactory()
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    services.votes_suspend(users=[user], curator=curator, reason="Ring")

    services.votes_restore(users=[user], curator=curator)

    assert counts(flask) == (0, 0)
    assert Standing.objects.get(user=user).suspension is None


def test_lifting_a_hold_restores_every_account_in_it(flask):
    curator = CuratorFactory()
    users = [UserFactory() for _ in range(3)]
    for user in users:
        age(user, 30)
        services.vote_cast(user=user, framework=flask, value=Vote.UP)
    suspension = services.votes_suspend(users=users, curator=curator, reason="Ring")
    assert counts(flask) == (0, 0)

    assert services.suspension_lift(suspension=suspension, curator=curator) == 3

    assert counts(flask) == (3, 0)
    assert Suspension.objects.get().lifted_at is not None
    assert counter_drift() == []


# recount --check knows which votes count -------------------------------------------------------


def test_recount_check_finds_a_held_vote_in_the_counters_and_recount_repairs_it(flask):
    user = UserFactory()
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    Vote.objects.filter(user=user).update(counted=True)  # a held vote slipped into the count...
    type(flask).objects.filter(pk=flask.pk).update(upvotes=1)  # ...and the counter followed it

    drift = {(line.model, line.field) for line in counter_drift()}

    assert ("Vote", "counted") in drift
    recount_all()
    assert counts(flask) == (0, 0)
    assert counter_drift() == []


def test_recount_check_finds_a_suspended_account_still_counted(flask):
    user = UserFactory()
    age(user, 30)
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    suspension = Suspension.objects.create(reason="by hand")
    Standing.objects.filter(user=user).update(suspension=suspension)

    assert {(line.model, line.field) for line in counter_drift()} == {("Standing", "votes_count")}
    recount_all()
    assert counts(flask) == (0, 0)
    assert counter_drift() == []


# Concurrency ------------------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_releases_votes_and_reviews_at_once_keep_the_counters_exact():
    frameworks = [FrameworkFactory() for _ in range(4)]
    users = [UserFactory() for _ in range(6)]
    for user in users:
        for framework in frameworks:
            services.vote_cast(user=user, framework=framework, value=Vote.UP)
        age(user, 4)

    def work(user, n):
        # Each account votes (which releases its held votes, locking several frameworks) while
        # others write reviews and the periodic job runs.
        if n % 3 == 0:
            services.vote_cast(user=user, framework=frameworks[-1 - n % 4], value=Vote.DOWN)
        elif n % 3 == 1:
            write_review(user, frameworks[n % 4])
        else:
            services.votes_release_due()

    errors = run_together(work, [(user, n) for n, user in enumerate(users)])

    assert errors == []
    assert counter_drift() == []
    assert not Vote.objects.filter(counted=False).exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_new_accounts_vote_waits_for_no_framework_it_voted_on_before(flask):
    # A held account's vote moves no other vote, so it locks only the framework voted on: it
    # never queues behind a writer of every framework the account ever voted on.
    user = UserFactory()
    earlier = FrameworkFactory()
    services.vote_cast(user=user, framework=earlier, value=Vote.UP)
    locked, done = threading.Event(), threading.Event()

    def hold_earlier():
        with transaction.atomic():
            list(Framework.objects.select_for_update().filter(pk=earlier.pk))
            locked.set()
            done.wait(timeout=10)

    def vote_while_held():
        locked.wait(timeout=10)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            services.vote_cast(user=user, framework=flask, value=Vote.UP)
        finally:
            done.set()

    errors = run_together(lambda work: work(), [(hold_earlier,), (vote_while_held,)])

    assert errors == []
    assert Vote.objects.get(user=user, framework=flask).counted is False
    assert counter_drift() == []


# What the voter sees ----------------------------------------------------------------------------


def test_the_voter_sees_when_a_held_vote_will_count(client, flask):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/frameworks/flask/vote/",
        {"value": "up"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    day = (user.date_joined + timedelta(days=3)).astimezone(timezone.get_current_timezone())
    assert f"Counted from {day:%B} {day.day}" in response.text
    assert 'data-role="upvotes">0<' in response.text
    page = client.get("/frameworks/flask/", HTTP_ACCEPT_LANGUAGE="en").text
    assert f"Counted from {day:%B} {day.day}" in page


def test_a_suspended_voter_is_told_curators_hold_the_vote(client, flask):
    user = UserFactory()
    age(user, 30)
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    services.votes_suspend(users=[user], curator=CuratorFactory(), reason="Ring")
    client.force_login(user)

    page = client.get("/frameworks/flask/", HTTP_ACCEPT_LANGUAGE="en").text

    assert "Held out of the counts by curators." in page
    assert "Counted from" not in page


def test_a_counted_vote_shows_no_hold(client, flask):
    user = UserFactory()
    age(user, 30)
    services.vote_cast(user=user, framework=flask, value=Vote.UP)
    client.force_login(user)

    assert 'data-role="vote-held"' not in client.get("/frameworks/flask/").text


def test_the_public_moderation_log_counts_accounts_and_never_names_them(client, flask):
    users = [UserFactory(username=f"ringer{n}") for n in range(3)]
    services.votes_suspend(users=users, curator=CuratorFactory(), reason="Vote ring on Flask")

    html = client.get("/moderation/", HTTP_ACCEPT_LANGUAGE="en").text

    assert "votes held out: the votes of 3 accounts" in html
    assert "Vote ring on Flask" in html
    assert "ringer" not in html


def widget(html: str) -> str:
    """Flask's vote widget, without what differs from one rendering to the next (the masked CSRF
    token, the out-of-band swap)."""
    start = html.index('<div class="vote-widget" id="vote-flask"')
    end = html.index("</div>", html.index("</details>", start))  # the approval, then the votes
    found = re.sub(r' hx-swap-oob="[^"]*"', "", html[start:end])
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", found)


@pytest.mark.parametrize("standing", ["counted", "held", "suspended"])
def test_a_votes_htmx_answer_shows_what_the_page_shows_next(client, flask, standing):
    user = UserFactory()
    if standing != "held":
        age(user, 30)
    if standing == "suspended":
        services.votes_suspend(users=[user], curator=CuratorFactory(), reason="Ring")
    client.force_login(user)

    answer = client.post(
        "/frameworks/flask/vote/",
        {"value": "down", "next": "/frameworks/flask/"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = client.get("/frameworks/flask/", HTTP_ACCEPT_LANGUAGE="en").text
    assert widget(answer.text) == widget(page)
    assert ('data-role="vote-held"' in page) == (standing != "counted")
