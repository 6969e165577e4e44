"""gunicorn's sync worker, closing a finished connection at once when nothing is left to read.

Each sync worker answers one connection at a time and closes it after the answer. Since 2026
(benoitc/gunicorn#3590) gunicorn closes every connection gracefully: it sends its FIN, then waits
(up to 2 s) for the client's, reading and dropping whatever the client still sends. That protects
an answer sent while part of the request is still unread: closing a socket with data waiting in
it makes the kernel send a reset, which can make the client drop the answer it has not read yet.

The wait is for the client (the TLS proxy, or wrk) to be scheduled, read the answer and close. A
client that never closes holds the worker, and with it everyone queued behind, for the full 2 s.

When the request was read to its end (Django reads a form's body whole) and nothing more waits in
the socket, no reset can come of closing: this worker then closes at once. Otherwise (a body the
view left unread, a chunked body, bytes after the request) gunicorn's graceful close runs as
before.
"""

import contextlib
import socket

from gunicorn.http.body import LengthReader
from gunicorn.workers import sync


class SyncWorker(sync.SyncWorker):
    def handle_request(self, listener, req, client, addr):
        super().handle_request(listener, req, client, addr)
        if read_whole(req) and nothing_waiting(client):
            # The read side shut too: gunicorn's graceful close then finds the end at once and
            # closes without waiting for the client.
            with contextlib.suppress(OSError):  # the client is gone already
                client.shutdown(socket.SHUT_RDWR)


def read_whole(req) -> bool:
    """Whether the request's body (none for most requests) has been read to its end."""
    reader = getattr(req.body, "reader", None)
    return isinstance(reader, LengthReader) and reader.length == 0


def nothing_waiting(client) -> bool:
    """Whether no byte from the client waits unread in the socket."""
    try:
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""  # closed already
    except BlockingIOError:
        return True
    except OSError:
        return False
