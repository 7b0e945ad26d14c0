# The foreign keys' own indexes go: redundant with an index they lead, or replaced by a
# partial one (WHERE ... IS NOT NULL). Dropped by name rather than by AlterField, which on
# SQLite would copy the whole matters table once per field.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FIELDS = [
    ("matter", "area"),
    ("matter", "assignee"),
    ("matter", "category"),
    ("matter", "created_by"),
    ("matter", "domain"),
    ("matter", "escalated_to"),
    ("matter", "harbor"),
    ("matter", "merged_into"),
    ("matter", "unit"),
    ("matterevent", "actor"),
    ("matterevent", "matter"),
    ("matterevent", "unit"),
]


def _indexes(apps, schema_editor):
    for model_name, field_name in FIELDS:
        model = apps.get_model("matters", model_name)
        field = model._meta.get_field(field_name)
        yield model, field, schema_editor._create_index_name(model._meta.db_table, [field.column], suffix="")


def drop_key_indexes(apps, schema_editor):
    for _model, _field, name in _indexes(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_key_indexes(apps, schema_editor):
    for model, field, name in _indexes(apps, schema_editor):
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field], name=name))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_holiday"),
        ("matters", "0008_status_created_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_key_indexes, create_key_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="matter",
                    name="area",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="matters",
                        to="core.area",
                        verbose_name="area",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="assigned_matters",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="handler",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="matters",
                        to="core.category",
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="registered_matters",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="registered by",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="domain",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="matters",
                        to="core.domain",
                        verbose_name="domain",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="escalated_to",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.area",
                        verbose_name="escalated to",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="harbor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="matters",
                        to="core.harbor",
                        verbose_name="harbor",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="duplicates",
                        to="matters.matter",
                        verbose_name="merged into",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="matters",
                        to="core.unit",
                        verbose_name="responsible unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="matterevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                migrations.AlterField(
                    model_name="matterevent",
                    name="matter",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="matters.matter",
                    ),
                ),
                migrations.AlterField(
                    model_name="matterevent",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.unit",
                    ),
                ),
            ],
        ),
        migrations.RemoveIndex(
            model_name="matter",
            name="matter_unit_status",
        ),
        migrations.RemoveIndex(
            model_name="matter",
            name="matter_assignee_status",
        ),
        migrations.RemoveIndex(
            model_name="matter",
            name="matter_escalated",
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("unit__isnull", False)),
                fields=["unit", "status"],
                name="matter_unit_status",
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("assignee__isnull", False)),
                fields=["assignee", "status"],
                name="matter_assignee_status",
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("category__isnull", False)), fields=["category"], name="matter_category"
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("domain__isnull", False)), fields=["domain"], name="matter_domain"
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("harbor__isnull", False)), fields=["harbor"], name="matter_harbor"
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="matter_created_by",
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="matter_merged_into",
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("escalated_to__isnull", False)),
                fields=["escalated_to", "status"],
                name="matter_escalated",
            ),
        ),
        migrations.AddIndex(
            model_name="matterevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)), fields=["actor"], name="event_actor"
            ),
        ),
        migrations.AddIndex(
            model_name="matterevent",
            index=models.Index(
                condition=models.Q(("unit__isnull", False)), fields=["unit"], name="event_unit"
            ),
        ),
    ]
