"""The logged-in user from the shared cache (config/auth.py): no user query on every request,
and every change to the account shows on the next one."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config.auth import CachedModelBackend, user_key
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the cache is written once the change commits
    pytest.mark.usefixtures("page_cache_on"),
]


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def user_queries(client, path="/about/ranking/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return sum('FROM "auth_user"' in query["sql"] for query in captured)


def shown_name(client) -> str | None:
    """The name the account menu shows; None when it offers to log in."""
    menu = re.search(r'<div class="account-menu">(.*?)</div>', client.get("/").text, re.S)[1]
    found = re.search(r'<a href="[^"]+">([^<]+)</a>', menu)
    return None if "Log in" in menu else found[1]


def test_the_user_is_read_from_the_database_once(flask):
    client = logged_in(UserFactory(username="alice"))
    cache.clear()  # logging in stored the row already

    assert user_queries(client) == 1
    assert [user_queries(client) for _ in range(3)] == [0, 0, 0]
    assert shown_name(client) == "alice"


def test_without_the_page_cache_the_user_is_read_every_time(flask, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = logged_in(UserFactory())

    assert [user_queries(client) for _ in range(3)] == [1, 1, 1]


def test_a_new_name_shows_on_the_next_request(flask):
    alice = UserFactory(username="alice")
    client = logged_in(alice)
    assert shown_name(client) == "alice"

    alice.username = "alicia"
    alice.save()

    assert shown_name(client) == "alicia"


def test_a_changed_password_logs_the_other_sessions_out_at_once(flask):
    alice = UserFactory(username="alice")
    client = logged_in(alice)
    assert shown_name(client) == "alice"

    alice.set_password("a whole new secret")
    alice.save()

    assert shown_name(client) is None  # the session's hash no longer matches: logged out
    assert "Log in" in client.get("/").text


def test_a_deactivated_or_deleted_account_is_logged_out_at_once(flask):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    as_alice, as_bob = logged_in(alice), logged_in(bob)
    assert shown_name(as_alice) == "alice" and shown_name(as_bob) == "bob"

    alice.is_active = False
    alice.save()
    bob.delete()

    assert shown_name(as_alice) is None
    assert shown_name(as_bob) is None
    assert CachedModelBackend().get_user(alice.pk) is None


def test_a_read_from_before_a_change_never_overwrites_it():
    """A request that read the row before a change and fills the cache after it has committed
    finds the key taken (`add`), so the change stays."""
    alice = UserFactory(username="alice")
    stale = get_user_model().objects.get(pk=alice.pk)  # read before the change
    alice.username = "alicia"
    alice.save()  # committed: the cache holds the new row

    assert cache.add(user_key(alice.pk), stale, 600) is False
    assert CachedModelBackend().get_user(alice.pk).username == "alicia"
