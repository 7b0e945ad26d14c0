"""Two people act on the same matter at the same moment: exactly one wins, the other is told
what happened, and the timeline has one event. Real threads, real connections, PostgreSQL.

Each request is made "slow" (it pauses for a moment after reading the matter, as a busy
server does) so that the two really overlap: without the row lock in actions._lock both would
read the old state and both would win.
"""

import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import User
from safeharbor.matters import actions, periodic, rules
from safeharbor.matters.models import Extension, Matter, MatterEvent, PeriodicRun, Supervision
from tests.factories import MatterFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TZ = ZoneInfo("Asia/Shanghai")
S = Matter.Status
A = MatterEvent.Action
PAUSE = 0.3  # seconds a request spends between reading the matter and writing it


@pytest.fixture
def slow(monkeypatch):
    """Every action pauses after it has loaded (and, normally, locked) the matter."""
    role_allows = rules.role_allows

    def slow_role_allows(*args, **kwargs):
        time.sleep(PAUSE)
        return role_allows(*args, **kwargs)

    monkeypatch.setattr(rules, "role_allows", slow_role_allows)


def race(*calls):
    """Run the calls in threads that start at the same moment; each uses its own database
    connection. Returns ("ok", result) or ("error", exception) per call."""
    barrier = threading.Barrier(len(calls), timeout=20)
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return outcomes


def one_winner(outcomes, loser_type=ConflictError):
    wins = [value for kind, value in outcomes if kind == "ok"]
    losses = [value for kind, value in outcomes if kind == "error"]
    assert len(wins) == 1, outcomes
    assert len(losses) == 1 and type(losses[0]) is loser_type, outcomes
    assert str(losses[0].message)  # a message the user can read
    return wins[0], losses[0]


@pytest.fixture
def people(org, alice):
    return {
        "alice": alice,
        "david": UserFactory(username="david", role=User.Role.DISPATCHER, areas=[org.xinda]),
        "police1": UserFactory(username="police1", role=User.Role.UNIT_HANDLER, unit=org.police),
        "police2": UserFactory(username="police2", role=User.Role.UNIT_HANDLER, unit=org.police),
    }


def new_matter(org, alice) -> Matter:
    return MatterFactory(actor=alice, area=org.grid, description="小区门口井盖丢失，晚上有人差点掉进去")


def dispatched(org, alice) -> Matter:
    matter = new_matter(org, alice)
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    return Matter.objects.get(pk=matter.pk)


def events(matter, action) -> int:
    return MatterEvent.objects.filter(matter=matter, action=action).count()


def test_two_dispatchers_dispatch_to_different_units(org, people, slow):
    matter = new_matter(org, people["alice"])
    win, loss = one_winner(race(
        lambda: actions.dispatch_matter(matter, actor=people["alice"], unit=org.police, expected_status="received"),
        lambda: actions.dispatch_matter(matter, actor=people["david"], unit=org.justice,
                                        expected_status="received"),
    ))
    assert loss.extra == {"status": "dispatched"}
    matter.refresh_from_db()
    assert matter.status == S.DISPATCHED and matter.unit == win.unit
    assert events(matter, A.DISPATCHED) == 1
    assert MatterEvent.objects.get(matter=matter, action=A.DISPATCHED).unit == win.unit


def test_two_handlers_accept(org, people, slow):
    matter = dispatched(org, people["alice"])
    win, loss = one_winner(race(
        lambda: actions.accept_matter(matter, actor=people["police1"]),
        lambda: actions.accept_matter(matter, actor=people["police2"]),
    ))
    assert loss.extra == {"status": "accepted"}
    matter.refresh_from_db()
    assert matter.status == S.ACCEPTED and matter.assignee == win.assignee
    assert events(matter, A.ACCEPTED) == 1


def test_accept_against_return(org, people, slow):
    matter = dispatched(org, people["alice"])
    win, loss = one_winner(race(
        lambda: actions.accept_matter(matter, actor=people["police1"], expected_status="dispatched"),
        lambda: actions.return_matter(matter, actor=people["police2"], reason="不属于公安职责",
                                      expected_status="dispatched"),
    ))
    matter.refresh_from_db()
    assert matter.status == win.status and loss.extra == {"status": win.status}
    assert events(matter, A.ACCEPTED) + events(matter, A.RETURNED) == 1


def test_approve_against_deny(org, people, slow):
    matter = dispatched(org, people["alice"])
    actions.accept_matter(matter, actor=people["police1"])
    actions.request_extension(matter, actor=people["police1"], days=3, reason="等待鉴定结果")
    win, _loss = one_winner(race(
        lambda: actions.decide_extension(matter, actor=people["alice"], approve=True),
        lambda: actions.decide_extension(matter, actor=people["david"], approve=False),
    ))
    extension = Extension.objects.get()
    assert extension.status == win.status and extension.decided_by == win.decided_by
    assert events(matter, A.EXTENSION_APPROVED) + events(matter, A.EXTENSION_DENIED) == 1


def test_two_extension_requests(org, people, slow):
    matter = dispatched(org, people["alice"])
    actions.accept_matter(matter, actor=people["police1"])
    one_winner(race(
        lambda: actions.request_extension(matter, actor=people["police1"], days=3, reason="等待鉴定"),
        lambda: actions.request_extension(matter, actor=people["police2"], days=5, reason="人手不足"),
    ))
    assert Extension.objects.count() == 1 and events(matter, A.EXTENSION_REQUESTED) == 1


def test_merge_each_into_the_other(org, people, slow):
    """Two dispatchers each think the other report is the duplicate: one merge wins, the other
    is refused (not a deadlock), and no matter ends up merged into a merged one."""
    first, second = new_matter(org, people["alice"]), new_matter(org, people["alice"])
    _win, loss = one_winner(race(
        lambda: actions.merge_matter(first, actor=people["alice"], into=second),
        lambda: actions.merge_matter(second, actor=people["david"], into=first),
    ), loser_type=ActionError)
    assert loss.extra == {"field": "into"}
    statuses = sorted(Matter.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == [S.MERGED, S.RECEIVED]
    assert MatterEvent.objects.filter(action=A.MERGED).count() == 2  # one on each matter


def test_two_sweeps_at_once_do_each_thing_once(org, people, time_machine):
    time_machine.move_to(datetime(2026, 9, 14, 10, 0, tzinfo=TZ))
    matters = [dispatched(org, people["alice"]) for _ in range(12)]
    nothing = {"warned": 0, "overdue": 0, "supervised": 0, "escalated": 0}
    for when, expected in [
        (datetime(2026, 9, 15, 5, 0, tzinfo=TZ), {**nothing, "warned": 12}),
        (datetime(2026, 9, 15, 10, 30, tzinfo=TZ), {**nothing, "overdue": 12, "supervised": 12}),
        (datetime(2026, 9, 16, 10, 31, tzinfo=TZ), {**nothing, "escalated": 12}),
    ]:
        outcomes = race(lambda when=when: actions.sweep_deadlines(when), lambda when=when: actions.sweep_deadlines(when))
        assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
        totals = {key: sum(result[key] for _, result in outcomes) for key in nothing}
        assert totals == expected
        assert actions.sweep_deadlines(when) == nothing
    for matter in matters:
        assert [events(matter, a) for a in (A.WARNED, A.OVERDUE, A.SUPERVISED, A.ESCALATED)] == [1, 1, 1, 1]
    assert Supervision.objects.count() == 12
    assert set(Matter.objects.values_list("escalated_to", flat=True)) == {org.district.pk}


def test_two_workers_schedule_the_sweep_once(db, monkeypatch):
    monkeypatch.setattr(periodic, "JOBS", {"sweep_deadlines": periodic.JOBS["sweep_deadlines"]})
    PeriodicRun.objects.all().delete()
    now = datetime(2026, 9, 14, 10, 0, tzinfo=TZ)
    outcomes = race(lambda: periodic.enqueue_due(now), lambda: periodic.enqueue_due(now))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert sorted(len(names) for _, names in outcomes) == [0, 1]
    assert PeriodicRun.objects.count() == 1
