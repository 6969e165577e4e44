from django.db import migrations

from reviews.curators import ensure_curators_group


def forwards(apps, schema_editor):
    ensure_curators_group(apps)


class Migration(migrations.Migration):
    """Curators may see login lock-outs (django-axes) and lift them by deleting the attempts."""

    dependencies = [
        ("reviews", "0009_vote_ring_page"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
