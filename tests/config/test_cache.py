"""config.cache.RedisCache: Django's Redis cache, its redis-py client made once, not per call."""

from config.cache import RedisCache


def test_the_redis_cache_makes_its_client_once_and_reuses_it():
    cache = RedisCache("redis://127.0.0.1:6379/9", {"KEY_PREFIX": "test"})

    clients = [cache._cache.get_client(key, write=write) for key in "ab" for write in (0, 1)]

    assert all(client is clients[0] for client in clients)


def test_a_read_replica_gets_its_own_client():
    cache = RedisCache("redis://127.0.0.1:6379/9,redis://127.0.0.1:6380/9", {})

    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client(write=False)

    assert writer is cache._cache.get_client(write=True)
    assert reader is not writer
    assert reader.connection_pool.connection_kwargs["port"] == 6380
