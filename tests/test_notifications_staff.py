"""Staff notifications from matter events: each trigger creates exactly one notification
for exactly the right people, and a notification never shows what left one's scope."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeharbor.core import access
from safeharbor.matters import actions
from safeharbor.matters.models import Matter, Supervision
from safeharbor.notifications import queries
from safeharbor.notifications.actions import notify
from safeharbor.notifications.models import Notification
from tests.factories import UnitFactory, UserFactory
from tests.factories_notifications import count, dispatched, make_cast, new_matter, who_got

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(org, alice, bob, charlie, admin_user, time_machine):
    return make_cast(org, alice, bob, charlie, admin_user, time_machine)


def test_a_dispatch_tells_the_units_handlers_once(cast):
    matter = dispatched(cast)
    assert who_got("matter_arrived", matter) == {"police1", "police2"}  # not the leader, not justice
    assert count("matter_arrived") == 2
    note = Notification.objects.get(recipient=cast.police1)
    assert matter.tracking_code in note.message and "公安分局" in note.message
    assert note.url == f"/matters/{matter.pk}/" and note.read_at is None
    assert queries.unread_count(cast.police1) == 1 and queries.unread_count(cast.justice1) == 0


def test_registering_tells_nobody(cast):
    new_matter(cast)
    assert Notification.objects.count() == 0


def test_a_return_tells_the_dispatcher_who_sent_it(cast):
    matter = dispatched(cast)
    actions.return_matter(matter, actor=cast.police1, reason="不属于公安职责，应由住建处理")
    assert who_got("matter_returned", matter) == {"alice"}
    assert "不属于公安职责" in Notification.objects.get(kind="matter_returned").message


def test_a_reopened_matter_comes_back_to_the_units_inbox(cast):
    matter = dispatched(cast)
    actions.accept_matter(matter, actor=cast.police1)
    actions.resolve_matter(matter, actor=cast.police1, result="已疏通")
    Notification.objects.all().delete()
    actions.record_follow_up(matter, actor=cast.alice, channel="phone", contacted=True, solved=False,
                             satisfaction="unsatisfied", comment="还是堵")
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.REOPENED
    assert who_got("matter_arrived", matter) == {"police1", "police2"}


def test_deadline_near_and_passed_go_to_the_handler_in_charge(cast, time_machine):
    matter = dispatched(cast)
    actions.accept_matter(matter, actor=cast.police1)  # police1 becomes the handler
    matter = Matter.objects.get(pk=matter.pk)
    actions.sweep_deadlines(now=matter.warn_at + timedelta(minutes=1))
    assert who_got("deadline_near", matter) == {"police1"}
    actions.sweep_deadlines(now=matter.due_at + timedelta(minutes=1))
    assert who_got("deadline_passed", matter) == {"police1"}
    actions.sweep_deadlines(now=matter.due_at + timedelta(minutes=2))  # idempotent sweep: nothing new
    assert count("deadline_near") == 1 and count("deadline_passed") == 1


def test_an_unaccepted_overdue_matter_tells_the_whole_unit(cast):
    matter = dispatched(cast)
    actions.sweep_deadlines(now=matter.due_at + timedelta(minutes=1))
    assert who_got("deadline_passed", matter) == {"police1", "police2"}


def test_escalation_tells_the_dispatchers_of_the_area_it_went_to(cast, settings):
    district_dispatcher = UserFactory(username="district", role="dispatcher", areas=[cast.org.district])
    matter = dispatched(cast)
    actions.sweep_deadlines(now=matter.due_at + timedelta(minutes=1))  # overdue
    actions.sweep_deadlines(now=matter.due_at + timedelta(hours=settings.SWEEP_ESCALATE_AFTER_HOURS + 1))
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.escalated_to == cast.org.district
    assert who_got("escalated", matter) == {district_dispatcher.username}


def test_a_supervision_order_and_its_reply(cast):
    first, second = dispatched(cast), dispatched(cast)
    [order] = actions.issue_supervision(actor=cast.bob, matters=[first, second], level="key",
                                        reason="群众反映强烈，请三日内办结", reply_due=date(2026, 9, 17))
    # One order about two matters: one notification per handler, not one per matter.
    assert set(Notification.objects.filter(kind="supervision_order").values_list("recipient__username", flat=True)) \
        == {"police1", "police2"}
    assert count("supervision_order") == 2
    note = Notification.objects.filter(kind="supervision_order").first()
    assert note.url == f"/supervision/{order.pk}/" and "群众反映强烈" in note.message
    actions.reply_supervision(order, actor=cast.police1, reply="已安排专人，周三前办结")
    assert set(Notification.objects.filter(kind="supervision_reply").values_list(
        "recipient__username", flat=True)) == {"bob"}
    assert count("supervision_reply") == 1


def test_a_meeting_decision_tells_the_owner_unit(cast):
    meeting = actions.create_meeting(actor=cast.alice, kind="joint", title="新达街道联席会议",
                                     organizer=cast.org.justice, area=cast.org.xinda, held_at=timezone.now())
    decision = actions.add_decision(meeting, actor=cast.alice, text="整治团结路夜市噪音", owner_unit=cast.org.police,
                                    deadline=date(2026, 9, 25))
    assert who_got("decision_assigned", decision.matter) == {"police1", "police2"}
    assert count("matter_arrived") == 0


def test_a_notification_for_a_matter_outside_my_scope_never_appears(cast, client):
    matter = dispatched(cast)
    # Someone wrongly notifies justice1 about a police matter: he cannot open it, so he never sees it.
    notify([cast.justice1], "matter_arrived", f"{matter.tracking_code} 机密", url=f"/matters/{matter.pk}/", obj=matter)
    assert queries.unread_count(cast.justice1) == 0
    assert not access.visible_notifications(cast.justice1).exists()
    client.force_login(cast.justice1)
    page = client.get("/notifications/").content.decode()
    assert matter.tracking_code not in page
    note = Notification.objects.get(recipient=cast.justice1)
    assert client.get(f"/notifications/{note.pk}/").status_code == 404
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    assert client.get(f"/api/notifications/{note.pk}/").status_code == 404
    # The matter moves to his unit: now it shows up.
    actions.dispatch_matter(matter, actor=cast.alice, unit=cast.org.justice)
    assert queries.unread_count(cast.justice1) == 2


def test_other_users_notifications_are_404(cast, client):
    matter = dispatched(cast)
    note = Notification.objects.get(recipient=cast.police1)
    client.force_login(cast.police2)
    assert client.get(f"/notifications/{note.pk}/").status_code == 404
    client.force_login(cast.charlie)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None
    assert matter.pk


def test_notify_keeps_its_signature_and_dedupes(cast):
    unit = UnitFactory(code="trade_union", name_zh="总工会")
    rows = notify([cast.police1, cast.police1, None], "custom_kind", "x" * 400, obj=unit)
    assert len(rows) == 1 and len(rows[0].message) == 300
    assert rows[0].target == f"core.unit:{unit.pk}" and rows[0].target_label == "core.unit"
    assert notify([], "k", "m") == []
    # A Supervision target is scoped like the supervision pages.
    assert Supervision.objects.count() == 0
