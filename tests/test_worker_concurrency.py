"""Two `safeharbor worker` processes at once, and workers that die and come back, over a
long deadline sweep: every overdue matter is marked, supervised (督办) and escalated once,
with one notification per person and step.

tests/test_concurrency.py already races two sweeps in threads (events, orders, escalation
targets) and two schedulers (PeriodicRun); here are the real processes, the notifications
and the outbox, and restarts. Installation and checks: tests/test_crash_safety.py.
"""

import signal
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from safeharbor.core.models import User
from safeharbor.matters import actions
from safeharbor.matters.models import Matter, MatterEvent
from safeharbor.notifications.models import Notification, OutboxMessage
from tests.factories import MatterFactory, UserFactory
from tests.test_crash_safety import (  # noqa: F401 - `installation` is a fixture
    assert_swept_exactly_once,
    installation,
    overdue_installation,
    sweep_count,
    sweeps_finished,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)
TZ = ZoneInfo("Asia/Shanghai")


def _two_workers_and_a_restart(inst, n: int):
    overdue_installation(inst, n)
    first = inst.start("worker", name="worker")
    second = inst.start("worker", name="worker2")
    # One of them dies in the middle of the sweep; the other goes on; it comes back.
    wait_until(lambda: sweep_count(inst, "overdue") >= n // 4, 60, "the sweep to start")
    inst.kill(first)
    at_kill = sweep_count(inst, "overdue") + sweep_count(inst, "supervised") + sweep_count(inst, "escalated")
    first = inst.start("worker", name="worker")
    wait_until(lambda: sweep_count(inst, "escalated") == n, 120, "the sweep to finish")
    done = sweeps_finished(inst)
    wait_until(lambda: sweeps_finished(inst) >= done + 2, 60, "two more sweeps", 0.3)
    for worker in (first, second):
        inst.kill(worker, signal.SIGTERM)
    assert 0 < at_kill < 3 * n
    assert_swept_exactly_once(inst, n)
    for name in ("worker", "worker2"):
        log = inst.log(name)
        assert "Traceback" not in log, log


def test_two_workers_and_a_restart_during_a_sweep(installation):  # noqa: F811
    _two_workers_and_a_restart(installation, 200)


@pytest.mark.postgres
def test_two_workers_and_a_restart_during_a_sweep_on_postgres(installation):  # noqa: F811
    _two_workers_and_a_restart(installation, 200)


def test_workers_started_again_and_again_find_nothing_more_to_do(installation):  # noqa: F811
    """`safeharbor worker --once` (what a cron job or a systemd restart loop runs), three at a
    time, twice, after a finished sweep: nothing new."""
    inst = installation
    overdue_installation(inst, 30)
    inst.python("import django; django.setup(); from safeharbor.matters.actions import sweep_deadlines; "
                "print(sweep_deadlines())")
    assert_swept_exactly_once(inst, 30)
    before = {
        "events": inst.scalar("SELECT count(*) FROM matters_matterevent"),
        "notifications": inst.scalar("SELECT count(*) FROM notifications_notification"),
        "orders": inst.scalar("SELECT count(*) FROM matters_supervision"),
        "outbox": inst.scalar("SELECT count(*) FROM notifications_outboxmessage"),
    }
    for _round in range(2):
        workers = [inst.start("worker", "--once", name=f"once{i}") for i in range(3)]
        for worker in workers:
            assert worker.wait(timeout=120) == 0
            worker.log.close()
    after = {
        "events": inst.scalar("SELECT count(*) FROM matters_matterevent"),
        "notifications": inst.scalar("SELECT count(*) FROM notifications_notification"),
        "orders": inst.scalar("SELECT count(*) FROM matters_supervision"),
        "outbox": inst.scalar("SELECT count(*) FROM notifications_outboxmessage"),
    }
    assert after == before
    assert_swept_exactly_once(inst, 30)


# --- in one process, threads on PostgreSQL: the notifications of racing sweeps ------------------


@pytest.mark.postgres
def test_racing_sweeps_notify_each_person_once(org, alice, time_machine):
    """Four sweeps at once over the same overdue matters: the handler hears of each deadline
    once, the unit of each order once, the district's dispatchers of each escalation once."""
    time_machine.move_to(datetime(2026, 9, 14, 10, 0, tzinfo=TZ))
    handler = UserFactory(username="police1", role=User.Role.UNIT_HANDLER, unit=org.police)
    district = UserFactory(username="district", role=User.Role.DISPATCHER, areas=[org.district])
    matters = []
    for i in range(10):
        matter = MatterFactory(actor=alice, area=org.grid, description=f"小区门口井盖丢失 {i}")
        actions.dispatch_matter(matter, actor=alice, unit=org.police)
        matters.append(matter)

    def sweeps(when):
        barrier = threading.Barrier(4, timeout=20)
        errors = []

        def run():
            try:
                barrier.wait()
                actions.sweep_deadlines(when)
            except Exception as exc:  # noqa: BLE001 - the test reports it
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors

    sweeps(datetime(2026, 9, 15, 5, 0, tzinfo=TZ))  # near the deadline
    sweeps(datetime(2026, 9, 15, 10, 30, tzinfo=TZ))  # overdue, supervised
    sweeps(datetime(2026, 9, 16, 10, 31, tzinfo=TZ))  # escalated
    for matter in matters:
        target = f"matters.matter:{matter.pk}"
        assert Notification.objects.filter(recipient=handler, kind="deadline_near", target=target).count() == 1
        assert Notification.objects.filter(recipient=handler, kind="deadline_passed", target=target).count() == 1
        assert Notification.objects.filter(recipient=district, kind="escalated", target=target).count() == 1
        for action in (MatterEvent.Action.WARNED, MatterEvent.Action.OVERDUE, MatterEvent.Action.ESCALATED):
            assert matter.events.filter(action=action).count() == 1
    orders = Notification.objects.filter(recipient=handler, kind="supervision_order")
    assert orders.count() == 10 and orders.values("target").distinct().count() == 10
    assert OutboxMessage.objects.count() == OutboxMessage.objects.values("key").distinct().count()
    assert set(Matter.objects.values_list("escalated_to", flat=True)) == {org.district.pk}
