"""The site's gunicorn worker (config/gunicorn_worker.py), started as the README deploys it: its
answers go out whole, and a client that keeps its connection open after its answer does not keep
the worker from the next one."""

import os
import runpy
import signal
import socket
import time

import pytest
from gunicorn.workers import sync

from config.gunicorn_worker import SyncWorker
from tests.deploy.harness import BASE_DIR, free_port, gunicorn


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the site's config and one worker: a connection that held the worker would
    hold every client."""
    directory = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    options = ("--config", "config/gunicorn.conf.py", "--workers", "1")
    process = gunicorn(env, port, "config.wsgi", *options)
    yield port
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def read_answer(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes its side."""
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    return answer


def body_of(answer: bytes) -> tuple[dict, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (h.partition(":") for h in lines)}
    return headers, body


GET = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def test_the_worker_serves_the_next_client_while_the_last_keeps_its_connection_open(server):
    """gunicorn's own sync worker waits, after each answer, for the client to close (up to 2 s):
    a client that reads its answer and keeps the connection open holds the only worker."""
    with socket.create_connection(("127.0.0.1", server), timeout=10) as first:
        first.sendall(GET)
        assert b" 200 OK" in read_answer(first)  # answered; the connection stays open
        with socket.create_connection(("127.0.0.1", server), timeout=10) as second:
            second.settimeout(1.5)  # under the 2 s the worker would wait for the first client
            second.sendall(GET)
            try:
                answer = read_answer(second)
            except TimeoutError:
                pytest.fail("the worker waited for the first client to close")
    assert b" 200 OK" in answer


def test_an_answer_sent_before_its_request_body_was_read_arrives_whole(server):
    """A body the view leaves unread (here, not a form) may still be arriving after the answer:
    the worker then drains it before closing, so no reset cuts the answer short."""
    length = 2_000_000
    head = (
        f"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server), timeout=10) as client:
        client.sendall(head + b"x" * 1000)
        time.sleep(0.5)  # the worker answers meanwhile, leaving the body unread
        client.sendall(b"x" * 30_000)  # more of the body, after the answer
        time.sleep(0.2)
        # A socket closed with this arriving answers it with a reset, which can cut the answer
        # short where it has not been read yet (Linux keeps it; other systems and networks may
        # not): the worker must still be reading.
        reset = client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        answer = read_answer(client)
    assert reset == 0
    headers, body = body_of(answer)
    assert answer.startswith(b"HTTP/1.1 ")
    assert len(body) == int(headers["content-length"]) > 0


def test_the_site_runs_this_worker():
    settings = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))
    assert settings["worker_class"] == "config.gunicorn_worker.SyncWorker"
    assert issubclass(SyncWorker, sync.SyncWorker)
