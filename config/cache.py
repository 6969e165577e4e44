"""Cache back-ends: Django's database cache with an atomic `incr`, so abuse limits counted in it
hold across processes and app servers when there is no Redis; Django's Redis cache with its
client made once per process."""

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
