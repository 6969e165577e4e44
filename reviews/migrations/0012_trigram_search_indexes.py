"""Trigram indexes behind the admin's searches on PostgreSQL; nothing on other databases.

The admin searches with `icontains`, which PostgreSQL runs as `UPPER(column::text) LIKE '%…%'`:
GIN trigram indexes on exactly those expressions let it find the rows without reading them all.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "review_title_trgm": ("reviews_review", "title"),
    "review_body_trgm": ("reviews_review", "body"),
    "user_username_trgm": ("auth_user", "username"),
}


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on databases other than PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reviews", "0011_indexes_for_every_sort"),
    ]

    operations = [
        TrigramExtension(),
        *(
            PostgresOnlySQL(
                f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}"::text) '
                "gin_trgm_ops)",
                f"DROP INDEX IF EXISTS {name}",
            )
            for name, (table, column) in INDEXES.items()
        ),
    ]
