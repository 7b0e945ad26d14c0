"""The periodic follow-up reminder, the overdue state on the case page, and the public
functions of matters.actions that keep a case's matter in step."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeharbor.core.errors import ConflictError
from safeharbor.matters import actions as matter_actions
from safeharbor.matters import periodic
from safeharbor.matters.models import Matter, MatterEvent
from safeharbor.mediation import actions
from safeharbor.mediation.models import Agreement, Case, CaseEvent
from safeharbor.mediation.tasks import remind_follow_ups
from safeharbor.notifications.models import Notification
from tests import factories
from tests.factories_mediation import accepted, agree, make_med, session

pytestmark = pytest.mark.django_db
KIND = "mediation_follow_up_due"


@pytest.fixture
def med(org):
    return make_med(org)


def agreed_case(med, org, *, days=0, title="楼上漏水纠纷"):
    case = accepted(med, org, title=title)
    session(med, case)
    agree(med, case, days=days)
    return Case.objects.get(pk=case.pk)


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


# --- the reminder ------------------------------------------------------------------------------


def test_due_agreement_reminds_its_mediators_once(org, med):
    due = agreed_case(med, org, days=0)
    later = agreed_case(med, org, days=7, title="噪音纠纷")
    assert actions.remind_follow_ups() == 1
    note = Notification.objects.get(recipient=med.mediator, kind=KIND)
    assert "楼上漏水纠纷" in note.message and note.url.endswith(f"/mediation/{due.pk}/")
    assert CaseEvent.objects.filter(case=due, action=CaseEvent.Action.REMINDED).count() == 1
    assert Agreement.objects.get(case=due).follow_up_reminded_at is not None
    # again (the next hour, or a second worker): nothing more
    assert actions.remind_follow_ups() == 0
    assert Notification.objects.filter(kind=KIND).count() == 1
    # a week later the other agreement is due too, and only it
    assert actions.remind_follow_ups(now=timezone.now() + timedelta(days=8)) == 1
    assert Notification.objects.filter(kind=KIND, target_pk=later.pk).count() == 1
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_two_workers_racing_remind_once(org, med):
    """Worker A lists the due agreements; worker B runs the whole job before A claims them:
    A's compare-and-set finds them claimed and sends nothing."""
    agreed_case(med, org, days=0)
    agreed_case(med, org, days=0, title="噪音纠纷")
    seen_by_a = actions.follow_ups_to_remind()
    assert len(seen_by_a) == 2
    assert actions.remind_follow_ups() == 2  # worker B
    assert [actions.remind_follow_up(pk) for pk in seen_by_a] == [False, False]  # worker A
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_recorded_visit_means_no_reminder(org, med):
    case = agreed_case(med, org, days=0)
    actions.record_visit(case, actor=med.mediator, visited_on=timezone.localdate(), result="performed",
                         note="已按协议赔偿，维修完成。")
    assert actions.follow_ups_to_remind() == []
    assert actions.remind_follow_ups() == 0


def test_reopened_case_with_a_new_agreement_is_reminded_again(org, med):
    case = agreed_case(med, org, days=0)
    assert actions.remind_follow_ups() == 1
    actions.record_visit(case, actor=med.mediator, visited_on=timezone.localdate(), result="not_performed",
                         note="被申请人未赔偿。", next_step="reopen")
    case = Case.objects.get(pk=case.pk)
    session(med, case)
    agree(med, case, days=0)
    assert actions.remind_follow_ups() == 1  # a new agreement: its own reminder
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_no_mediators_left_reminds_the_committee(org, med):
    case = agreed_case(med, org, days=0)
    case.mediators.clear()
    actions.remind_follow_ups()
    assert Notification.objects.filter(kind=KIND, recipient=med.mediator).exists()  # sits on the committee


def test_the_job_is_registered_and_runs_as_a_task(org, med):
    assert "mediation_follow_ups" in periodic.JOBS
    agreed_case(med, org, days=0)
    assert remind_follow_ups.call() == {"reminded": 1}
    assert remind_follow_ups.call() == {"reminded": 0}


def test_the_worker_enqueues_the_job_once_per_interval(org):
    now = timezone.now()
    assert "mediation_follow_ups" in periodic.enqueue_due(now)
    assert "mediation_follow_ups" not in periodic.enqueue_due(now)  # a second worker at the same moment


# --- the case page --------------------------------------------------------------------------


def test_case_page_shows_that_the_follow_up_is_due(org, med):
    case = agreed_case(med, org, days=0)
    client = login(med.mediator)
    page = client.get(f"/mediation/{case.pk}/").content.decode()
    assert 'id="follow-up-due"' in page
    actions.remind_follow_ups()
    page = client.get(f"/mediation/{case.pk}/").content.decode()
    assert 'id="follow-up-due"' in page and ("提醒调解员" in page or "Mediators reminded" in page)


def test_overdue_case_page_shows_supervision_and_where_to_escalate(org, med, settings):
    settings.SWEEP_SUPERVISE_AFTER_HOURS = 0
    case = accepted(med, org)
    client = login(med.mediator)
    assert 'id="overdue"' not in client.get(f"/mediation/{case.pk}/").content.decode()
    past = timezone.now() - timedelta(days=3)
    Case.objects.filter(pk=case.pk).update(due_at=past)
    matter_actions.set_resolve_deadline(case.matter_id, due=past)
    matter_actions.sweep_deadlines()
    page = client.get(f"/mediation/{case.pk}/").content.decode()
    assert 'id="overdue"' in page
    assert "新达街道人民调解委员会" in page  # where it would go if escalated
    assert "督办" in page  # the supervision the sweep ordered
    assert "已超期" in page or "Overdue" in page
    listing = client.get("/mediation/").content.decode()
    assert "case-overdue" in listing


# --- the public functions of matters.actions --------------------------------------------------


def test_set_resolve_deadline_restarts_the_sweep_clock(org):
    matter = factories.MatterFactory(area=org.grid)
    due = timezone.now() + timedelta(days=5)
    Matter.objects.filter(pk=matter.pk).update(overdue_at=timezone.now(), warned_at=timezone.now())
    matter = matter_actions.set_resolve_deadline(matter, due=due)
    matter.refresh_from_db()
    assert matter.resolve_due_at == due and matter.due_at == due
    assert matter.overdue_at is None and matter.warned_at is None and matter.warn_at is not None


def test_add_linked_note_in_any_state(org, med):
    matter = factories.MatterFactory(area=org.grid)
    event = matter_actions.add_linked_note(matter.pk, actor=med.mediator, note="已登记为调解案件", data={"x": 1})
    assert event.action == MatterEvent.Action.NOTE and event.actor == med.mediator and event.data == {"x": 1}
    assert event.from_status == event.to_status == matter.status and not event.public


def test_reopen_for_case_only_reopens_resolved_matters(org, med):
    case = agreed_case(med, org, days=0)
    matter = Matter.objects.get(pk=case.matter_id)
    assert matter.status == Matter.Status.RESOLVED
    reopened = matter_actions.reopen_for_case(matter, actor=med.mediator, note="协议未履行")
    assert reopened.status == Matter.Status.REOPENED and reopened.reopen_count == 1
    event = reopened.events.order_by("-pk").first()
    assert event.action == MatterEvent.Action.REOPENED and event.actor == med.mediator
    with pytest.raises(ConflictError):
        matter_actions.reopen_for_case(matter, actor=med.mediator, note="again")
