# An installation upgraded from a release before the insights app has matters but no rollup
# rows: without this, its dashboards would start empty and only count what changes from now on.
# Every day on which matters were received and that has neither rollup rows nor a pending mark
# is marked pending; the worker computes the days one by one (or run
# `safeharbor manage rebuild_rollups` at once). On a new installation there is nothing to do.

import uuid

from django.db import migrations
from django.db.models.functions import TruncDate
from django.utils import timezone


def mark_received_days(apps, schema_editor):
    Matter = apps.get_model("matters", "Matter")
    Rollup = apps.get_model("insights", "Rollup")
    RollupPending = apps.get_model("insights", "RollupPending")
    days = set(Matter.objects.annotate(day=TruncDate("created_at")).values_list("day", flat=True).distinct())
    days -= set(Rollup.objects.filter(grain="d").values_list("day", flat=True).distinct())
    days -= set(RollupPending.objects.values_list("day", flat=True))
    now = timezone.now()
    RollupPending.objects.bulk_create(
        [RollupPending(day=day, token=uuid.uuid4().hex, marked_at=now) for day in sorted(days) if day], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0003_rollup_responded"),
        ("matters", "0007_unmerged_event"),
    ]

    operations = [
        migrations.RunPython(mark_received_days, migrations.RunPython.noop),
    ]
