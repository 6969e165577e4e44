"""Django's PostgreSQL backend with a health check that needs no round trip while all is well.

With CONN_HEALTH_CHECKS, Django asks `SELECT 1` on a persistent connection before each request
uses it: a round trip to the database for every page and every vote. Yet a connection that the
server closed (a restart, `pg_terminate_backend`, an idle timeout) says so on its socket: the
server sends its FATAL message and closes, and the socket reads as ready. So a connection that
is open and idle, with nothing waiting on its socket, is used at once; anything else (waiting
data, a transaction left open, a socket that cannot be polled) gets Django's own `SELECT 1`.
"""

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg.pq import TransactionStatus


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if (
            connection is not None
            and not connection.closed
            and connection.info.transaction_status == TransactionStatus.IDLE
        ):
            try:
                waiting, _, _ = select.select([connection.fileno()], [], [], 0)
            except (OSError, ValueError):
                waiting = True
            if not waiting:
                return True
        return super().is_usable()
