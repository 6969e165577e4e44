"""Sessions as Django's cached_db keeps them, read from this process's watched copy with Redis.

Every logged-in request reads its session before anything else (who is logged in). With Redis,
`config.cache.WatchedKeys` keeps the sessions read in this process and reads one again only after
Redis says it changed: a login (the key cycled), a logout (deleted), a password change (the hash
in the session rewritten) or a message stored in it shows on the next request on every server,
as the user's row does (config/auth.py). Without Redis, `kept_get` is the cache's own `get`.

A session that expires in Redis is dropped from the copies once Redis expires the key (it tells
the watchers then), within moments of its expiry date; logging out deletes it at once.
"""

from django.contrib.sessions.backends import cached_db

from config.cache import kept_get


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = kept_get(self._cache, self.cache_key)
        except Exception:  # as cached_db: a key the cache refuses is no session
            data = None
        if data is not None:
            return data
        return super().load()  # from the database, put back in the cache
