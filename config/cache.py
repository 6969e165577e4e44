"""Django's database cache with an atomic `incr`, so abuse limits counted in it hold across
processes and app servers when there is no Redis."""

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
