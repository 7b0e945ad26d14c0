"""The deadline sweep, as the unit, the dispatcher and the leader notice it: a warning before
the deadline, overdue after it, a supervision order (督办) to the unit, escalation up the area
tree, and never anything twice however often the sweep runs."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeharbor.core.models import User
from safeharbor.matters import actions, periodic, queries
from safeharbor.matters.models import Matter, MatterEvent, PeriodicRun, Supervision
from tests.factories import MatterFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")
A = MatterEvent.Action
NOTHING = {"warned": 0, "overdue": 0, "supervised": 0, "escalated": 0}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def local(value: datetime) -> str:
    return timezone.localtime(value, TZ).strftime("%Y-%m-%d %H:%M")



@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(at("2026-09-14 10:00"), tick=False)  # Monday


@pytest.fixture
def handler(org):
    return UserFactory(username="police1", full_name="赵警官", role=User.Role.UNIT_HANDLER, unit=org.police)


def dispatched(org, alice, area=None, **kwargs) -> Matter:
    matter = MatterFactory(actor=alice if area is None else None, area=area or org.grid,
                           description="楼道里堆满杂物，存在消防隐患", **kwargs)
    actions.dispatch_matter(matter, actor=None if area else alice, unit=org.police)
    return Matter.objects.get(pk=matter.pk)


def sweep_at(time_machine, when: str) -> dict:
    time_machine.move_to(at(when))
    return actions.sweep_deadlines()


def actions_of(matter: Matter) -> list[str]:
    return list(matter.events.values_list("action", flat=True))


def test_warning_before_the_deadline_once(org, alice, time_machine):
    matter = dispatched(org, alice)
    assert local(matter.due_at) == "2026-09-15 10:00"
    assert local(matter.warn_at) == "2026-09-15 04:00"  # the last quarter of the day to accept
    assert sweep_at(time_machine, "2026-09-15 03:59") == NOTHING
    assert matter not in queries.inbox(alice, "near_deadline")
    assert sweep_at(time_machine, "2026-09-15 04:00") == {**NOTHING, "warned": 1}
    assert actions.sweep_deadlines() == NOTHING
    assert sweep_at(time_machine, "2026-09-15 09:00") == NOTHING
    matter.refresh_from_db()
    assert local(matter.warned_at) == "2026-09-15 04:00" and matter.overdue_at is None
    event = matter.events.get(action=A.WARNED)
    assert event.actor is None and event.unit == org.police and not event.public
    assert event.data == {"due_at": matter.due_at.isoformat()}
    assert matter in queries.inbox(alice, "near_deadline")


def test_warning_is_at_most_a_day_ahead(org, alice, time_machine):
    matter = dispatched(org, alice, urgency="complex")
    actions.accept_matter(matter, actor=UserFactory(role=User.Role.UNIT_HANDLER, unit=org.police))
    matter.refresh_from_db()
    assert local(matter.due_at) == "2026-10-10 10:00"
    assert local(matter.warn_at) == "2026-10-09 10:00"  # SWEEP_WARN_HOURS = 24


def test_overdue_and_supervision_once(org, alice, time_machine):
    matter = dispatched(org, alice)
    result = sweep_at(time_machine, "2026-09-15 10:01")
    assert result == {**NOTHING, "overdue": 1, "supervised": 1}  # past the deadline: no warning any more
    for _ in range(2):
        assert actions.sweep_deadlines() == NOTHING
    assert sweep_at(time_machine, "2026-09-15 18:00") == NOTHING
    matter.refresh_from_db()
    assert local(matter.overdue_at) == "2026-09-15 10:01" and matter.supervised
    assert actions_of(matter) == ["created", "dispatched", "overdue", "supervised"]
    order = Supervision.objects.get()
    assert (order.origin, order.level, order.unit, order.issued_by, order.status) == (
        "sweep", "normal", org.police, None, "open"
    )
    assert list(order.matters.all()) == [matter]
    assert order.reply_due == date(2026, 9, 17)  # 2 working days
    assert "2026-09-15 10:00" in order.reason
    assert matter.events.get(action=A.SUPERVISED).data["reply_due"] == "2026-09-17"
    assert matter in queries.inbox(alice, "overdue")
    assert matter.is_overdue


@override_settings(SWEEP_SUPERVISE_AFTER_HOURS=4)
def test_supervision_after_a_delay(org, alice, time_machine):
    dispatched(org, alice)
    assert sweep_at(time_machine, "2026-09-15 10:01") == {**NOTHING, "overdue": 1}
    assert sweep_at(time_machine, "2026-09-15 14:00") == NOTHING
    assert sweep_at(time_machine, "2026-09-15 14:01") == {**NOTHING, "supervised": 1}
    assert actions.sweep_deadlines() == NOTHING
    assert Supervision.objects.count() == 1


@override_settings(SWEEP_ESCALATE_AFTER_HOURS=2)
def test_escalation_to_the_parent_of_the_dispatchers_area(org, alice, time_machine):
    district = UserFactory(username="district", role=User.Role.DISPATCHER, areas=[org.district])
    matter = dispatched(org, alice)
    sweep_at(time_machine, "2026-09-15 10:01")
    assert sweep_at(time_machine, "2026-09-15 12:00") == NOTHING
    assert sweep_at(time_machine, "2026-09-15 12:01") == {**NOTHING, "escalated": 1}
    for _ in range(2):
        assert actions.sweep_deadlines() == NOTHING
    matter.refresh_from_db()
    # alice (新达街道) did not get it done: up to 乌达区.
    assert matter.escalated_to == org.district and local(matter.escalated_at) == "2026-09-15 12:01"
    event = matter.events.get(action=A.ESCALATED)
    assert event.data == {"to_area": "乌达区"} and event.actor is None
    assert list(queries.inbox(district, "escalated")) == [matter]
    assert list(queries.inbox(alice, "escalated")) == []


@override_settings(SWEEP_ESCALATE_AFTER_HOURS=2)
def test_escalation_from_a_community_dispatcher(org, alice, time_machine):
    """The nearest area with a dispatcher is the community: escalate to its sub-district."""
    UserFactory(username="yc", role=User.Role.DISPATCHER, areas=[org.yongchang])
    inactive = UserFactory(username="gone", role=User.Role.DISPATCHER, areas=[org.grid], is_active=False)
    assert not inactive.is_active
    in_grid = dispatched(org, alice)
    far = dispatched(org, alice, area=org.tuanjie)  # charlie's side has no dispatcher in this test
    sweep_at(time_machine, "2026-09-15 10:01")
    assert sweep_at(time_machine, "2026-09-15 12:01")["escalated"] == 2
    in_grid.refresh_from_db()
    far.refresh_from_db()
    assert in_grid.escalated_to == org.xinda
    assert far.escalated_to == org.district  # nobody below the district: stays at the top


def test_after_accept_a_new_deadline_resets_the_markers(org, alice, handler, time_machine):
    matter = dispatched(org, alice)
    sweep_at(time_machine, "2026-09-15 04:00")
    sweep_at(time_machine, "2026-09-15 10:01")
    time_machine.move_to(at("2026-09-15 11:00"))
    actions.accept_matter(matter, actor=handler)
    matter.refresh_from_db()
    assert matter.accept_late
    assert matter.due_at == matter.resolve_due_at and local(matter.due_at) == "2026-09-20 10:00"
    assert (matter.warned_at, matter.overdue_at, matter.auto_supervised_at, matter.escalated_at) == (None,) * 4
    assert matter not in queries.inbox(alice, "overdue")
    assert actions.sweep_deadlines() == NOTHING
    # The new deadline is watched like the first one: warned, overdue, supervised again.
    assert sweep_at(time_machine, "2026-09-19 10:00") == {**NOTHING, "warned": 1}
    assert sweep_at(time_machine, "2026-09-20 10:00") == {**NOTHING, "overdue": 1, "supervised": 1}
    assert actions.sweep_deadlines() == NOTHING
    assert actions_of(matter).count("overdue") == 2 and actions_of(matter).count("warned") == 2
    assert Supervision.objects.count() == 2


def test_closed_and_finished_matters_are_not_swept(org, alice, handler, time_machine):
    resolved = dispatched(org, alice)
    actions.accept_matter(resolved, actor=handler)
    actions.resolve_matter(resolved, actor=handler, result="已清理")
    closed = dispatched(org, alice)
    actions.accept_matter(closed, actor=handler)
    actions.resolve_matter(closed, actor=handler, result="已清理")
    actions.close_matter(closed, actor=alice)
    returned = dispatched(org, alice)
    actions.return_matter(returned, actor=handler, reason="不属于公安职责")
    merged = MatterFactory(actor=alice, area=org.grid)
    actions.merge_matter(merged, actor=alice, into=resolved)
    rejected = MatterFactory(actor=alice, area=org.grid)
    actions.reject_matter(rejected, actor=alice, reason="重复反映")
    received = MatterFactory(actor=alice, area=org.grid)  # nothing runs before dispatch
    events = MatterEvent.objects.count()
    for when in ("2026-09-15 09:00", "2026-09-16 10:00", "2026-10-30 10:00"):
        assert sweep_at(time_machine, when) == NOTHING
    assert MatterEvent.objects.count() == events and not Supervision.objects.exists()
    assert Matter.objects.filter(overdue_at__isnull=False).count() == 0
    assert received.due_at is None


def test_unit_that_does_not_answer_over_national_day(org, alice, bob, handler, time_machine):
    """Scenario 3."""
    time_machine.move_to(at("2026-09-30 10:00"))
    matter = dispatched(org, alice)
    assert local(matter.due_at) == "2026-10-08 10:00" and local(matter.warn_at) == "2026-10-07 10:00"
    for day in range(1, 7):  # the holiday passes quietly
        assert sweep_at(time_machine, f"2026-10-0{day} 12:00") == NOTHING
    assert sweep_at(time_machine, "2026-10-07 12:00") == {**NOTHING, "warned": 1}
    assert sweep_at(time_machine, "2026-10-08 10:01") == {**NOTHING, "overdue": 1, "supervised": 1}
    order = Supervision.objects.get()
    assert order.reply_due == date(2026, 10, 10)  # Oct 9 and the 调休 Saturday
    assert list(queries.supervision_list(bob)) == [order]
    assert list(queries.supervision_list(handler)) == [order]
    time_machine.move_to(at("2026-10-09 15:00"))
    actions.accept_matter(matter, actor=handler)
    actions.reply_supervision(order, actor=handler, reply="节日期间值班人员未及时签收，已签收并安排办理")
    order.refresh_from_db()
    matter.refresh_from_db()
    assert order.status == "replied" and not order.reply_late
    assert matter.accept_late  # counted against the unit's response rate
    assert actions_of(matter) == ["created", "dispatched", "warned", "overdue", "supervised", "accepted",
                                  "supervision_replied"]


def test_sweep_with_an_explicit_time(org, alice, time_machine):
    """A sweep run for a given moment dates everything by that moment, reply date included."""
    matter = dispatched(org, alice)
    time_machine.move_to(at("2026-09-30 10:00"))  # the worker was down; this is a catch-up
    assert actions.sweep_deadlines(now=at("2026-09-15 10:30")) == {**NOTHING, "overdue": 1, "supervised": 1}
    matter.refresh_from_db()
    assert local(matter.overdue_at) == "2026-09-15 10:30"
    assert Supervision.objects.get().reply_due == date(2026, 9, 17)


def test_a_deadline_changed_between_listing_and_marking_is_not_marked(org, alice, handler, time_machine,
                                                                      monkeypatch):
    """The unit accepts while the sweep is running: the old deadline is not marked overdue on
    the new one."""
    matter = dispatched(org, alice)
    time_machine.move_to(at("2026-09-15 10:01"))
    original = Matter.objects.filter
    accepted = []

    def filter_then_accept(*args, **kwargs):
        if "overdue_at__isnull" in kwargs and "due_at" in kwargs and not accepted:
            accepted.append(True)
            actions.accept_matter(matter, actor=handler)
        return original(*args, **kwargs)

    monkeypatch.setattr(Matter.objects, "filter", filter_then_accept)
    assert actions.sweep_deadlines()["overdue"] == 0
    monkeypatch.undo()
    matter.refresh_from_db()
    assert accepted and matter.status == "accepted" and matter.overdue_at is None
    assert not Supervision.objects.exists()


# --- the worker ---------------------------------------------------------------------------------


@pytest.fixture
def fresh_schedule(db, monkeypatch):
    """Only the sweep is scheduled here (the classifier's daily retraining is tested apart)."""
    PeriodicRun.objects.all().delete()
    monkeypatch.setattr(periodic, "JOBS", {"sweep_deadlines": periodic.JOBS["sweep_deadlines"]})


def test_the_worker_also_retrains_the_classifier_daily(settings):
    task, every = periodic.JOBS["train_classifier"]
    assert task.name == "train_classifier" and every() == settings.ROUTING_RETRAIN_HOURS * 3600


@pytest.mark.django_db(transaction=True)  # a real process: the worker commits and closes connections
def test_worker_runs_the_sweep(org, alice, fresh_schedule, time_machine):
    matter = dispatched(org, alice)
    time_machine.move_to(at("2026-09-15 10:01"))
    call_command("safeharbor_worker", once=True)
    matter.refresh_from_db()
    assert matter.overdue_at is not None and matter.supervised
    result = DBTaskResult.objects.get()
    assert result.task_path.endswith("sweep_deadlines") and result.status == "SUCCESSFUL"
    assert result.return_value == {**NOTHING, "overdue": 1, "supervised": 1}
    run = PeriodicRun.objects.get(name="sweep_deadlines")
    assert local(run.next_run_at) == "2026-09-15 10:02"
    # Within the interval the slot is taken: nothing new is queued, however many workers ask.
    time_machine.move_to(at("2026-09-15 10:01:30"))
    assert periodic.enqueue_due() == []
    call_command("safeharbor_worker", once=True)
    assert DBTaskResult.objects.count() == 1
    assert Supervision.objects.count() == 1
    time_machine.move_to(at("2026-09-15 10:02"))
    assert periodic.enqueue_due() == ["sweep_deadlines"]
    assert periodic.enqueue_due() == []
    assert DBTaskResult.objects.count() == 2


def test_enqueue_due_claims_each_slot_once(fresh_schedule, time_machine):
    now = timezone.now()
    assert periodic.enqueue_due(now) == ["sweep_deadlines"]
    assert periodic.enqueue_due(now) == []
    assert periodic.enqueue_due(now + timedelta(seconds=59)) == []
    assert periodic.enqueue_due(now + timedelta(seconds=60)) == ["sweep_deadlines"]
    assert DBTaskResult.objects.count() == 2
