from django.db import migrations

from reviews.curators import ensure_curators_group


def forwards(apps, schema_editor):
    ensure_curators_group(apps)


class Migration(migrations.Migration):
    """Curators edit the catalog's own tags (catalog.Tag replaced taggit's Tag)."""

    dependencies = [
        ("reviews", "0005_report_one_open_per_user"),
        ("catalog", "0003_bilingual_catalog_curated_facts"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
