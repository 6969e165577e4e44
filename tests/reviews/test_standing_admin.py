"""Curators hold out and restore accounts' votes in the admin, with a public reason."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from reviews import services
from reviews.models import ModerationAction, Standing, Suspension, Vote
from tests.factories import CuratorFactory, UserFactory

pytestmark = pytest.mark.django_db

STANDINGS = "/admin/reviews/standing/"
HOLDS = "/admin/reviews/suspension/"


@pytest.fixture
def curator_client(client):
    client.force_login(CuratorFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def voters(flask):
    users = [UserFactory(username=f"voter{n}") for n in range(2)]
    get_user_model().objects.filter(pk__in=[u.pk for u in users]).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    for user in users:
        services.vote_cast(user=user, framework=flask, value=Vote.UP)
    return users


def act(client, url, name, pks, **extra):
    data = {"action": name, "_selected_action": list(pks), **extra}
    return client.post(url, data, follow=True)


def upvotes(flask):
    flask.refresh_from_db()
    return flask.upvotes


def test_curators_see_the_accounts_and_whether_their_votes_count(curator_client, voters):
    html = curator_client.get(STANDINGS).text

    assert "voter0" in html and "voter1" in html
    assert curator_client.get("/admin/reviews/votering/").status_code == 200


def test_holding_asks_for_a_public_reason_first(curator_client, voters, flask):
    response = act(curator_client, STANDINGS, "hold_votes", [u.pk for u in voters])

    assert "Hold out their votes" in response.text
    assert upvotes(flask) == 2
    response = act(curator_client, STANDINGS, "hold_votes", [voters[0].pk], apply="yes", reason=" ")
    assert "A public reason is required" in response.text
    assert not Suspension.objects.exists()


def test_holding_and_restoring_move_the_counts_and_write_the_public_log(
    curator_client, voters, flask
):
    pks = [u.pk for u in voters]

    act(curator_client, STANDINGS, "hold_votes", pks, apply="yes", reason="Bought votes")
    assert upvotes(flask) == 0
    assert Standing.objects.filter(suspension__isnull=False).count() == 2

    response = act(curator_client, STANDINGS, "restore_votes", [voters[0].pk])
    assert "The votes of 1 account are restored." in response.text
    assert upvotes(flask) == 1

    act(curator_client, HOLDS, "lift", list(Suspension.objects.values_list("pk", flat=True)))
    assert upvotes(flask) == 2
    log = list(ModerationAction.objects.order_by("pk").values_list("action", "account_count"))
    assert log == [("hold-votes", 2), ("restore-votes", 1), ("restore-votes", 1)]


def test_staff_outside_the_curators_group_cannot_hold_votes(client, voters, flask):
    client.force_login(UserFactory(is_staff=True))

    act(client, STANDINGS, "hold_votes", [voters[0].pk], apply="yes", reason="x")

    assert upvotes(flask) == 2


def test_vote_holds_are_read_only_and_only_curators_may_lift_them(client, voters, flask):
    services.votes_suspend(users=voters, curator=CuratorFactory(), reason="Ring")
    hold = Suspension.objects.get()
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename="view_suspension"))
    client.force_login(staff)

    act(client, HOLDS, "lift", [hold.pk])

    assert upvotes(flask) == 0
    client.force_login(CuratorFactory())
    page = client.get(f"{HOLDS}{hold.pk}/change/")
    assert 'name="reason"' not in page.text  # shown, never edited
    act(client, HOLDS, "lift", [hold.pk])
    assert upvotes(flask) == 2
