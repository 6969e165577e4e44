"""The PostgreSQL health check (config/postgresql/base.py): no round trip while a persistent
connection is well; a connection the server closed is found out and replaced."""

import select
import time

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_site_runs_on_the_backend_with_the_cheap_check():
    assert connection.settings_dict["ENGINE"] == "config.postgresql"
    assert connection.vendor == "postgresql"


def test_a_well_connection_is_found_usable_without_asking_the_server(monkeypatch):
    connection.ensure_connection()
    asked = []
    real = connection.connection.cursor
    monkeypatch.setattr(connection.connection, "cursor", lambda *a, **k: asked.append(1) or real())

    assert connection.is_usable()
    assert asked == []


def test_a_connection_left_in_a_transaction_is_asked_as_django_does(monkeypatch):
    connection.ensure_connection()
    connection.connection.execute("BEGIN")
    asked = []
    real = connection.connection.cursor
    monkeypatch.setattr(connection.connection, "cursor", lambda *a, **k: asked.append(1) or real())

    assert connection.is_usable()
    assert asked == [1]
    connection.connection.execute("ROLLBACK")


def test_a_connection_the_server_closed_is_found_out_and_replaced():
    connection.ensure_connection()
    pid = connection.connection.execute("SELECT pg_backend_pid()").fetchone()[0]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5  # the server's goodbye reaches the socket
    while not select.select([connection.connection.fileno()], [], [], 0.05)[0]:
        assert time.monotonic() < deadline

    assert not connection.is_usable()

    connection.health_check_done = False
    connection.close_if_health_check_failed()  # what Django does before a request's first query
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
