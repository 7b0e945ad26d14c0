from django.db import migrations

# 12345-style defaults: (accept, resolve, return) as (amount, unit).
DEFAULTS = {
    "urgent": ((1, "hours"), (2, "hours"), (1, "hours")),
    "utility": ((2, "hours"), (24, "hours"), (2, "hours")),
    "normal": ((1, "workdays"), (5, "workdays"), (1, "workdays")),
    "complex": ((1, "workdays"), (15, "workdays"), (1, "workdays")),
}


def create(apps, schema_editor):
    DeadlinePolicy = apps.get_model("matters", "DeadlinePolicy")
    for urgency, ((aa, au), (ra, ru), (ta, tu)) in DEFAULTS.items():
        DeadlinePolicy.objects.get_or_create(
            urgency=urgency,
            defaults=dict(accept_amount=aa, accept_unit=au, resolve_amount=ra, resolve_unit=ru,
                          return_amount=ta, return_unit=tu),
        )


class Migration(migrations.Migration):
    dependencies = [("matters", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
