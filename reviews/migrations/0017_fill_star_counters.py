"""Frameworks get their reviews per star (catalog 0007) from their published reviews: one grouped
query, then the frameworks with reviews updated in batches."""

from django.db import migrations
from django.db.models import Count, Q

STARS = range(1, 6)


def fill(apps, schema_editor):
    Framework = apps.get_model("catalog", "Framework")
    Review = apps.get_model("reviews", "Review")
    rows = (
        Review.objects.filter(status="published")
        .order_by()
        .values("framework")
        .annotate(**{f"stars_{n}": Count("pk", filter=Q(rating=n)) for n in STARS})
    )
    frameworks = [Framework(pk=row.pop("framework"), **row) for row in rows]
    Framework.objects.bulk_update(frameworks, [f"stars_{n}" for n in STARS], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0016_review_switched_from_index"),
        ("catalog", "0007_framework_star_counters"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
