import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The index Django made for the foreign key (its name is the same on every database). Dropped
# alone: altering the field would also drop and add back the foreign key, which checks every vote
# (a million and more) while holding off writes to the table.
USER_INDEX = "reviews_vote_user_id_5fb87b53"


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0017_fill_star_counters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="vote",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="framework_votes",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{USER_INDEX}"',
                    f'CREATE INDEX "{USER_INDEX}" ON "reviews_vote" ("user_id")',
                ),
            ],
        ),
    ]
