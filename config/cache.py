"""Cache back-ends: Django's database cache with an atomic `incr`, so abuse limits counted in it
hold across processes and app servers when there is no Redis; Django's Redis cache with its
client made once per process."""

import functools
import os
import threading
from collections import OrderedDict

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as BaseDatabaseCache
from django.core.cache.backends.redis import RedisCache as BaseRedisCache
from django.core.cache.backends.redis import RedisCacheClient as BaseRedisCacheClient
from django.db import connections, router, transaction


class DatabaseCache(BaseDatabaseCache):
    def incr(self, key, delta=1, version=None):
        """Add `delta` to a number, with the row locked so that no other process loses a count.

        Django's own `incr` reads and writes separately: two workers counting at once would both
        write the same number. On PostgreSQL the row is locked with SELECT ... FOR UPDATE; SQLite
        (in IMMEDIATE mode) holds the database's write lock for the whole transaction.
        """
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                checked = self.make_and_validate_key(key, version=version)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                        [checked],
                    )
            return super().incr(key, delta, version)


class RedisCacheClient(BaseRedisCacheClient):
    """Django's Redis client, with one `redis.Redis` per connection pool for the process.

    Django builds a new `redis.Redis` for every cache call, and its set-up (some 170 response
    callbacks) cost more than the GET itself: a third of a page served from the cache.
    `redis.Redis` is safe to share between threads: each command takes its own connection from
    the pool.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(BaseRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._watched = None  # WatchedKeys, made on first use
        # make_and_validate_key() walks a key a character at a time (memcached's limits, 4 µs
        # for a session's key): the keys that every request reads are made once per process.
        self._made_key = functools.lru_cache(maxsize=10_000)(self.make_and_validate_key)

    def _watch(self) -> "WatchedKeys":
        if self._watched is None:
            self._watched = WatchedKeys(self._servers[0])
        return self._watched

    def watched(self, key, version=None):
        """`key`'s value, kept in this process and read again only after it changed (see
        WatchedKeys); None when it is not set. Raises `Unreadable` when Redis cannot be read."""
        value = self._watch().get(self._made_key(key, version))
        return None if value is None else self._cache._serializer.loads(value)

    def set_forever(self, key, value, version=None) -> None:
        """set(key, value, None) as one command on this process's watched connection (no pool,
        no retry wrapper: a third of the CPU of set()); through set() when that connection
        fails. The page version's bump, on every vote, goes this way."""
        checked = self.make_and_validate_key(key, version=version)
        try:
            self._watch().set(checked, self._cache._serializer.dumps(value))
        except Unreadable:
            self.set(key, value, None, version=version)

    # A write from this process drops its own watched copy at once: Redis's invalidation message
    # may reach the watching socket a moment after the writer has its reply.
    def set(self, key, *args, version=None, **kwargs):
        super().set(key, *args, version=version, **kwargs)
        self._forget(key, version)

    def add(self, key, *args, version=None, **kwargs):
        added = super().add(key, *args, version=version, **kwargs)
        self._forget(key, version)
        return added

    def delete(self, key, version=None):
        deleted = super().delete(key, version=version)
        self._forget(key, version)
        return deleted

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version=version)
        self._forget(key, version)
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = super().set_many(data, timeout, version=version)
        for key in data:
            self._forget(key, version)
        return failed

    def delete_many(self, keys, version=None):
        super().delete_many(keys, version=version)
        for key in keys:
            self._forget(key, version)

    def clear(self):
        super().clear()
        if self._watched is not None:
            self._watched.forget_all()

    def _forget(self, key, version) -> None:
        if self._watched is not None:
            self._watched.forget(self._made_key(key, version))


class WatchedKeys:
    """Keys' values read from Redis once per process and again only after Redis says they changed
    (client-side caching: RESP3 with `CLIENT TRACKING ON`, on a connection of its own): the page
    version, and the rows of the users who visit (config/auth.py).

    Redis queues the invalidation for this connection while it executes the write and sends it in
    the same pass of its event loop as the writer's reply (at times a few microseconds after that
    reply); so once the writer's request has answered and its visitor's next request arrives, the
    message is waiting on the socket (a `select` with no wait, no round trip) and the key is read
    afresh. Any doubt (a new process after fork, a broken or reconnected socket, a flush) drops
    everything held; `get()` raises `Unreadable` when Redis cannot be read, for the caller's
    ordinary path. At most `limit` keys are held, the least recently read out first.
    """

    def __init__(self, url: str, limit: int = 10_000):
        self.url, self.limit = url, limit
        self.lock = threading.Lock()
        self.pid = None
        self.connection = None
        self.values: OrderedDict[str, bytes | None] = OrderedDict()  # as stored; None: not set

    def get(self, key: str) -> bytes | None:
        return self._on_connection(self._read, key)

    def set(self, key: str, value) -> None:
        """SET without expiry on the watched connection; raises `Unreadable` when Redis cannot be
        written. The key is read afresh next time."""
        self._on_connection(self._write, key, value)

    def _on_connection(self, action, key: str, *args):
        """`action(key, *args)` on the connection, made when this process has none; one broken
        connection is replaced and the action done again; `Unreadable` when Redis cannot be
        reached."""
        with self.lock:
            for _attempt in range(2):
                try:
                    if self.pid != os.getpid() or self.connection is None:
                        self._connect()
                    return action(key, *args)
                except (redis.RedisError, OSError, ValueError):
                    self._drop()
            raise Unreadable(key)

    def _read(self, key: str) -> bytes | None:
        while self.values and self.connection.can_read(timeout=0):
            self.connection.read_response(push_request=True)  # calls _invalidated
        try:
            value = self.values[key]
        except KeyError:
            self.connection.send_command("GET", key)
            value = self.values[key] = self.connection.read_response(disable_decoding=True)
            if len(self.values) > self.limit:
                self.values.popitem(last=False)
        else:
            self.values.move_to_end(key)
        return value

    def _write(self, key: str, value) -> None:
        self.connection.send_command("SET", key, value)
        reply = self.connection.read_response()  # invalidations before it: handled
        self.values.pop(key, None)
        if reply not in (b"OK", "OK"):
            raise redis.ResponseError(f"SET answered {reply!r}")

    def forget(self, key: str) -> None:
        """Read the key afresh next time (this process wrote it)."""
        with self.lock:
            self.values.pop(key, None)

    def forget_all(self) -> None:
        with self.lock:
            self.values.clear()

    def _invalidated(self, message) -> None:
        """Redis's invalidation: [b"invalidate", [keys]], or no keys when it flushed them all."""
        keys = message[1] if len(message) > 1 else None
        if keys is None:
            self.values.clear()
            return
        for key in keys:
            self.values.pop(key.decode() if isinstance(key, bytes) else key, None)

    def _connect(self) -> None:
        self._drop()
        connection = redis.Connection(**redis.connection.parse_url(self.url), protocol=3)
        connection.register_connect_callback(self._tracking_on)
        connection.connect()
        self.connection, self.pid = connection, os.getpid()

    def _tracking_on(self, connection) -> None:
        """On every (re)connection: track what this connection reads; nothing read is known."""
        self.values.clear()
        connection._parser.set_invalidation_push_handler(self._invalidated)  # as redis-py does
        connection.send_command("CLIENT", "TRACKING", "ON")
        if connection.read_response() not in (b"OK", "OK"):
            raise redis.ConnectionError("CLIENT TRACKING refused")

    def _drop(self) -> None:
        if self.connection is not None and self.pid == os.getpid():
            self.connection.disconnect()
        self.connection = None
        self.values.clear()


class Unreadable(Exception):
    """Redis could not be read: use the cache's ordinary path."""


def kept_set(cache, key, value) -> None:
    """`cache.set(key, value, None)`, on this process's watched connection when the cache is Redis
    (RedisCache.set_forever); through the cache itself otherwise."""
    set_forever = getattr(cache, "set_forever", None)
    if set_forever is not None:
        set_forever(key, value)
    else:
        cache.set(key, value, None)


def kept_get(cache, key):
    """`cache.get(key)`, from this process's watched copy when the cache is Redis (RedisCache.
    watched); from the cache itself otherwise, or when Redis cannot be watched."""
    watched = getattr(cache, "watched", None)
    if watched is not None:
        try:
            return watched(key)
        except Unreadable:
            pass
    return cache.get(key)
