# The response rate (响应率) now counts the followed-up matters accepted within the time limit
# (a new counter, "responded"), and the rollups gain coarse rows without harbor and channel.
# Neither can be derived from the rows already there, so they are dropped and every day that
# had rows is marked pending: the worker recomputes the days one by one (month and year rows
# are rebuilt from the days' differences), or run `safeharbor manage rebuild_rollups` at once.

import uuid

from django.db import migrations, models
from django.utils import timezone


def recount_everything(apps, schema_editor):
    Rollup = apps.get_model("insights", "Rollup")
    RollupPending = apps.get_model("insights", "RollupPending")
    days = set(Rollup.objects.filter(grain="d").values_list("day", flat=True).distinct())
    days -= set(RollupPending.objects.values_list("day", flat=True))
    Rollup.objects.all().delete()
    now = timezone.now()
    RollupPending.objects.bulk_create(
        [RollupPending(day=day, token=uuid.uuid4().hex, marked_at=now) for day in sorted(days)], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0002_rollups"),
    ]

    operations = [
        migrations.AddField(
            model_name="rollup",
            name="responded",
            field=models.IntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="rollup",
            name="grain",
            field=models.CharField(choices=[("d", "day"), ("m", "month"), ("y", "year"),
                                            ("D", "day, all harbors and channels"),
                                            ("M", "month, all harbors and channels"),
                                            ("Y", "year, all harbors and channels")], max_length=1),
        ),
        migrations.RunPython(recount_everything, migrations.RunPython.noop),
    ]
