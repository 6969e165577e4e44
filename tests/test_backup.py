"""Backup and restore: a populated database comes back whole into an empty one, counters true."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from catalog.models import Framework
from reviews import services
from tests.factories import CountedReviewFactory, CuratorFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent

SNAPSHOT = """
import django, json
django.setup()
from tests.test_backup import snapshot
print(json.dumps(snapshot()))
"""


def snapshot() -> dict:
    """Every row of every table, in primary-key order, as JSON-ready lists."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        rows = model._default_manager.order_by("pk").values_list()
        tables[model._meta.db_table] = [list(row) for row in rows]
    return json.loads(json.dumps(tables, default=str))


def populate() -> None:
    call_command("load_seed", stdout=open(os.devnull, "w"))  # noqa: SIM115
    frameworks = list(Framework.objects.order_by("seed_rank")[:6])
    curator = CuratorFactory()
    users = [UserFactory() for _ in range(5)]
    for number, user in enumerate(users):
        for framework in frameworks[: number + 2]:
            services.vote_cast(user=user, framework=framework, value=1 if number % 3 else -1)
        review = CountedReviewFactory(
            user=user, framework=frameworks[number], rating=number % 5 + 1, title=f"Review {number}"
        )
        services.helpful_toggle(user=users[number - 1], review=review)
        services.report_create(user=users[number - 2], review=review, reason="spam")
    services.review_hide(review=review, curator=curator, reason="spam")
    frameworks[0].tags.add("restored-tag")


def database_url(name: str) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{credentials}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"


def manage(*arguments, url):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, *arguments], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


@pytest.fixture
def empty_database(tmp_path, transactional_db):
    """The URL of a new, empty database of the same kind as the test database; dropped after."""
    if connection.vendor == "sqlite":
        yield database_url(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_row_and_counter_into_an_empty_database(tmp_path, empty_database):
    populate()
    before = snapshot()
    backup = tmp_path / "pywebrank.backup"

    call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    restored = manage("manage.py", "restore", str(backup), url=empty_database)
    assert restored.returncode == 0, restored.stderr
    checked = manage("manage.py", "recount", "--check", url=empty_database)
    after = manage("-c", SNAPSHOT, url=empty_database)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "All counters match the rows." in checked.stdout
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == before
    assert sum(len(rows) for rows in before.values()) > 200
    assert any(row for row in before["reviews_review"])
    assert Framework.objects.filter(upvotes__gt=0).exists()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, empty_database):
    backup = tmp_path / "pywebrank.backup"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert manage("manage.py", "restore", str(backup), url=empty_database).returncode == 0

    again = manage("manage.py", "restore", str(backup), url=empty_database)

    assert again.returncode != 0
    assert "The database is not empty" in again.stderr


def test_restore_refuses_a_missing_file(tmp_path, empty_database):
    result = manage("manage.py", "restore", str(tmp_path / "nothing"), url=empty_database)
    assert result.returncode != 0
    assert "No backup at" in result.stderr
