"""INSERT of a new row with its statement compiled once per model and database.

Model.save() compiles the INSERT anew for every row: for the ~50 columns of a matter that
is a good part of what registering a resident's report costs, and it runs while the other
writers wait (SQLite). `insert(obj)` does for a new row what save() does (the related
objects' keys, each field's pre_save and database value, the primary key back) with the
statement compiled once. It hands over to save() whenever that would do more: a model
with pre_save/post_save receivers or parent models, or a value that is an SQL expression
(whose SQL depends on the value).
"""

from django.db import connections, router
from django.db.models import signals
from django.db.models.sql import InsertQuery

_statements: dict[tuple, tuple] = {}


def _statement(obj, using: str) -> tuple:
    """(fields, sql, returns_pk) for the model of `obj` on `using`, compiled at the first call."""
    key = (type(obj), using)
    if key not in _statements:
        meta = obj._meta
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
        query = InsertQuery(type(obj))
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = [meta.pk]
        [(sql, _params)] = compiler.as_sql()
        _statements[key] = (fields, sql, compiler.connection.features.can_return_columns_from_insert)
    return _statements[key]


def insert(obj, *, using: str | None = None) -> None:
    """Save `obj`, a new row of a model with an automatic primary key, as save() would."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    meta = model._meta
    if (meta.parents or meta.auto_field is None or obj.pk is not None
            or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)):
        obj.save(using=using, force_insert=True)
        return
    obj._prepare_related_fields_for_save(operation_name="save")
    connection = connections[using]
    fields, sql, returns_pk = _statement(obj, using)
    params = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):
            obj.save(using=using, force_insert=True)
            return
        params.append(field.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returns_pk:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    obj.pk = meta.pk.to_python(pk)
    obj._state.adding = False
    obj._state.db = using
