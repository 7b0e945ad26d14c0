"""INSERT of a new row with its statement built once per model and database, its values
computed before the transaction.

Model.save() compiles the INSERT anew for every row: for the ~50 columns of a matter that
is a good part of what registering a resident's report costs, and it runs while the other
writers wait (SQLite). `prepare(obj)` does for a new row what save() does before it writes
(the related objects' keys, each field's pre_save and database value) against a statement
of plain placeholders built once; `.run()`, inside the transaction, only executes it and
reads the primary key back. `insert(obj)` is the two at once. A foreign key to an object
saved in the same transaction just before (a matter's first event) is named in `late=`: its
value is read at run().

It hands over to save() (at run()) whenever that would do more or other: a model with its
own save(), pre_save/post_save receivers, parent models or an order_with_respect_to; a field
whose placeholder is not plain; a value that is an SQL expression.
"""

from django.db import connections, router, transaction
from django.db.models import Model, signals

_statements: dict[tuple, tuple | None] = {}


def _statement(model, connection) -> tuple | None:
    """(fields, sql, returns_pk, keeps_none) for `model` on `connection`, or None if save()
    must do it."""
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
            # Which fields write None as NULL, asked once (a field's database value depends on
            # the value and the connection only): most columns of a new matter are empty.
            keeps_none = [field.get_db_prep_save(None, connection) is None for field in fields]
            _statements[key] = (fields, sql, returns_pk, keeps_none)
    return _statements[key]


class Prepared:
    """A new row's INSERT, ready to run: `sql` None means save() writes it."""

    __slots__ = ("obj", "using", "sql", "params", "returns_pk", "late")

    def __init__(self, obj, using, sql=None, params=None, returns_pk=False, late=()):
        self.obj, self.using, self.sql, self.params, self.returns_pk, self.late = (
            obj, using, sql, params, returns_pk, late)

    def run(self) -> None:
        """Write the row (inside the caller's transaction) and set the object's primary key."""
        obj, using = self.obj, self.using
        if self.sql is None:
            obj.save(using=using, force_insert=True)
            return
        connection = connections[using]
        params = self.params
        if self.late:
            obj._prepare_related_fields_for_save(operation_name="save", fields=[field for _i, field in self.late])
            for i, field in self.late:
                params[i] = field.get_db_prep_save(getattr(obj, field.attname), connection)
        meta = type(obj)._meta
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            if self.returns_pk:
                pk = cursor.fetchone()[0]
            else:
                pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        obj.pk = meta.pk.to_python(pk)
        obj._state.adding = False
        obj._state.db = using


def prepare(obj, *, using: str | None = None, late: tuple[str, ...] = ()) -> Prepared:
    """The INSERT of `obj`, a new row, with its values as save() would compute them now.
    `late`: names of foreign keys whose object is saved after this call, before run()."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    connection = connections[using]
    statement = _statement(model, connection)
    if (statement is None or obj.pk is not None
            or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)):
        return Prepared(obj, using)
    fields, sql, returns_pk, keeps_none = statement
    late_fields = [(i, field) for i, field in enumerate(fields) if field.name in late and field.is_relation]
    if len(late_fields) != len(late):
        raise ValueError(f"{model.__name__} has no foreign key among {late!r}")
    # The other related objects are checked now (the late ones at run()); the primary key is
    # never late, so the list is never empty (which Django would read as all fields).
    checked = [field for field in model._meta.concrete_fields if field.name not in late] if late else None
    obj._prepare_related_fields_for_save(operation_name="save", fields=checked)
    values = [field.pre_save(obj, True) for field in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        return Prepared(obj, using)
    params = [None if value is None and none else field.get_db_prep_save(value, connection)
              for field, value, none in zip(fields, values, keeps_none, strict=True)]
    return Prepared(obj, using, sql, params, returns_pk, late_fields)


def insert(obj, *, using: str | None = None) -> None:
    """Save `obj`, a new row, as save() would."""
    prepare(obj, using=using).run()
