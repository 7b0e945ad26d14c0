"""Every transition of a matter, from every role, in every state: what a user would see.

The matter lives in 永昌佳苑第一网格 (under alice's 新达街道), was brought to the 永昌佳苑
harbor and is dispatched to the police. The cast:

- admin: the administrator (may do everything)
- dispatcher: alice, dispatcher of 新达街道
- other_dispatcher: charlie, dispatcher of 三道坎街道 → the matter does not exist for him (404)
- leader: bob, leader of 新达街道 → sees it, may only order supervision (督办)
- handler: a police officer (the responsible unit); colleague: another officer
- other_handler: an officer of the justice bureau → the matter does not exist for him (404)
- grid_worker: the grid worker of 永昌佳苑第一网格
- harbor_staff: the desk of the 永昌佳苑 harbor
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import User
from safeharbor.matters import actions, queries, rules
from safeharbor.matters.models import (
    Commendation,
    Decision,
    Extension,
    FollowUp,
    Matter,
    MatterEvent,
    Meeting,
    Supervision,
)
from tests.factories import MatterFactory, UnitFactory, UserFactory
from tests.tools import TZ

S = Matter.Status
A = MatterEvent.Action
MONDAY = "2026-09-14 10:00 +0800"  # an ordinary working week


def local(value: datetime) -> str:
    return timezone.localtime(value, TZ).strftime("%Y-%m-%d %H:%M")


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(MONDAY, tick=False)  # the clock moves only when a test moves it


@dataclass
class Cast:
    org: object
    admin: User
    dispatcher: User
    other_dispatcher: User
    leader: User
    handler: User
    colleague: User
    other_handler: User
    grid_worker: User
    harbor_staff: User

    def __getitem__(self, role: str) -> User:
        return getattr(self, role)


ROLES = ["admin", "dispatcher", "other_dispatcher", "leader", "handler", "other_handler", "grid_worker",
         "harbor_staff"]


@pytest.fixture
def cast(org, alice, bob, charlie, admin_user) -> Cast:
    return Cast(
        org=org, admin=admin_user, dispatcher=alice, other_dispatcher=charlie, leader=bob,
        handler=UserFactory(username="police1", full_name="赵警官", role=User.Role.UNIT_HANDLER, unit=org.police),
        colleague=UserFactory(username="police2", full_name="钱警官", role=User.Role.UNIT_HANDLER, unit=org.police),
        other_handler=UserFactory(username="justice1", full_name="孙科员", role=User.Role.UNIT_HANDLER,
                                  unit=org.justice),
        grid_worker=UserFactory(username="grid1", full_name="周网格", role=User.Role.GRID_WORKER,
                                areas=[org.grid]),
        harbor_staff=UserFactory(username="desk1", full_name="吴前台", role=User.Role.HARBOR_STAFF,
                                 harbor=org.harbor),
    )


def fresh(matter: Matter) -> Matter:
    return Matter.objects.get(pk=matter.pk)


def new_matter(cast: Cast, **kwargs) -> Matter:
    kwargs.setdefault("area", cast.org.grid)
    kwargs.setdefault("harbor", cast.org.harbor)
    return MatterFactory(actor=cast.dispatcher, **kwargs)


def make(cast: Cast, state: str, **kwargs) -> Matter:
    """A matter brought to `state` through the actions, the way people get it there."""
    c = cast
    matter = new_matter(c, **kwargs)
    if state == "received":
        return fresh(matter)
    if state == "merged":
        actions.merge_matter(matter, actor=c.dispatcher, into=new_matter(c))
        return fresh(matter)
    if state == "rejected":
        actions.reject_matter(matter, actor=c.dispatcher, reason="咨询类，已当场答复")
        return fresh(matter)
    actions.dispatch_matter(matter, actor=c.dispatcher, unit=c.org.police)
    if state == "dispatched":
        return fresh(matter)
    if state == "supervised":
        actions.issue_supervision(actor=c.leader, matters=[matter], level="normal", reason="请尽快签收办理",
                                  reply_due=date(2026, 9, 17))
        return fresh(matter)
    if state == "returned":
        actions.return_matter(matter, actor=c.handler, reason="不属于我单位职责")
        return fresh(matter)
    actions.accept_matter(matter, actor=c.handler)
    if state == "accepted":
        return fresh(matter)
    if state == "accepted_ext":
        actions.request_extension(matter, actor=c.handler, days=3, reason="需要等待物业提供监控")
        return fresh(matter)
    actions.add_note(matter, actor=c.handler, note="已电话联系报告人，约定明天上门")
    if state == "in_progress":
        return fresh(matter)
    actions.resolve_matter(matter, actor=c.handler, result="已上门处理完毕")
    if state == "resolved":
        return fresh(matter)
    if state == "closed":
        actions.close_matter(matter, actor=c.dispatcher, note="报告人电话无法接通")
        return fresh(matter)
    actions.record_follow_up(matter, actor=c.dispatcher, channel="phone", contacted=True, solved=False,
                             satisfaction="unsatisfied", comment="没解决")
    if state == "reopened":
        return fresh(matter)
    actions.accept_matter(matter, actor=c.handler)
    actions.resolve_matter(matter, actor=c.handler, result="再次上门处理")
    assert state == "resolved_again", state
    return fresh(matter)


# --- the actions as a user triggers them -------------------------------------------------------


def _dispatch(m, u, c):
    return actions.dispatch_matter(m, actor=u, unit=c.org.police, note="请公安分局处理")


def _redispatch(m, u, c):
    return actions.dispatch_matter(m, actor=u, unit=c.org.justice, note="改派司法局")


def _accept(m, u, c):
    return actions.accept_matter(m, actor=u)


def _return(m, u, c):
    return actions.return_matter(m, actor=u, reason="属于占道经营，应由综合执法局处理")


def _assign(m, u, c):
    return actions.assign_matter(m, actor=u, assignee=c.colleague)


def _note(m, u, c):
    return actions.add_note(m, actor=u, note="已到现场查看")


def _request_extension(m, u, c):
    return actions.request_extension(m, actor=u, days=3, reason="需协调自来水公司")


def _approve(m, u, c):
    return actions.decide_extension(m, actor=u, approve=True, note="同意")


def _deny(m, u, c):
    return actions.decide_extension(m, actor=u, approve=False, note="理由不充分")


def _resolve(m, u, c):
    return actions.resolve_matter(m, actor=u, result="已修复")


def _satisfied(m, u, c):
    return actions.record_follow_up(m, actor=u, channel="phone", contacted=True, solved=True,
                                    satisfaction="basic")


def _unsatisfied(m, u, c):
    return actions.record_follow_up(m, actor=u, channel="phone", contacted=True, solved=False,
                                    satisfaction="unsatisfied", comment="还是漏")


def _close(m, u, c):
    return actions.close_matter(m, actor=u, note="已归档")


SPARE = "团结路与建设路交叉口水管爆裂，水漫到马路上"


def spare(cast: Cast) -> Matter:
    """Another report of the same incident, to merge into."""
    return new_matter(cast, description=SPARE)


def _merge(m, u, c):
    return actions.merge_matter(m, actor=u, into=Matter.objects.get(description=SPARE))


def _unmerge(m, u, c):
    return actions.unmerge_matter(m, actor=u)


def _reject(m, u, c):
    return actions.reject_matter(m, actor=u, reason="不属于受理范围")


def _supervise(m, u, c):
    return actions.issue_supervision(actor=u, matters=[m], level="key", reason="群众反映强烈",
                                     reply_due=date(2026, 9, 16))


def _reply(m, u, c):
    return actions.reply_supervision(m.supervisions.get(), actor=u, reply="已签收，明天上门")


def _close_supervision(m, u, c):
    return actions.close_supervision(m.supervisions.get(), actor=u)


@dataclass
class Spec:
    state: str
    call: object
    ok: set  # roles that succeed
    events: list  # (action, from, to) written on the matter; actor "user" or None (the system)
    hidden: set = field(default_factory=set)  # roles besides the other area/unit that get 404
    rule: str = ""  # the rules.STATES action


HIDDEN = {"other_dispatcher", "other_handler"}
DISPATCH_ROLES = {"admin", "dispatcher"}
UNIT_ROLES = {"admin", "handler"}

SPECS = {
    "dispatch": Spec("received", _dispatch, DISPATCH_ROLES, [(A.DISPATCHED, S.RECEIVED, S.DISPATCHED)],
                     hidden={"handler"}, rule="dispatch"),
    "redispatch_returned": Spec("returned", _redispatch, DISPATCH_ROLES,
                                [(A.DISPATCHED, S.RETURNED, S.DISPATCHED)], rule="dispatch"),
    "reassign_dispatched": Spec("dispatched", _redispatch, DISPATCH_ROLES,
                                [(A.DISPATCHED, S.DISPATCHED, S.DISPATCHED)], rule="dispatch"),
    "accept": Spec("dispatched", _accept, UNIT_ROLES, [(A.ACCEPTED, S.DISPATCHED, S.ACCEPTED)], rule="accept"),
    "accept_reopened": Spec("reopened", _accept, UNIT_ROLES, [(A.ACCEPTED, S.REOPENED, S.ACCEPTED)],
                            rule="accept"),
    "return": Spec("dispatched", _return, UNIT_ROLES, [(A.RETURNED, S.DISPATCHED, S.RETURNED)], rule="return"),
    "return_accepted": Spec("accepted", _return, UNIT_ROLES, [(A.RETURNED, S.ACCEPTED, S.RETURNED)],
                            rule="return"),
    "assign": Spec("accepted", _assign, {"admin", "dispatcher", "handler"},
                   [(A.ASSIGNED, S.ACCEPTED, S.ACCEPTED)], rule="assign"),
    "note": Spec("accepted", _note, {"admin", "dispatcher", "handler", "grid_worker"},
                 [(A.NOTE, S.ACCEPTED, S.ACCEPTED)], rule="note"),  # the handler's note: see below
    "request_extension": Spec("accepted", _request_extension, UNIT_ROLES,
                              [(A.EXTENSION_REQUESTED, S.ACCEPTED, S.ACCEPTED)], rule="request_extension"),
    "approve_extension": Spec("accepted_ext", _approve, DISPATCH_ROLES,
                              [(A.EXTENSION_APPROVED, S.ACCEPTED, S.ACCEPTED)], rule="decide_extension"),
    "deny_extension": Spec("accepted_ext", _deny, DISPATCH_ROLES,
                           [(A.EXTENSION_DENIED, S.ACCEPTED, S.ACCEPTED)], rule="decide_extension"),
    "resolve": Spec("in_progress", _resolve, UNIT_ROLES, [(A.RESOLVED, S.IN_PROGRESS, S.RESOLVED)],
                    rule="resolve"),
    # The follow-up is recorded (one event) and moves the matter (a second one).
    "follow_up_satisfied": Spec("resolved", _satisfied, {"admin", "dispatcher", "grid_worker", "harbor_staff"},
                                [(A.FOLLOW_UP, S.RESOLVED, S.RESOLVED), (A.CLOSED, S.RESOLVED, S.CLOSED)],
                                rule="follow_up"),
    "follow_up_unsatisfied": Spec("resolved", _unsatisfied, {"admin", "dispatcher", "grid_worker", "harbor_staff"},
                                  [(A.FOLLOW_UP, S.RESOLVED, S.RESOLVED), (A.REOPENED, S.RESOLVED, S.REOPENED)],
                                  rule="follow_up"),
    "follow_up_unsatisfied_again": Spec(
        "resolved_again", _unsatisfied, {"admin", "dispatcher", "grid_worker", "harbor_staff"},
        [(A.FOLLOW_UP, S.RESOLVED, S.RESOLVED), (A.SUPERVISED, S.RESOLVED, S.RESOLVED, None)], rule="follow_up",
    ),
    "close": Spec("resolved", _close, DISPATCH_ROLES, [(A.CLOSED, S.RESOLVED, S.CLOSED)], rule="close"),
    "merge": Spec("received", _merge, DISPATCH_ROLES, [(A.MERGED, S.RECEIVED, S.MERGED)], hidden={"handler"},
                  rule="merge"),
    "unmerge": Spec("merged", _unmerge, DISPATCH_ROLES, [(A.UNMERGED, S.MERGED, S.RECEIVED)],
                    hidden={"handler"}, rule="unmerge"),
    "reject": Spec("received", _reject, DISPATCH_ROLES, [(A.REJECTED, S.RECEIVED, S.REJECTED)],
                   hidden={"handler"}, rule="reject"),
    "supervise": Spec("dispatched", _supervise, {"admin", "dispatcher", "leader"},
                      [(A.SUPERVISED, S.DISPATCHED, S.DISPATCHED)], rule="supervise"),
    "reply_supervision": Spec("supervised", _reply, UNIT_ROLES,
                              [(A.SUPERVISION_REPLIED, S.DISPATCHED, S.DISPATCHED)]),
    "close_supervision": Spec(
        "supervised", _close_supervision, {"admin", "dispatcher", "leader"},
        [(A.SUPERVISION_CLOSED, S.DISPATCHED, S.DISPATCHED)],
    ),
}


def expected_outcome(spec: Spec, role: str) -> str:
    if role in spec.ok:
        return "ok"
    if role in HIDDEN or role in spec.hidden:
        return "404"
    return "403"


def snapshot(matter: Matter) -> dict:
    matter = fresh(matter)
    return {
        "matter": {f.attname: getattr(matter, f.attname) for f in Matter._meta.concrete_fields},
        "co_units": sorted(matter.co_units.values_list("pk", flat=True)),
        "events": MatterEvent.objects.count(),
        "supervisions": list(Supervision.objects.values_list("pk", "status", "reply")),
        "extensions": list(Extension.objects.values_list("pk", "status", "new_due_at")),
        "follow_ups": FollowUp.objects.count(),
        "matters": Matter.objects.count(),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(SPECS))
def test_every_action_from_every_role(cast, name, role):
    spec = SPECS[name]
    matter = make(cast, spec.state)
    spare(cast)
    user = cast[role]
    outcome = expected_outcome(spec, role)
    before = snapshot(matter)
    last_event = MatterEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    if outcome == "404":
        with pytest.raises(Http404):
            spec.call(matter, user, cast)
    elif outcome == "403":
        with pytest.raises(PermissionDenied):
            spec.call(matter, user, cast)
    else:
        spec.call(matter, user, cast)

    if outcome != "ok":
        assert snapshot(matter) == before, "a refused action changed something"
        return
    assert snapshot(matter) != before

    written = list(matter.events.filter(pk__gt=last_event).order_by("pk"))
    expected = []
    for action, from_status, to_status, *who in spec.events:
        actor = who[0] if who else user
        if name == "note" and role == "handler":  # the unit's first note starts the work
            to_status = S.IN_PROGRESS
        expected.append((action, from_status, to_status, actor.pk if actor else None))
    assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in written] == expected
    current = fresh(matter)
    if written:
        assert written[-1].to_status == current.status
    for event in written:
        assert event.at is not None


# --- refused because of the state: a clear message, nothing written -----------------------------

ALL_STATES = ["received", "dispatched", "accepted", "in_progress", "returned", "resolved", "reopened", "closed",
              "merged", "rejected"]

STATE_CALLS = {
    "dispatch": _dispatch,
    "accept": _accept,
    "return": _return,
    "assign": _assign,
    "note": _note,
    "request_extension": _request_extension,
    "decide_extension": _approve,
    "resolve": _resolve,
    "follow_up": _satisfied,
    "close": _close,
    "merge": _merge,
    "unmerge": _unmerge,
    "reject": _reject,
    "supervise": _supervise,
}

WRONG_STATES = [
    (action, state) for action in STATE_CALLS for state in ALL_STATES if state not in rules.STATES[action]
]


def test_every_rule_is_exercised():
    assert set(STATE_CALLS) == set(rules.STATES)
    assert {spec.rule for spec in SPECS.values() if spec.rule} == set(rules.STATES)


@pytest.mark.parametrize(("action", "state"), WRONG_STATES)
def test_wrong_state_is_a_conflict(cast, action, state):
    """Even the administrator cannot do it; the message says what state the matter is in."""
    matter = make(cast, state)
    spare(cast)
    before = snapshot(matter)
    with pytest.raises(ConflictError) as caught:
        STATE_CALLS[action](matter, cast.admin, cast)
    assert caught.value.status_code == 409
    assert str(Matter.Status(matter.status).label) in str(caught.value.message)
    assert caught.value.extra["status"] == matter.status
    assert snapshot(matter) == before


@pytest.mark.parametrize(
    ("action", "state", "role"),
    [
        ("accept", "accepted", "handler"),  # someone signed for it already
        ("accept", "returned", "handler"),
        ("resolve", "dispatched", "handler"),  # not accepted yet
        ("resolve", "resolved", "handler"),
        ("dispatch", "accepted", "dispatcher"),  # the unit is already working on it
        ("close", "in_progress", "dispatcher"),
        ("reject", "dispatched", "dispatcher"),
        ("follow_up", "in_progress", "grid_worker"),
    ],
)
def test_wrong_state_for_the_right_person(cast, action, state, role):
    matter = make(cast, state)
    spare(cast)
    before = snapshot(matter)
    with pytest.raises(ConflictError):
        STATE_CALLS[action](matter, cast[role], cast)
    assert snapshot(matter) == before


def test_expected_status_mismatch(cast):
    """alice opened the matter while it was new; meanwhile it was dispatched by someone else."""
    matter = make(cast, "received")
    actions.dispatch_matter(matter, actor=cast.admin, unit=cast.org.justice)
    before = snapshot(matter)
    with pytest.raises(ConflictError) as caught:
        actions.dispatch_matter(matter, actor=cast.dispatcher, unit=cast.org.police, expected_status="received")
    assert str(S.DISPATCHED.label) in str(caught.value.message)
    assert caught.value.extra == {"status": "dispatched"}
    assert snapshot(matter) == before
    for call, expected in [
        (lambda: actions.accept_matter(matter, actor=cast.admin, expected_status="received"), "dispatched"),
        (lambda: actions.return_matter(matter, actor=cast.admin, reason="x", expected_status="accepted"),
         "dispatched"),
        (lambda: actions.reject_matter(matter, actor=cast.admin, reason="x", expected_status="received"),
         "dispatched"),
    ]:
        with pytest.raises(ConflictError) as caught:
            call()
        assert caught.value.extra["status"] == expected
    assert snapshot(matter) == before
    # With the status the user saw, it works.
    actions.accept_matter(matter, actor=cast.admin, expected_status="dispatched")


# --- the details a user notices ------------------------------------------------------------------


def test_dispatch_records_before_and_after(cast):
    category_matter = make(cast, "received")
    actions.dispatch_matter(category_matter, actor=cast.dispatcher, unit=cast.org.police,
                            co_units=[cast.org.women, cast.org.police], assignee=cast.handler, urgency="complex",
                            note="请公安牵头，妇联配合")
    matter = fresh(category_matter)
    assert matter.status == S.DISPATCHED and matter.unit == cast.org.police and matter.assignee == cast.handler
    assert list(matter.co_units.all()) == [cast.org.women]  # the responsible unit is not its own co-unit
    assert matter.due_at == matter.accept_due_at
    assert local(matter.accept_due_at) == "2026-09-15 10:00"
    assert local(matter.resolve_due_at) == "2026-10-10 10:00"  # complex: 15 working days, to the 调休 Saturday
    event = matter.events.get(action=A.DISPATCHED)
    assert event.actor == cast.dispatcher and event.unit == cast.org.police and event.public
    assert event.note == "请公安牵头，妇联配合"
    assert event.data == {"urgency": ["normal", "complex"], "unit": [None, "police"], "co_units": ["women"]}
    # The co-unit sees the matter and may add notes, but does not sign for it.
    women = UserFactory(role=User.Role.PORT_STAFF, unit=cast.org.women)
    actions.add_note(matter, actor=women, note="妇联已联系当事人家属")
    assert fresh(matter).status == S.DISPATCHED
    with pytest.raises(PermissionDenied):
        actions.accept_matter(matter, actor=women)


def test_accept_starts_the_resolve_clock(cast):
    matter = make(cast, "dispatched")
    actions.accept_matter(matter, actor=cast.handler)
    matter = fresh(matter)
    assert matter.status == S.ACCEPTED and matter.accepted_at is not None and not matter.accept_late
    # 5 working days: Sep 15-18 and the 调休 Sunday Sep 20.
    assert matter.due_at == matter.resolve_due_at and local(matter.due_at) == "2026-09-20 10:00"
    assert matter.assignee == cast.handler  # the one who signed handles it unless assigned


def test_accepting_late_is_remembered(cast, time_machine):
    matter = make(cast, "dispatched")
    time_machine.move_to("2026-09-15 11:00 +0800")  # the accept limit ended at 10:00
    actions.accept_matter(matter, actor=cast.handler)
    assert fresh(matter).accept_late


def test_return_within_the_day_records_how_long_the_unit_held_it(cast, time_machine):
    """Scenario 4: the market bureau returns a misrouted report the same day."""
    matter = make(cast, "dispatched")
    time_machine.move_to("2026-09-14 14:30 +0800")
    actions.return_matter(matter, actor=cast.handler, reason="属于占道经营，应由综合执法局处理")
    matter = fresh(matter)
    assert matter.status == S.RETURNED and matter.due_at is None and matter.assignee is None
    event = matter.events.get(action=A.RETURNED)
    assert event.unit == cast.org.police and event.note == "属于占道经营，应由综合执法局处理"
    assert event.data == {"held_seconds": 4 * 3600 + 30 * 60}
    held = queries.held_durations(matter)
    assert [(h["unit"], h["seconds"], h["reason"]) for h in held] == [
        (cast.org.police, 16200, "属于占道经营，应由综合执法局处理")
    ]
    assert matter in queries.inbox(cast.dispatcher, "dispatch")


def test_return_after_the_return_deadline_is_refused(cast, time_machine):
    matter = make(cast, "dispatched")
    assert local(matter.return_due_at) == "2026-09-15 10:00"
    time_machine.move_to("2026-09-15 10:05 +0800")
    before = snapshot(matter)
    with pytest.raises(ConflictError) as caught:
        actions.return_matter(matter, actor=cast.handler, reason="不归我们管")
    assert "2026-09-15 10:00" in str(caught.value.message)
    assert snapshot(matter) == before
    assert "return" not in rules.allowed_actions(cast.handler, fresh(matter))  # no button that cannot work
    # The administrator can still correct a misrouting.
    assert "return" in rules.allowed_actions(cast.admin, fresh(matter))
    actions.return_matter(matter, actor=cast.admin, reason="管理员更正分拨")
    assert fresh(matter).status == S.RETURNED


def test_redispatch_after_return_resets_the_deadlines(cast, time_machine):
    matter = make(cast, "dispatched")
    time_machine.move_to("2026-09-14 16:00 +0800")
    actions.return_matter(matter, actor=cast.handler, reason="应由司法局处理")
    time_machine.move_to("2026-09-16 09:00 +0800")  # the dispatcher gets to it two days later
    actions.dispatch_matter(matter, actor=cast.dispatcher, unit=cast.org.justice)
    matter = fresh(matter)
    assert matter.status == S.DISPATCHED and matter.unit == cast.org.justice
    assert local(matter.dispatched_at) == "2026-09-16 09:00"
    assert local(matter.accept_due_at) == "2026-09-17 09:00"
    assert local(matter.return_due_at) == "2026-09-17 09:00"
    assert local(matter.resolve_due_at) == "2026-09-22 09:00"  # 17, 18, the 调休 Sunday 20, 21, 22
    assert matter.due_at == matter.accept_due_at
    assert matter.overdue_at is None and matter.warned_at is None
    assert matter.events.filter(action=A.DISPATCHED).last().data == {"unit": ["police", "justice"]}
    justice = UserFactory(role=User.Role.UNIT_HANDLER, unit=cast.org.justice)
    actions.accept_matter(matter, actor=justice)
    # It is no longer the police's matter: for them it is gone.
    with pytest.raises(Http404):
        actions.resolve_matter(matter, actor=cast.handler, result="x")


def test_redispatch_resets_sweep_markers(cast, time_machine):
    matter = make(cast, "dispatched")
    time_machine.move_to("2026-09-15 12:00 +0800")
    actions.sweep_deadlines()
    matter = fresh(matter)
    assert matter.overdue_at and matter.auto_supervised_at and matter.warned_at is None
    actions.dispatch_matter(matter, actor=cast.dispatcher, unit=cast.org.justice)  # 改派
    matter = fresh(matter)
    assert (matter.warned_at, matter.overdue_at, matter.auto_supervised_at, matter.escalated_at) == (None,) * 4
    assert local(matter.due_at) == "2026-09-16 12:00"


def test_a_late_acceptance_is_not_held_against_the_next_unit(cast, time_machine):
    """The police sign late and then find it is not theirs (the administrator lets them
    return it); the justice bureau, dispatched afresh, signs in time."""
    matter = make(cast, "dispatched")
    time_machine.move_to("2026-09-15 11:00 +0800")
    actions.accept_matter(matter, actor=cast.handler)
    assert fresh(matter).accept_late
    actions.return_matter(matter, actor=cast.admin, reason="应由司法局处理")
    actions.dispatch_matter(matter, actor=cast.dispatcher, unit=cast.org.justice)
    actions.accept_matter(matter, actor=UserFactory(role=User.Role.UNIT_HANDLER, unit=cast.org.justice))
    assert not fresh(matter).accept_late


def test_assign_within_the_unit_only(cast):
    matter = make(cast, "accepted")
    actions.assign_matter(matter, actor=cast.handler, assignee=cast.colleague)
    event = fresh(matter).events.get(action=A.ASSIGNED)
    assert event.data == {"assignee": ["police1", "police2"]}
    before = snapshot(matter)
    with pytest.raises(ActionError) as caught:
        actions.assign_matter(matter, actor=cast.dispatcher, assignee=cast.other_handler)
    assert caught.value.extra == {"field": "assignee"}
    assert snapshot(matter) == before


def test_notes_start_the_work_only_for_the_unit(cast):
    matter = make(cast, "accepted")
    actions.add_note(matter, actor=cast.grid_worker, note="网格员回访：仍在漏水")
    assert fresh(matter).status == S.ACCEPTED
    event = actions.add_note(matter, actor=cast.handler, note="已安排维修")
    assert fresh(matter).status == S.IN_PROGRESS
    assert (event.from_status, event.to_status, event.unit) == (S.ACCEPTED, S.IN_PROGRESS, cast.org.police)
    with pytest.raises(ActionError) as caught:
        actions.add_note(matter, actor=cast.handler, note="   ")
    assert caught.value.extra == {"field": "note"}


def test_approving_an_extension_moves_the_deadline(cast, time_machine):
    time_machine.move_to("2026-09-28 10:00 +0800")
    matter = make(cast, "accepted")
    assert local(matter.resolve_due_at) == "2026-10-10 10:00"  # Sep 29, 30, Oct 8, 9, working Sat 10
    time_machine.move_to("2026-10-09 12:00 +0800")  # within the last quarter: the sweep warns
    assert actions.sweep_deadlines()["warned"] == 1
    extension = actions.request_extension(matter, actor=cast.handler, days=2, reason="等待物业提供监控录像")
    assert extension.old_due_at == fresh(matter).resolve_due_at
    with pytest.raises(ConflictError):  # one request at a time
        actions.request_extension(matter, actor=cast.handler, days=1, reason="再延一天")
    assert matter in queries.inbox(cast.dispatcher, "extensions")
    actions.decide_extension(matter, actor=cast.dispatcher, approve=True, note="同意延期")
    matter, extension = fresh(matter), Extension.objects.get()
    assert extension.status == "approved" and extension.decided_by == cast.dispatcher
    assert local(extension.new_due_at) == local(matter.resolve_due_at) == "2026-10-13 10:00"  # + Oct 12, 13
    assert matter.due_at == matter.resolve_due_at
    assert matter.warned_at is None and matter.overdue_at is None
    assert matter.warn_at > timezone.now()
    event = matter.events.get(action=A.EXTENSION_APPROVED)
    assert event.data["days"] == 2 and event.data["new_due_at"].startswith("2026-10-13T10:00")
    assert matter not in queries.inbox(cast.dispatcher, "extensions")
    with pytest.raises(ConflictError):  # nothing waits for a decision any more
        actions.decide_extension(matter, actor=cast.dispatcher, approve=True)


def test_extension_of_an_overdue_matter_counts_from_now(cast, time_machine):
    time_machine.move_to("2026-09-28 10:00 +0800")
    matter = make(cast, "accepted")
    time_machine.move_to("2026-10-10 11:00 +0800")  # an hour past the deadline
    assert actions.sweep_deadlines()["overdue"] == 1
    assert fresh(matter).overdue_at is not None
    actions.request_extension(matter, actor=cast.handler, days=1, reason="材料未到")
    actions.decide_extension(matter, actor=cast.dispatcher, approve=True)
    matter = fresh(matter)
    assert local(matter.resolve_due_at) == "2026-10-12 11:00"
    assert (matter.overdue_at, matter.auto_supervised_at, matter.warned_at) == (None, None, None)
    assert actions.sweep_deadlines() == {"warned": 0, "overdue": 0, "supervised": 0, "escalated": 0}


def test_a_denied_extension_changes_no_deadline(cast, time_machine):
    time_machine.move_to("2026-09-28 10:00 +0800")
    matter = make(cast, "accepted")
    time_machine.move_to("2026-10-10 11:00 +0800")
    actions.sweep_deadlines()
    matter = fresh(matter)
    actions.request_extension(matter, actor=cast.handler, days=5, reason="人手不够")
    actions.decide_extension(matter, actor=cast.dispatcher, approve=False, note="请尽快办理")
    after = fresh(matter)
    assert Extension.objects.get().status == "denied" and Extension.objects.get().new_due_at is None
    for name in ("resolve_due_at", "due_at", "warn_at", "warned_at", "overdue_at", "auto_supervised_at"):
        assert getattr(after, name) == getattr(matter, name), name
    assert after.events.get(action=A.EXTENSION_DENIED).note == "请尽快办理"
    # The unit may ask again after a denial.
    actions.request_extension(matter, actor=cast.handler, days=2, reason="补充理由：需要第三方鉴定")


@pytest.mark.parametrize("days", [0, 31, -1, "3"])
def test_extension_days_are_checked(cast, days):
    matter = make(cast, "accepted")
    with pytest.raises(ActionError) as caught:
        actions.request_extension(matter, actor=cast.handler, days=days, reason="理由")
    assert caught.value.extra == {"field": "days"}
    assert not Extension.objects.exists()


def test_resolve_and_close(cast, time_machine):
    matter = make(cast, "in_progress")
    time_machine.move_to("2026-09-22 10:00 +0800")  # the resolve deadline was Sunday Sep 20 (调休)
    actions.resolve_matter(matter, actor=cast.handler, result="已更换水管，恢复供水")
    matter = fresh(matter)
    assert matter.status == S.RESOLVED and matter.resolve_late and matter.due_at is None
    assert matter.result == "已更换水管，恢复供水"
    actions.close_matter(matter, actor=cast.dispatcher, note="三次回访无人接听")
    matter = fresh(matter)
    assert matter.status == S.CLOSED and matter.closed_at is not None


def test_follow_up_satisfied_closes(cast):
    matter = make(cast, "resolved")
    follow_up = actions.record_follow_up(matter, actor=cast.grid_worker, channel="visit", contacted=True,
                                         solved=True, satisfaction="basic", comment="基本满意")
    matter = fresh(matter)
    assert matter.status == S.CLOSED and matter.satisfaction == "basic" and matter.closed_at
    assert (follow_up.recorded_by, follow_up.contacted, follow_up.solved) == (cast.grid_worker, True, True)
    assert matter.events.get(action=A.FOLLOW_UP).data == {
        "contacted": True, "solved": True, "satisfaction": "basic", "channel": "visit"
    }


def test_satisfied_but_not_solved_reopens(cast):
    matter = make(cast, "resolved")
    actions.record_follow_up(matter, actor=cast.dispatcher, channel="phone", contacted=True, solved=False,
                             satisfaction="satisfied")
    assert fresh(matter).status == S.REOPENED


def test_unsatisfied_reopens_once_then_supervision(cast, time_machine):
    matter = make(cast, "resolved")
    time_machine.move_to("2026-09-16 15:00 +0800")
    actions.record_follow_up(matter, actor=cast.dispatcher, channel="phone", contacted=True, solved=False,
                             satisfaction="unsatisfied", comment="还是漏水")
    matter = fresh(matter)
    assert matter.status == S.REOPENED and matter.reopen_count == 1 and matter.resolved_at is None
    assert local(matter.accept_due_at) == "2026-09-17 15:00"  # a fresh clock from the follow-up
    assert local(matter.resolve_due_at) == "2026-09-22 15:00"
    assert matter.due_at == matter.accept_due_at and matter.overdue_at is None
    assert matter.unit == cast.org.police and matter in queries.inbox(cast.handler, "unit")
    with pytest.raises(ConflictError):  # a reopened matter is not "misrouted"
        actions.return_matter(matter, actor=cast.handler, reason="不归我们管")
    actions.accept_matter(matter, actor=cast.handler)
    actions.resolve_matter(matter, actor=cast.handler, result="更换了整段水管")
    actions.record_follow_up(matter, actor=cast.dispatcher, channel="phone", contacted=True, solved=False,
                             satisfaction="unsatisfied", comment="还是不行")
    matter = fresh(matter)
    assert matter.status == S.RESOLVED and matter.reopen_count == 1 and matter.supervised
    order = Supervision.objects.get()
    assert (order.origin, order.level, order.unit, order.status) == ("follow_up", "key", cast.org.police, "open")
    assert list(order.matters.all()) == [matter]
    assert order.reply_due == date(2026, 9, 18)  # 2 working days
    # The dispatcher can still close it (e.g. after the supervision is answered).
    actions.close_matter(matter, actor=cast.dispatcher)


def test_follow_up_input_is_checked(cast):
    matter = make(cast, "resolved")
    before = snapshot(matter)
    with pytest.raises(ActionError) as caught:
        actions.record_follow_up(matter, actor=cast.dispatcher, channel="phone", contacted=True, solved=True,
                                 satisfaction="great")
    assert caught.value.extra == {"field": "satisfaction"}
    with pytest.raises(ActionError) as caught:
        actions.record_follow_up(matter, actor=cast.dispatcher, channel="pigeon", contacted=True, solved=True,
                                 satisfaction="satisfied")
    assert caught.value.extra == {"field": "channel"}
    assert snapshot(matter) == before


def test_merge_duplicates_follow_the_main_matter(cast):
    """Scenario 2: five reports of one burst pipe."""
    main, second, third, fourth = (make(cast, "received") for _ in range(4))
    actions.merge_matter(third, actor=cast.dispatcher, into=second)
    actions.merge_matter(fourth, actor=cast.dispatcher, into=second)
    actions.merge_matter(second, actor=cast.dispatcher, into=main)  # second turned out a duplicate too
    for dup in (second, third, fourth):
        dup = fresh(dup)
        assert dup.status == S.MERGED and dup.merged_into_id == main.pk and dup.due_at is None
    assert set(fresh(main).duplicates.all()) == {fresh(second), fresh(third), fresh(fourth)}
    event = fresh(second).events.filter(action=A.MERGED).last()
    assert (event.from_status, event.to_status, event.data) == (S.RECEIVED, S.MERGED,
                                                                {"into": main.tracking_code})
    on_main = fresh(main).events.get(action=A.MERGED)
    assert (on_main.from_status, on_main.to_status, on_main.data) == (S.RECEIVED, S.RECEIVED,
                                                                      {"duplicate": second.tracking_code})
    assert fresh(main).status == S.RECEIVED
    # The main matter is dispatched once.
    actions.dispatch_matter(main, actor=cast.dispatcher, unit=cast.org.police)


def test_merge_refusals(cast, org):
    main, dup, other = (make(cast, "received") for _ in range(3))
    actions.merge_matter(dup, actor=cast.dispatcher, into=main)
    far = MatterFactory(actor=cast.other_dispatcher, area=org.tuanjie)
    before = snapshot(other)
    for into, message_field in [(other, "into"), (dup, "into"), (far, "into")]:
        with pytest.raises(ActionError) as caught:
            actions.merge_matter(other, actor=cast.dispatcher, into=into)
        assert caught.value.extra == {"field": message_field}
    assert snapshot(other) == before
    with pytest.raises(ActionError):  # nor into a rejected one
        rejected = make(cast, "rejected")
        actions.merge_matter(other, actor=cast.dispatcher, into=rejected)
    assert fresh(other).status == S.RECEIVED


def test_reject_needs_a_reason(cast):
    matter = make(cast, "received")
    before = snapshot(matter)
    with pytest.raises(ActionError) as caught:
        actions.reject_matter(matter, actor=cast.dispatcher, reason="  ")
    assert caught.value.extra == {"field": "reason"}
    assert snapshot(matter) == before
    actions.reject_matter(matter, actor=cast.dispatcher, reason="属于民事纠纷，请向法院起诉")
    matter = fresh(matter)
    assert matter.status == S.REJECTED and matter.closed_at and matter.events.get(action=A.REJECTED).public


@pytest.mark.parametrize("leave", ["resolve", "return"])
def test_a_pending_extension_lapses_when_the_matter_leaves_the_unit(cast, leave):
    matter = make(cast, "accepted_ext")
    assert matter in queries.inbox(cast.dispatcher, "extensions")
    if leave == "resolve":
        actions.resolve_matter(matter, actor=cast.handler, result="已提前办结")
    else:
        actions.return_matter(matter, actor=cast.handler, reason="不属于公安职责")
    extension = Extension.objects.get()
    assert extension.status == "denied" and extension.decided_by is None and extension.decided_at
    assert extension.new_due_at is None and extension.decision_note
    assert matter not in queries.inbox(cast.dispatcher, "extensions")
    assert not fresh(matter).events.filter(action__in=[A.EXTENSION_APPROVED, A.EXTENSION_DENIED]).exists()
    # Handled again later, the unit may ask for more time again.
    if leave == "resolve":
        actions.record_follow_up(matter, actor=cast.dispatcher, channel="phone", contacted=True, solved=False,
                                 satisfaction="unsatisfied")
    else:
        actions.dispatch_matter(matter, actor=cast.dispatcher, unit=cast.org.police)
    actions.accept_matter(matter, actor=cast.handler)
    assert "request_extension" in rules.allowed_actions(cast.handler, fresh(matter))
    actions.request_extension(matter, actor=cast.handler, days=2, reason="重办需要时间")
    assert Extension.objects.filter(status="requested").count() == 1


# --- registering ------------------------------------------------------------------------------------


def test_registering_is_for_people_who_may_write(cast):
    with pytest.raises(PermissionDenied):
        actions.create_matter(actor=cast.leader, description="楼道灯不亮", area=cast.org.grid)
    assert not Matter.objects.exists()


def test_registering_outside_ones_area_is_refused(cast):
    with pytest.raises(ActionError) as caught:
        actions.create_matter(actor=cast.dispatcher, description="楼道灯不亮", area=cast.org.tuanjie)
    assert caught.value.extra == {"field": "area"}


def test_registering_without_a_place(cast):
    """It lands where the person who registered it can still see it."""
    mine, check = actions.create_matter(actor=cast.dispatcher, description="楼道灯不亮")
    assert mine.area == cast.org.xinda and mine.area_path == cast.org.xinda.path and len(check) == 6
    assert queries.get_matter(cast.dispatcher, mine.pk) == mine
    at_desk, _ = actions.create_matter(actor=cast.harbor_staff, description="楼道灯不亮", harbor=cast.org.harbor)
    assert at_desk.area == cast.org.yongchang and at_desk.domain == cast.org.domain
    by_admin, _ = actions.create_matter(actor=cast.admin, description="楼道灯不亮")
    assert by_admin.area == cast.org.district
    two_streets = UserFactory(role=User.Role.DISPATCHER, areas=[cast.org.xinda, cast.org.sandaokan])
    with pytest.raises(ActionError) as caught:
        actions.create_matter(actor=two_streets, description="楼道灯不亮")
    assert caught.value.extra == {"field": "area"}
    created = fresh(mine).events.get()
    assert (created.action, created.actor, created.to_status, created.public) == (A.CREATED, cast.dispatcher,
                                                                                  S.RECEIVED, True)


# --- nothing half-written -------------------------------------------------------------------------


def test_dispatch_with_a_person_of_another_unit_changes_nothing(cast):
    matter = make(cast, "received")
    before = snapshot(matter)
    with pytest.raises(ActionError) as caught:
        actions.dispatch_matter(matter, actor=cast.dispatcher, unit=cast.org.police, co_units=[cast.org.women],
                                assignee=cast.other_handler, urgency="urgent")
    assert caught.value.extra == {"field": "assignee"}
    assert snapshot(matter) == before
    assert fresh(matter).status == S.RECEIVED


def test_dispatch_to_an_inactive_unit_changes_nothing(cast):
    matter = make(cast, "received")
    closed_unit = UnitFactory(code="old-bureau", name_zh="已撤销单位", active=False)
    before = snapshot(matter)
    with pytest.raises(ActionError) as caught:
        actions.dispatch_matter(matter, actor=cast.dispatcher, unit=closed_unit)
    assert caught.value.extra == {"field": "unit"}
    assert snapshot(matter) == before


def test_dispatch_with_an_unknown_urgency_is_bad_input(cast):
    matter = make(cast, "received")
    before = snapshot(matter)
    with pytest.raises(ActionError) as caught:
        actions.dispatch_matter(matter, actor=cast.dispatcher, unit=cast.org.police, urgency="yesterday")
    assert caught.value.extra == {"field": "urgency"}
    assert snapshot(matter) == before
    with pytest.raises(ActionError) as caught:
        actions.create_matter(actor=cast.dispatcher, description="路灯不亮", area=cast.org.grid, urgency="asap")
    assert caught.value.extra == {"field": "urgency"}


def test_a_failure_half_way_rolls_everything_back(cast, monkeypatch):
    """The event cannot be written (say, the database refuses): the matter is not dispatched."""
    matter = make(cast, "received")
    before = snapshot(matter)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_event", broken)
    with pytest.raises(RuntimeError):
        actions.dispatch_matter(matter, actor=cast.dispatcher, unit=cast.org.police, co_units=[cast.org.women])
    assert snapshot(matter) == before


def test_the_callers_object_is_not_changed_by_a_refusal(cast):
    matter = make(cast, "dispatched")
    with pytest.raises(PermissionDenied):
        actions.accept_matter(matter, actor=cast.leader)
    assert matter.status == S.DISPATCHED and matter.accepted_at is None


# --- supervision -----------------------------------------------------------------------------------


def test_supervision_orders_per_unit_and_reply(cast):
    police_matter = make(cast, "dispatched")
    justice_matter = make(cast, "received")
    actions.dispatch_matter(justice_matter, actor=cast.dispatcher, unit=cast.org.justice)
    orders = actions.issue_supervision(actor=cast.leader, matters=[police_matter, justice_matter], level="listed",
                                       reason="限期办结并书面报告", reply_due=date(2026, 9, 16))
    assert sorted(o.unit.code for o in orders) == ["justice", "police"]
    assert all(o.issued_by == cast.leader and o.origin == "manual" and o.level == "listed" for o in orders)
    assert fresh(police_matter).supervised and fresh(justice_matter).supervised
    order = Supervision.objects.get(unit=cast.org.police)
    assert set(queries.supervision_list(cast.leader, status="open")) == set(orders)
    assert list(queries.supervision_list(cast.handler)) == [order]  # the police see only theirs
    event = fresh(police_matter).events.get(action=A.SUPERVISED)
    assert event.actor == cast.leader and event.data["reply_due"] == "2026-09-16"
    assert event.data["level"] == "listed"

    actions.reply_supervision(order, actor=cast.handler, reply="已签收，9月15日前办结")
    order.refresh_from_db()
    assert order.status == "replied" and order.replied_by == cast.handler and not order.reply_late
    with pytest.raises(ConflictError):
        actions.reply_supervision(order, actor=cast.handler, reply="再答一次")
    actions.close_supervision(order, actor=cast.leader)
    order.refresh_from_db()
    assert order.status == "closed" and order.closed_at
    assert not fresh(police_matter).supervised
    with pytest.raises(ConflictError):
        actions.close_supervision(order, actor=cast.leader)


def test_closing_one_order_keeps_the_matter_supervised_while_another_is_open(cast):
    matter = make(cast, "dispatched")
    first = actions.issue_supervision(actor=cast.leader, matters=[matter], level="normal", reason="一督",
                                      reply_due=date(2026, 9, 16))[0]
    actions.issue_supervision(actor=cast.dispatcher, matters=[matter], level="key", reason="二督",
                              reply_due=date(2026, 9, 17))
    actions.close_supervision(first, actor=cast.leader)
    assert fresh(matter).supervised


def test_late_reply_is_visible(cast, time_machine):
    matter = make(cast, "dispatched")
    order = actions.issue_supervision(actor=cast.leader, matters=[matter], level="normal", reason="请回复",
                                      reply_due=date(2026, 9, 15))[0]
    time_machine.move_to("2026-09-16 09:00 +0800")
    assert order.reply_late
    actions.reply_supervision(order, actor=cast.handler, reply="迟到的回复")
    order.refresh_from_db()
    assert order.reply_late


@pytest.mark.parametrize(
    ("kwargs", "field_name"),
    [
        ({"level": "urgentest"}, "level"),
        ({"reason": ""}, "reason"),
        ({"reply_due": date(2026, 9, 13)}, "reply_due"),
        ({"matters": []}, "matters"),
    ],
)
def test_supervision_input_is_checked(cast, kwargs, field_name):
    matter = make(cast, "dispatched")
    arguments = {"matters": [matter], "level": "normal", "reason": "请办理", "reply_due": date(2026, 9, 16),
                 **kwargs}
    with pytest.raises(ActionError) as caught:
        actions.issue_supervision(actor=cast.leader, **arguments)
    assert caught.value.extra == {"field": field_name}
    assert not Supervision.objects.exists()


def test_a_matter_without_unit_cannot_be_supervised(cast):
    received = make(cast, "received")
    dispatched = make(cast, "dispatched")
    with pytest.raises(ActionError) as caught:
        actions.issue_supervision(actor=cast.leader, matters=[dispatched, received], level="normal",
                                  reason="请办理", reply_due=date(2026, 9, 16))
    assert received.tracking_code in str(caught.value.message)
    assert not Supervision.objects.exists() and not fresh(dispatched).supervised


# --- meetings, decisions, commendations -------------------------------------------------------------


def test_meeting_decision_becomes_a_dispatched_matter(cast):
    meeting = actions.create_meeting(
        actor=cast.dispatcher, kind=Meeting.Kind.DISPATCH, title="九月平安建设调度会", organizer=cast.org.justice,
        area=cast.org.xinda, held_at=timezone.now(), attending_units=[cast.org.police, cast.org.women],
        agenda="学校周边整治",
    )
    decision = actions.add_decision(meeting, actor=cast.dispatcher, text="公安分局负责学校门口高峰期护学岗",
                                    owner_unit=cast.org.police, deadline=date(2026, 9, 18))
    assert Decision.objects.get() == decision
    matter = fresh(decision.matter)
    assert matter.source == "meeting" and matter.status == S.DISPATCHED and matter.unit == cast.org.police
    assert matter.area == cast.org.xinda and matter.created_by == cast.dispatcher
    assert local(matter.resolve_due_at) == "2026-09-18 23:59"  # the end of the deadline day
    assert local(matter.accept_due_at) == "2026-09-15 10:00"
    assert [(e.action, e.actor) for e in matter.events.all()] == [
        (A.CREATED, cast.dispatcher), (A.DISPATCHED, cast.dispatcher)
    ]
    assert matter in queries.inbox(cast.handler, "unit")
    # Decided together at the meeting: the owner unit cannot return it as misrouted.
    with pytest.raises(ConflictError):
        actions.return_matter(matter, actor=cast.handler, reason="不归我们")
    assert "return" not in rules.allowed_actions(cast.handler, fresh(matter))
    actions.accept_matter(matter, actor=cast.handler)
    matter = fresh(matter)
    assert matter.due_at == matter.resolve_due_at
    actions.resolve_matter(matter, actor=cast.handler, result="已在两所学校设立护学岗")
    assert fresh(matter).status == S.RESOLVED


def test_decision_due_today_is_not_accepted_after_its_deadline(cast):
    """A decision due today: the accept deadline cannot run past the day itself."""
    meeting = actions.create_meeting(actor=cast.dispatcher, kind=Meeting.Kind.JOINT, title="联席会议",
                                     organizer=cast.org.justice, area=cast.org.xinda, held_at=timezone.now())
    decision = actions.add_decision(meeting, actor=cast.dispatcher, text="今天内清理占道摊点",
                                    owner_unit=cast.org.police, deadline=date(2026, 9, 14))
    matter = fresh(decision.matter)
    assert local(matter.resolve_due_at) == "2026-09-14 23:59"
    assert matter.accept_due_at <= matter.resolve_due_at and matter.due_at <= matter.resolve_due_at


def test_decision_refusals(cast):
    meeting = actions.create_meeting(actor=cast.dispatcher, kind=Meeting.Kind.JOINT, title="联席会议",
                                     organizer=cast.org.justice, area=cast.org.xinda, held_at=timezone.now())
    with pytest.raises(ActionError) as caught:
        actions.add_decision(meeting, actor=cast.dispatcher, text="补办", owner_unit=cast.org.police,
                             deadline=date(2026, 9, 13))
    assert caught.value.extra == {"field": "deadline"}
    with pytest.raises(ActionError) as caught:
        actions.add_decision(meeting, actor=cast.dispatcher, text="补办", deadline=date(2026, 9, 30),
                             owner_unit=UnitFactory(code="old-bureau", name_zh="已撤销单位", active=False))
    assert caught.value.extra == {"field": "owner_unit"}
    with pytest.raises(PermissionDenied):
        actions.add_decision(meeting, actor=cast.leader, text="x", owner_unit=cast.org.police,
                             deadline=date(2026, 9, 30))
    with pytest.raises(Http404):
        actions.add_decision(meeting, actor=cast.other_dispatcher, text="x", owner_unit=cast.org.police,
                             deadline=date(2026, 9, 30))
    assert not Decision.objects.exists() and not Matter.objects.exists()


def test_commendation_is_recorded(cast):
    matter = make(cast, "resolved")
    commendation = actions.record_commendation(
        actor=cast.harbor_staff, kind=Commendation.Kind.BANNER, unit=cast.org.police, giver="永昌佳苑5号楼王阿姨",
        received_on=date(2026, 9, 14), area=cast.org.yongchang, person=cast.handler, matter=matter,
        text="为民解忧 情暖人心",
    )
    commendation.refresh_from_db()
    assert (commendation.unit, commendation.person, commendation.person_name, commendation.matter) == (
        cast.org.police, cast.handler, "赵警官", fresh(matter)
    )
    assert commendation.recorded_by == cast.harbor_staff
    assert list(fresh(matter).commendations.all()) == [commendation]
    with pytest.raises(ActionError) as caught:
        actions.record_commendation(actor=cast.dispatcher, kind="letter", unit=cast.org.police, giver="某居民",
                                    received_on=date(2026, 9, 15), area=cast.org.yongchang)
    assert caught.value.extra == {"field": "received_on"}
    far = MatterFactory(actor=cast.other_dispatcher, area=cast.org.tuanjie)
    with pytest.raises(ActionError) as caught:
        actions.record_commendation(actor=cast.dispatcher, kind="letter", unit=cast.org.police, giver="某居民",
                                    received_on=date(2026, 9, 14), area=cast.org.yongchang, matter=far)
    assert caught.value.extra == {"field": "matter"}
    with pytest.raises(PermissionDenied):
        actions.record_commendation(actor=cast.leader, kind="letter", unit=cast.org.police, giver="某居民",
                                    received_on=date(2026, 9, 14), area=cast.org.yongchang)
    assert Commendation.objects.count() == 1


# --- the actions offered are the actions allowed ------------------------------------------------------

OFFERED = {
    # state -> role -> what rules.allowed_actions offers (pages and API show only these)
    "received": {
        "admin": {"dispatch", "note", "merge", "reject", "supervise"},
        "dispatcher": {"dispatch", "note", "merge", "reject", "supervise"},
        "leader": {"supervise"},
        "grid_worker": {"note"},
        "harbor_staff": set(),
    },
    "dispatched": {
        "admin": {"dispatch", "accept", "return", "assign", "note", "merge", "supervise"},
        "dispatcher": {"dispatch", "assign", "note", "merge", "supervise"},
        "leader": {"supervise"},
        "handler": {"accept", "return", "assign", "note"},
        "grid_worker": {"note"},
        "harbor_staff": set(),
    },
    "accepted": {
        "admin": {"return", "assign", "note", "request_extension", "resolve", "supervise"},
        "dispatcher": {"assign", "note", "supervise"},
        "leader": {"supervise"},
        "handler": {"return", "assign", "note", "request_extension", "resolve"},
        "grid_worker": {"note"},
        "harbor_staff": set(),
    },
    "accepted_ext": {
        "admin": {"return", "assign", "note", "decide_extension", "resolve", "supervise"},
        "dispatcher": {"assign", "note", "decide_extension", "supervise"},
        "handler": {"return", "assign", "note", "resolve"},
    },
    "resolved": {
        "admin": {"note", "follow_up", "close", "supervise"},
        "dispatcher": {"note", "follow_up", "close", "supervise"},
        "leader": {"supervise"},
        "handler": {"note"},
        "grid_worker": {"note", "follow_up"},
        "harbor_staff": {"follow_up"},
    },
    "reopened": {
        "dispatcher": {"assign", "note", "supervise"},
        "handler": {"accept", "assign", "note"},
    },
    "closed": {"admin": set(), "dispatcher": set(), "leader": set(), "handler": set()},
}


@pytest.mark.parametrize(("state", "role"), [(s, r) for s, roles in OFFERED.items() for r in roles])
def test_allowed_actions(cast, state, role):
    matter = make(cast, state)
    assert rules.allowed_actions(cast[role], matter) == OFFERED[state][role]
