"""INSERT of a new row with its statement built once per model and database.

Model.save() compiles the INSERT anew for every row: for the ~50 columns of a matter that
is a good part of what registering a resident's report costs, and it runs while the other
writers wait (SQLite). `insert(obj)` does for a new row what save() does (the related
objects' keys, each field's pre_save and database value, the primary key back) with a
statement of plain placeholders built once. It hands over to save() whenever that would do
more or other: a model with its own save(), pre_save/post_save receivers, parent models or
an order_with_respect_to; a field whose placeholder is not plain; a value that is an SQL
expression.
"""

from django.db import connections, router, transaction
from django.db.models import Model, signals

_statements: dict[tuple, tuple | None] = {}


def _statement(model, connection) -> tuple | None:
    """(fields, sql, returns_pk) for `model` on `connection`, or None if save() must do it."""
    key = (model, connection.alias)
    if key not in _statements:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
        if (model.save is not Model.save or meta.parents or meta.auto_field is None or meta.order_with_respect_to
                or any(hasattr(f, "get_placeholder") for f in fields)):
            _statements[key] = None
        else:
            quote = connection.ops.quote_name
            sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                   f"VALUES ({', '.join(['%s'] * len(fields))})")
            returns_pk = connection.features.can_return_columns_from_insert
            if returns_pk:
                returning, _params = connection.ops.return_insert_columns([meta.pk])
                sql = f"{sql} {returning}"
            _statements[key] = (fields, sql, returns_pk)
    return _statements[key]


def insert(obj, *, using: str | None = None) -> None:
    """Save `obj`, a new row, as save() would."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    connection = connections[using]
    statement = _statement(model, connection)
    if (statement is None or obj.pk is not None
            or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)):
        obj.save(using=using, force_insert=True)
        return
    fields, sql, returns_pk = statement
    obj._prepare_related_fields_for_save(operation_name="save")
    values = [field.pre_save(obj, True) for field in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        obj.save(using=using, force_insert=True)
        return
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]
    meta = model._meta
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returns_pk:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    obj.pk = meta.pk.to_python(pk)
    obj._state.adding = False
    obj._state.db = using
