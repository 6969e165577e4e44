"""Existing accounts keep their votes counted (a standing for each, in good standing); votes get
their time-window flags, and frameworks their window counters, from when each vote was cast."""

import math
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

TREND_DAYS = 7
RECENT_DAYS = 365
Z = 1.96


def wilson_lower_bound(up, down):
    # Frozen copy of catalog.ranking.wilson_lower_bound: migrations must not import live code.
    n = up + down
    if n <= 0 or up <= 0:
        return 0.0
    p = up / n
    centre = p + Z * Z / (2 * n)
    margin = Z * math.sqrt((p * (1 - p) + Z * Z / (4 * n)) / n)
    return (centre - margin) / (1 + Z * Z / n)


def fill(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Standing = apps.get_model("reviews", "Standing")
    Vote = apps.get_model("reviews", "Vote")
    Framework = apps.get_model("catalog", "Framework")
    Standing.objects.bulk_create(
        [
            Standing(user_id=pk, votes_count=True)
            for pk in User.objects.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    now = timezone.now()
    Vote.objects.update(counted=True)
    Vote.objects.filter(updated_at__gte=now - timedelta(days=TREND_DAYS)).update(in_week=True)
    Vote.objects.filter(updated_at__gte=now - timedelta(days=RECENT_DAYS)).update(in_year=True)
    for framework in Framework.objects.all():
        votes = Vote.objects.filter(framework=framework, counted=True)
        framework.trend = sum(votes.filter(in_week=True).values_list("value", flat=True))
        framework.recent_upvotes = votes.filter(in_year=True, value=1).count()
        framework.recent_downvotes = votes.filter(in_year=True, value=-1).count()
        framework.recent_score = wilson_lower_bound(
            framework.recent_upvotes, framework.recent_downvotes
        )
        framework.save(
            update_fields=["trend", "recent_upvotes", "recent_downvotes", "recent_score"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_windows_and_standing"),
        ("catalog", "0004_time_window_counters"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
