"""The demo history: every state and category, timelines that the actions could have
written, loaded once, and seen through each account's scope."""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from safeharbor.core import access
from safeharbor.core.demo import load_demo
from safeharbor.core.models import Category, User
from safeharbor.matters import deadlines
from safeharbor.matters.demo import TEXTS, load_demo_history
from safeharbor.matters.models import (
    Commendation,
    Extension,
    FollowUp,
    Matter,
    MatterEvent,
    Meeting,
    Supervision,
)

pytestmark = pytest.mark.django_db

S = Matter.Status
SYSTEM_ACTIONS = {"warned", "overdue", "escalated"}


@pytest.fixture
def history():
    load_demo()
    return load_demo_history(count=400)


def _timelines() -> dict[int, list[dict]]:
    events = defaultdict(list)
    for e in MatterEvent.objects.order_by("pk").values("matter_id", "at", "action", "from_status", "to_status",
                                                      "actor_id"):
        events[e["matter_id"]].append(e)
    return events


def test_every_status_and_every_category(history):
    assert "400 matters" in history
    statuses = set(Matter.objects.values_list("status", flat=True))
    assert statuses == set(S.values)
    categories = set(Matter.objects.exclude(category=None).values_list("category__code", flat=True))
    assert categories == set(Category.objects.values_list("code", flat=True)) == set(TEXTS)


def test_timelines_are_in_order_and_end_in_the_matters_status(history):
    timelines = _timelines()
    matters = list(Matter.objects.all())
    assert matters and all(m.pk in timelines for m in matters)
    for m in matters:
        events = timelines[m.pk]
        assert events[0]["action"] == "created" and events[0]["to_status"] == S.RECEIVED
        for before, after in zip(events, events[1:], strict=False):
            assert before["at"] <= after["at"], m.tracking_code  # written in time order
            assert after["from_status"] == before["to_status"], m.tracking_code  # each picks up where the last left
        last_by_person = [e for e in events if e["action"] not in SYSTEM_ACTIONS][-1]
        assert last_by_person["to_status"] == m.status, m.tracking_code
        assert events[-1]["to_status"] == m.status


def test_nothing_happens_in_the_future(history):
    now = timezone.now()
    assert not Matter.objects.filter(created_at__gt=now).exists()
    assert not Matter.objects.filter(created_at__lt=now - timedelta(days=200)).exists()
    assert not MatterEvent.objects.filter(at__gt=now).exists()
    assert not FollowUp.objects.filter(at__gt=now).exists()
    assert not Supervision.objects.filter(issued_at__gt=now).exists()
    assert not Meeting.objects.filter(held_at__gt=now).exists()
    assert not Commendation.objects.filter(received_on__gt=timezone.localdate()).exists()


def test_rows_agree_with_what_the_actions_write(history):
    now = timezone.now()
    for m in Matter.objects.select_related("category"):
        if m.status in (S.DISPATCHED, S.REOPENED):
            assert m.due_at == m.accept_due_at
            accept, resolve, _ret = deadlines.limits_for(m)
            assert m.accept_due_at == deadlines.add_limit(m.dispatched_at, *accept)
            if m.source != Matter.Source.MEETING:
                assert m.resolve_due_at == deadlines.add_limit(m.dispatched_at, *resolve)
        if m.status in (S.ACCEPTED, S.IN_PROGRESS):
            assert m.due_at == m.resolve_due_at and m.accepted_at and m.assignee_id
        if m.status not in Matter.OPEN_STATUSES or m.status in (S.RECEIVED, S.RETURNED):
            assert m.due_at is None
        if m.is_open and m.due_at and m.due_at < now - timedelta(minutes=1):
            assert m.overdue_at is not None, m.tracking_code  # the sweep has seen it
        assert (m.status == S.MERGED) == bool(m.merged_into_id)
        assert (m.status in (S.CLOSED, S.REJECTED)) == bool(m.closed_at)
        if m.accepted_at and m.accept_due_at and m.accepted_at > m.accept_due_at:
            assert m.accept_late
        if m.resolved_at and m.resolve_due_at and m.resolved_at > m.resolve_due_at:
            assert m.resolve_late
    open_orders = set(Supervision.matters.through.objects.exclude(supervision__status="closed")
                      .values_list("matter_id", flat=True))
    assert set(Matter.objects.filter(supervised=True).values_list("pk", flat=True)) == open_orders
    rated = set(FollowUp.objects.values_list("matter_id", flat=True))
    assert set(Matter.objects.exclude(satisfaction="").values_list("pk", flat=True)) == rated
    returned = MatterEvent.objects.filter(action="returned")
    assert returned.exists() and all("held_seconds" in e.data and e.note for e in returned)
    assert Extension.objects.filter(status="approved").exists() and Extension.objects.filter(status="requested")
    assert Matter.objects.filter(reopen_count__gt=0).exists()
    assert Matter.objects.overdue().filter(supervised=True).exists()


def test_satisfaction_is_mostly_good(history):
    rated = list(Matter.objects.exclude(satisfaction="").values_list("satisfaction", flat=True))
    assert rated.count("satisfied") > len(rated) / 2
    assert "basic" in rated and "unsatisfied" in rated


def test_loads_once(history):
    counts = [model.objects.count() for model in (Matter, MatterEvent, FollowUp, Supervision, Meeting, Commendation)]
    again = load_demo_history(count=400)
    assert "already loaded" in again
    assert [model.objects.count() for model in (Matter, MatterEvent, FollowUp, Supervision, Meeting,
                                                Commendation)] == counts


def test_the_burst_pipe_cluster_waits_for_the_dispatcher(history):
    now = timezone.now()
    cluster = [m for m in Matter.objects.filter(created_at__gte=now - timedelta(hours=3), status=S.RECEIVED)
               if ("团结路" in m.description + m.address and "建设路" in m.description + m.address)
               or "团结路上发大水" in m.description]
    assert len(cluster) == 5
    times = sorted(m.created_at for m in cluster)
    assert times[-1] - times[0] <= timedelta(hours=1)
    assert len({m.source for m in cluster}) >= 3  # five people, different channels
    assert not Matter.objects.filter(merged_into__in=cluster).exists()


def test_meetings_decisions_and_commendations(history):
    assert Meeting.objects.filter(title="乌达区实验中学学校安全联席会议").exists()
    assert Meeting.objects.filter(kind=Meeting.Kind.DISPATCH).exists()
    for meeting in Meeting.objects.all():
        assert meeting.decisions.exists()
        for decision in meeting.decisions.select_related("matter"):
            assert decision.matter.unit_id == decision.owner_unit_id
            assert decision.matter.source == Matter.Source.MEETING
    assert Commendation.objects.count() >= 15
    assert Supervision.objects.filter(origin="manual", status="replied").exists()


def test_scopes_see_their_share(history):
    total = Matter.objects.count()
    dispatcher = User.objects.get(username="dispatcher")
    assert access.visible_matters(dispatcher).count() == total
    xinda = access.visible_matters(User.objects.get(username="dispatcher_xinda")).count()
    grid = access.visible_matters(User.objects.get(username="grid_worker")).count()
    assert 0 < grid < xinda < total
    police = User.objects.get(username="unit_handler")
    expected = Matter.objects.filter(Q(unit=police.unit) | Q(co_units=police.unit)).distinct().count()
    assert 0 < access.visible_matters(police).count() == expected < total
    school = access.visible_matters(User.objects.get(username="school_safety"))
    assert 0 < school.count() < total
