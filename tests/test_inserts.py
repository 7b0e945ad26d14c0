"""lib.inserts.insert: a new row exactly as Model.save() writes it, with the statement
compiled once; lib.inserts.prepare: the same, its values computed before the transaction."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Value, signals
from django.db.models.functions import Upper

from safeharbor.lib.inserts import insert, prepare
from safeharbor.matters.models import Matter, MatterEvent
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def matter(org, code, **extra):
    return Matter(tracking_code=code, description="楼道灯坏了", area=org.district, area_path=org.district.path,
                  reporter_name="王芳", reporter_phone="13800138000", **extra)


def row(model, pk, skip=("id", "tracking_code")):
    values = model.objects.filter(pk=pk).values().get()
    return {k: v for k, v in values.items() if k not in skip}


def test_an_inserted_matter_is_the_row_save_writes(org):
    category = CategoryFactory()
    saved, inserted = matter(org, "261129-SAVED1", category=category), matter(org, "261129-INSRT1", category=category)
    saved.created_at = inserted.created_at = saved.updated_at = inserted.updated_at = saved.created_at
    saved.save()
    insert(inserted)
    assert inserted.pk and inserted.pk != saved.pk and not inserted._state.adding
    assert row(Matter, inserted.pk) == row(Matter, saved.pk)
    again = Matter.objects.get(pk=inserted.pk)
    assert (again.reporter_phone, again.category, again.status) == ("13800138000", category, Matter.Status.RECEIVED)


def test_an_inserted_event_keeps_its_data_and_null_keys(org):
    m = matter(org, "261129-EVENT1")
    insert(m)
    first = MatterEvent(matter=m, action=MatterEvent.Action.CREATED, data={"source": "web", "n": [1, "二"]})
    second = MatterEvent(matter=m, action=MatterEvent.Action.CREATED, data={"source": "web", "n": [1, "二"]},
                         at=first.at)
    insert(first)
    second.save()
    assert row(MatterEvent, first.pk, skip=("id",)) == row(MatterEvent, second.pk, skip=("id",))
    assert list(m.events.values_list("data", flat=True)) == [{"source": "web", "n": [1, "二"]}] * 2


def test_receivers_and_expressions_go_through_save(org):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.tracking_code, created))

    signals.post_save.connect(receiver, sender=Matter)
    try:
        insert(matter(org, "261129-SIGNAL"))
    finally:
        signals.post_save.disconnect(receiver, sender=Matter)
    assert seen == [("261129-SIGNAL", True)]
    shouting = matter(org, "261129-EXPRES", title=Upper(Value("street light")))
    insert(shouting)
    assert Matter.objects.get(pk=shouting.pk).title == "STREET LIGHT"


def test_an_expression_first_does_not_shape_the_rows_after_it(org):
    from safeharbor.lib import inserts

    inserts._statements.clear()  # as in a fresh process whose first matter has an expression
    first = matter(org, "261129-FIRST1", title=Upper(Value("street light")))
    insert(first)
    second = matter(org, "261129-SECOND", title="quiet title")
    insert(second)
    titles = dict(Matter.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "title"))
    assert titles == {first.pk: "STREET LIGHT", second.pk: "quiet title"}


def test_a_refused_insert_writes_nothing_and_can_be_retried(org):
    insert(matter(org, "261129-TWICE1"))
    duplicate = matter(org, "261129-TWICE1")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(duplicate)
    assert duplicate.pk is None and duplicate._state.adding
    duplicate.tracking_code = "261129-TWICE2"
    insert(duplicate)
    assert Matter.objects.filter(tracking_code__startswith="261129-TWICE").count() == 2


def test_a_first_event_prepared_before_its_matter_is_saved_points_to_it(org):
    m = matter(org, "261129-LATE01")
    event = MatterEvent(matter=m, action=MatterEvent.Action.CREATED, data={"source": "web"})
    rows = [prepare(m), prepare(event, late=("matter",))]  # both before the transaction
    assert m.pk is None and event.matter_id is None
    with transaction.atomic():
        for r in rows:
            r.run()
    assert MatterEvent.objects.get(pk=event.pk).matter_id == m.pk == event.matter_id
    assert list(m.events.values_list("data", flat=True)) == [{"source": "web"}]


def test_values_are_taken_when_prepared_and_a_missing_parent_is_refused_when_run(org):
    m = matter(org, "261129-LATE02")
    row = prepare(m)
    m.description = "changed after prepare"  # not written: the values were computed already
    row.run()
    assert Matter.objects.get(pk=m.pk).description == "楼道灯坏了"
    orphan = MatterEvent(matter=matter(org, "261129-LATE03"), action=MatterEvent.Action.CREATED)
    late = prepare(orphan, late=("matter",))
    with pytest.raises(ValueError, match="unsaved related object 'matter'"):
        late.run()  # its matter was never saved
    assert not MatterEvent.objects.filter(matter__tracking_code="261129-LATE03").exists()
    for name in ("actor_name", "note"):  # no such field; not a foreign key
        with pytest.raises(ValueError, match="no foreign key"):
            prepare(MatterEvent(matter=m, action=MatterEvent.Action.CREATED), late=(name,))


def test_a_field_that_writes_none_as_a_value_still_converts_it(org, monkeypatch):
    from safeharbor.lib import inserts

    lat = Matter._meta.get_field("lat")
    plain = lat.get_db_prep_save
    monkeypatch.setattr(lat, "get_db_prep_save", lambda value, connection: 0.0 if value is None else plain(value, connection))
    inserts._statements.clear()  # the statement (and what it knows of each field) is built anew
    try:
        saved, inserted = matter(org, "261129-NONE01"), matter(org, "261129-NONE02")
        saved.save()
        insert(inserted)
        assert Matter.objects.get(pk=inserted.pk).lat == Matter.objects.get(pk=saved.pk).lat == 0.0
    finally:
        inserts._statements.clear()
