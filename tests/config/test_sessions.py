"""Sessions read from this process's watched copy with Redis (config/sessions.py): no round trip
on a logged-in request while the session is unchanged, and a login, a logout or any change made
through another server shows on the next request here. Needs Redis (see test_watched_key.py)."""

import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

from config import cache as backends
from config import sessions
from tests.conftest import TEST_REDIS_URL

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def servers():
    """Two app servers' caches on one Redis: each its own process's watched copies."""
    prefix = f"test:sessions:{uuid.uuid4().hex}"
    made = [backends.RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": prefix}) for _ in range(2)]
    yield made
    made[0].clear()


def store(cache, key=None) -> sessions.SessionStore:
    session = sessions.SessionStore(key)
    session._cache = cache
    return session


def round_trips(cache, monkeypatch) -> list:
    """What this cache asks Redis from now on: its reads, and the commands of its watched copies."""
    cache.watched("warm-up")  # connect
    sent = []
    connection = cache._watched.connection
    real = connection.send_command
    monkeypatch.setattr(connection, "send_command", lambda *a, **k: sent.append(a) or real(*a))
    for read in ("get", "get_many"):
        real_read = getattr(cache, read)
        monkeypatch.setattr(cache, read, lambda *a, r=real_read, **k: sent.append(a) or r(*a, **k))
    return sent


def request_ends(cache) -> None:
    """The writer's request goes on after its write (one more round trip to Redis) before its
    visitor's next request can arrive anywhere: by then Redis has sent its invalidations, which it
    may send just after the write's own reply (as tests/config/test_watched_key.py's `written`)."""
    cache.get("another-round-trip")


def test_an_unchanged_session_is_read_from_redis_once(servers, monkeypatch):
    here, there = servers
    login = store(there)
    login["_auth_user_id"] = "7"
    login.create()
    assert store(here, login.session_key).load() == {"_auth_user_id": "7"}
    sent = round_trips(here, monkeypatch)

    for _ in range(5):
        assert store(here, login.session_key).load() == {"_auth_user_id": "7"}
    assert sent == []


def test_a_logout_through_another_server_shows_on_the_next_request(servers):
    here, there = servers
    login = store(there)
    login["_auth_user_id"] = "7"
    login.create()
    assert store(here, login.session_key)["_auth_user_id"] == "7"

    store(there, login.session_key).flush()  # logout: the session deleted
    request_ends(there)

    assert store(here, login.session_key).load() == {}
    assert not DatabaseStore().exists(login.session_key)


def test_a_change_through_another_server_shows_on_the_next_request(servers):
    here, there = servers
    login = store(there)
    login["_auth_user_id"] = "7"
    login.create()
    assert store(here, login.session_key).load() == {"_auth_user_id": "7"}

    changed = store(there, login.session_key)
    changed["_auth_user_hash"] = "new password"
    changed.save()
    request_ends(there)

    assert store(here, login.session_key).load() == {
        "_auth_user_id": "7",
        "_auth_user_hash": "new password",
    }


def test_a_session_missing_from_redis_comes_from_the_database(servers):
    here, there = servers
    login = store(there)
    login["_auth_user_id"] = "7"
    login.create()
    there.clear()  # Redis flushed or restarted

    assert store(here, login.session_key).load() == {"_auth_user_id": "7"}
    assert store(here, login.session_key).load() == {"_auth_user_id": "7"}
