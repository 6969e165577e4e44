import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from catalog.management.commands.backup import run_postgres_tool


class Command(BaseCommand):
    help = (
        "Load a backup written by `backup` into the configured database, which must be new and "
        "empty (nothing is overwritten). Then run `migrate` and `recount --check`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup written by `manage.py backup`")

    def handle(self, *args, file, **options):
        if not Path(file).is_file():
            raise CommandError(f"No backup at {file}.")
        if connection.introspection.table_names():
            raise CommandError(
                "The database is not empty: restore only into a new, empty database, then point "
                "DATABASE_URL at it."
            )
        if connection.vendor == "postgresql":
            run_postgres_tool(
                [
                    "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                    "--single-transaction", f"--dbname={connection.settings_dict['NAME']}", file,
                ]
            )  # fmt: skip
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
            try:
                source.backup(connection.connection)
            except sqlite3.DatabaseError as error:
                raise CommandError(f"{file} is not a SQLite backup: {error}") from error
            finally:
                source.close()
        else:
            raise CommandError(f"No restore for the {connection.vendor} database.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {file}. Next: manage.py migrate; manage.py recount --check"
            )
        )
