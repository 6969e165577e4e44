import os
import sqlite3
import subprocess

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def postgres_environment(database: dict) -> dict:
    """libpq's variables for the configured database, so no password shows in a process list."""
    env = dict(os.environ)
    values = {
        "PGDATABASE": database["NAME"],
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def run_postgres_tool(arguments: list[str]) -> None:
    """Run pg_dump or pg_restore on the configured database; its errors become ours."""
    try:
        result = subprocess.run(
            arguments,
            env=postgres_environment(connection.settings_dict),
            capture_output=True,
            text=True,
        )
    except FileNotFoundError as error:
        raise CommandError(f"{arguments[0]} is not installed (PostgreSQL client tools).") from error
    if result.returncode != 0:
        raise CommandError(f"{arguments[0]} failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the whole database to FILE while the site runs: pg_dump's "
        "custom format for PostgreSQL, SQLite's online backup for SQLite. Restore with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup")

    def handle(self, *args, file, **options):
        if connection.vendor == "postgresql":
            run_postgres_tool(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={file}"]
            )
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            raise CommandError(f"No backup for the {connection.vendor} database.")
        self.stdout.write(self.style.SUCCESS(f"Backed up the database to {file}."))
