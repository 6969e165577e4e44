"""Cache backends: Django's database cache with an atomic `incr`, so abuse limits counted in it
hold across processes and app servers when there is no Redis; and Django's Redis cache without
its per-call cost."""

from django.core.cache.backends import redis
from django.core.cache.backends.db import DatabaseCache as BaseDatabaseCache
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


class RedisCacheClient(redis.RedisCacheClient):
    """One redis-py client per connection pool, made once: Django makes a new one for every
    cache call, and each copies redis-py's table of reply callbacks (as much CPU as the call
    itself). A client is safe to share between threads; its pool holds the connections."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    """Django's Redis cache with RedisCacheClient."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
