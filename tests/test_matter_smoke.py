"""A matter's whole life through the actions, as the dispatcher and the unit live it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeharbor.core.errors import ConflictError
from safeharbor.core.models import User
from safeharbor.matters import actions
from safeharbor.matters.models import Matter, Supervision
from tests.factories import UserFactory


@pytest.fixture
def handler(org):
    return UserFactory(username="handler", role=User.Role.UNIT_HANDLER, unit=org.police)


def test_full_life_reopen_then_supervision(org, alice, bob, handler):
    matter, check = actions.create_matter(actor=alice, description="楼上天天半夜拖椅子", area=org.grid)
    assert matter.status == "received" and len(check) == 6
    assert actions.check_code_matches(matter, check)
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    matter.refresh_from_db()
    assert matter.status == "dispatched" and matter.due_at == matter.accept_due_at
    with pytest.raises(PermissionDenied):
        actions.accept_matter(matter, actor=bob)
    actions.accept_matter(matter, actor=handler)
    with pytest.raises(ConflictError):
        actions.accept_matter(matter, actor=handler)
    actions.add_note(matter, actor=handler, note="已联系双方")
    matter.refresh_from_db()
    assert matter.status == "in_progress" and matter.assignee == handler
    actions.resolve_matter(matter, actor=handler, result="已调解，楼上承诺夜间不再拖动桌椅")
    actions.record_follow_up(matter, actor=alice, channel="phone", contacted=True, solved=False,
                             satisfaction="unsatisfied", comment="还是吵")
    matter.refresh_from_db()
    assert matter.status == "reopened" and matter.reopen_count == 1
    actions.accept_matter(matter, actor=handler)
    actions.resolve_matter(matter, actor=handler, result="再次上门")
    actions.record_follow_up(matter, actor=alice, channel="phone", contacted=True, solved=False,
                             satisfaction="unsatisfied")
    matter.refresh_from_db()
    assert matter.status == "resolved" and matter.supervised
    assert Supervision.objects.get().origin == "follow_up"
    assert list(matter.events.values_list("action", flat=True))[:3] == ["created", "dispatched", "accepted"]


def test_sweep_is_idempotent(org, alice, handler, time_machine):
    time_machine.move_to("2026-09-29 10:00 +0800")
    matter, _ = actions.create_matter(actor=alice, description="路灯坏了", area=org.grid)
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    matter.refresh_from_db()
    assert timezone.localtime(matter.accept_due_at).isoformat().startswith("2026-09-30T10:00")
    time_machine.move_to("2026-10-09 10:00 +0800")
    first = actions.sweep_deadlines()
    second = actions.sweep_deadlines()
    assert first == {"warned": 0, "overdue": 1, "supervised": 1, "escalated": 0}
    assert second == {"warned": 0, "overdue": 0, "supervised": 0, "escalated": 0}
    time_machine.move_to("2026-10-10 11:00 +0800")  # a day later: up to the parent area
    assert actions.sweep_deadlines()["escalated"] == 1
    assert actions.sweep_deadlines()["escalated"] == 0
    assert Matter.objects.get().escalated_to == org.district
