"""config.cache.WatchedKeys: keys (the page version, users' rows) read from Redis once per process
and again only after Redis says they changed (RESP3 client tracking). Needs Redis at
TEST_REDIS_URL, by default redis://127.0.0.1:6379/9 (CI starts Redis; without it these tests are
deselected, as the PostgreSQL-only ones are on SQLite)."""

import uuid

import pytest
import redis

from config import cache as backends
from tests.conftest import TEST_REDIS_URL

pytestmark = pytest.mark.redis


@pytest.fixture
def key():
    return f"test:watched:{uuid.uuid4().hex}"


@pytest.fixture
def other():
    """Another client: another app server writing."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    yield client
    client.close()


def sent(watch, monkeypatch) -> list:
    """The commands the watch sends from now on."""
    commands = []
    real = watch.connection.send_command
    monkeypatch.setattr(
        watch.connection, "send_command", lambda *args, **kw: commands.append(args) or real(*args)
    )
    return commands


def written(other, key, value):
    """A write by another server, and a round trip after it, as the writer's request goes on
    before its visitor's next request can arrive anywhere."""
    other.set(key, value)
    other.ping()


def test_the_value_is_read_once_then_kept_while_nothing_changes(key, other, monkeypatch):
    other.set(key, b"1")
    watch = backends.WatchedKeys(TEST_REDIS_URL)
    assert watch.get(key) == b"1"
    commands = sent(watch, monkeypatch)

    assert [watch.get(key) for _ in range(5)] == [b"1"] * 5
    assert commands == []


def test_a_change_by_another_server_is_read_on_the_next_get(key, other, monkeypatch):
    other.set(key, b"1")
    watch = backends.WatchedKeys(TEST_REDIS_URL)
    assert watch.get(key) == b"1"
    commands = sent(watch, monkeypatch)

    for value in (b"2", b"3"):
        written(other, key, value)
        assert watch.get(key) == value
    assert commands == [("GET", key), ("GET", key)]
    other.delete(key)
    other.ping()
    assert watch.get(key) is None


def test_a_broken_connection_is_replaced_and_the_value_read_again(key, other):
    other.set(key, b"1")
    watch = backends.WatchedKeys(TEST_REDIS_URL)
    assert watch.get(key) == b"1"
    watch.connection.send_command("CLIENT", "ID")
    client_id = watch.connection.read_response()

    other.execute_command("CLIENT", "KILL", "ID", client_id)  # Redis restarted, say
    written(other, key, b"2")  # no message reaches the dead connection

    assert watch.get(key) == b"2"
    assert watch.get(key) == b"2"


def test_a_forked_process_opens_its_own_connection(key, other, monkeypatch):
    other.set(key, b"1")
    watch = backends.WatchedKeys(TEST_REDIS_URL)
    assert watch.get(key) == b"1"
    parents = watch.connection

    monkeypatch.setattr(backends.os, "getpid", lambda: -1)  # a gunicorn worker, after fork
    assert watch.get(key) == b"1"
    assert watch.connection is not parents


def test_without_redis_it_answers_none_for_the_ordinary_path(key):
    watch = backends.WatchedKeys("redis://127.0.0.1:1/0")  # nothing listens there
    with pytest.raises(backends.Unreadable):
        watch.get(key)
    cache = backends.RedisCache("redis://127.0.0.1:1/0", {})
    with pytest.raises(redis.ConnectionError):
        backends.kept_get(cache, key)  # the ordinary path: Django's own error, as without it


def test_the_cache_forgets_its_own_copy_when_this_process_writes(key):
    cache = backends.RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": key})
    cache.set("version", 1, None)
    assert cache.watched("version") == 1

    for value in (2, 3):
        cache.set("version", value, None)  # no waiting: read back at once
        assert cache.watched("version") == value
    cache.delete("version")
    assert cache.watched("version") is None
    cache.add("version", 4, None)
    assert cache.watched("version") == 4
    cache.set_many({"version": 5, "other": 1}, None)
    assert cache.watched("version") == 5
    cache.delete_many(["version", "other"])
    assert cache.watched("version") is None


def test_many_keys_on_one_connection_each_dropped_alone(key, other, monkeypatch):
    first, second = f"{key}:a", f"{key}:b"
    other.mset({first: b"1", second: b"1"})
    watch = backends.WatchedKeys(TEST_REDIS_URL)
    assert (watch.get(first), watch.get(second), watch.get(f"{key}:unset")) == (b"1", b"1", None)
    commands = sent(watch, monkeypatch)

    written(other, first, b"2")
    assert (watch.get(first), watch.get(second)) == (b"2", b"1")
    written(other, f"{key}:unset", b"now")
    assert watch.get(f"{key}:unset") == b"now"
    assert commands == [("GET", first), ("GET", f"{key}:unset")]


def test_at_most_limit_keys_are_kept(key, other):
    watch = backends.WatchedKeys(TEST_REDIS_URL, limit=2)
    for name in "abc":
        watch.get(f"{key}:{name}")
    assert list(watch.values) == [f"{key}:b", f"{key}:c"]


def test_a_value_set_forever_on_the_watched_connection_is_what_every_server_reads(key, other):
    """RedisCache.set_forever (the page version's bump): the value as cache.set(…, None) stores
    it, no expiry, this process's copy forgotten at once, another server's on its next read."""
    cache = backends.RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": key})
    elsewhere = backends.RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": key})  # another app server
    cache.set("version", 1, None)
    assert (cache.watched("version"), elsewhere.watched("version")) == (1, 1)
    stored = cache.make_and_validate_key("version")

    cache.set_forever("version", 2)
    other.ping()  # the writer's request goes on before its visitor's next one arrives

    assert (cache.watched("version"), elsewhere.watched("version")) == (2, 2)
    assert cache.get("version") == 2
    assert other.ttl(stored) == -1  # kept until changed
    cache.set_forever("version", {"not": "a number"})  # pickled, as set() stores it
    assert cache.get("version") == {"not": "a number"}


def test_set_forever_replaces_a_broken_connection_or_uses_the_ordinary_set(key, other):
    cache = backends.RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": key})
    cache.set_forever("version", 1)
    cache._watched.connection.send_command("CLIENT", "ID")
    other.execute_command("CLIENT", "KILL", "ID", cache._watched.connection.read_response())

    cache.set_forever("version", 2)  # on a new connection
    assert cache.get("version") == 2

    cache._watched.url = "redis://127.0.0.1:1/0"  # that connection cannot be made again
    cache._watched._drop()
    cache.set_forever("version", 3)  # through set(), its own connection pool
    assert cache.get("version") == 3


def test_kept_set_without_redis_is_the_cache_s_own_set(key):
    from django.core.cache.backends.locmem import LocMemCache

    cache = LocMemCache(key, {})
    backends.kept_set(cache, "version", 7)
    assert cache.get("version") == 7
    assert cache._expire_info[cache.make_and_validate_key("version")] is None
