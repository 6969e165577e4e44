"""Cache back-ends: Django's database cache with an atomic `incr`, so abuse limits counted in it
hold across processes and app servers when there is no Redis; Django's Redis cache with its
client made once per process."""

import os
import threading

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
        self._watched = {}

    def watched(self, key, version=None):
        """`key`'s value, kept in this process and read again only after it changed (see
        WatchedKey); None when it is not set or Redis cannot be read."""
        key = self.make_and_validate_key(key, version=version)
        watch = self._watched.get(key)
        if watch is None:
            watch = self._watched.setdefault(key, WatchedKey(self._servers[0], key))
        value = watch.get()
        return None if value is None else self._cache._serializer.loads(value)

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
        for watch in list(self._watched.values()):
            watch.forget()

    def _forget(self, key, version) -> None:
        if self._watched:
            watch = self._watched.get(self.make_and_validate_key(key, version=version))
            if watch is not None:
                watch.forget()


class WatchedKey:
    """One key's value, read from Redis once per process and again only after Redis says it
    changed (client-side caching: RESP3 with `CLIENT TRACKING ON`, on a connection of its own).

    Redis sends the invalidation to this connection while it executes the write, before the
    writer has its reply; so once the writer's request has answered, the next request here finds
    the message waiting on the socket (a `select` with no wait, no round trip) and reads the key
    afresh. Any doubt (a new process after fork, a broken or reconnected socket, an unexpected
    reply) drops what is held; `get()` returns None when Redis cannot be read, for the caller's
    ordinary path.
    """

    def __init__(self, url: str, key: str):
        self.url, self.key = url, key
        self.lock = threading.Lock()
        self.pid = None
        self.connection = None
        self.value = None  # bytes as stored, or None: unknown, read it

    def get(self) -> bytes | None:
        with self.lock:
            for _attempt in range(2):  # a connection found broken is replaced once
                try:
                    return self._read()
                except (redis.RedisError, OSError, ValueError):
                    self._drop()
            return None

    def _read(self) -> bytes | None:
        if self.pid != os.getpid() or self.connection is None:
            self._connect()
        while self.value is not None and self.connection.can_read(timeout=0):
            self.connection.read_response(push_request=True)  # an invalidation: stale
            self.value = None
        if self.value is None:
            self.connection.send_command("GET", self.key)
            self.value = self.connection.read_response(disable_decoding=True)
        return self.value

    def forget(self) -> None:
        """Read the key afresh next time (this process wrote it)."""
        with self.lock:
            self.value = None

    def _connect(self) -> None:
        self._drop()
        connection = redis.Connection(**redis.connection.parse_url(self.url), protocol=3)
        connection.register_connect_callback(self._tracking_on)
        connection.connect()
        self.connection, self.pid = connection, os.getpid()

    def _tracking_on(self, connection) -> None:
        """On every (re)connection: track what this connection reads; nothing read is known."""
        self.value = None
        connection.send_command("CLIENT", "TRACKING", "ON")
        if connection.read_response() not in (b"OK", "OK"):
            raise redis.ConnectionError("CLIENT TRACKING refused")

    def _drop(self) -> None:
        if self.connection is not None and self.pid == os.getpid():
            self.connection.disconnect()
        self.connection, self.value = None, None
