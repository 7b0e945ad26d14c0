"""The service's time limit drives the matter behind an application: the matter's resolve
deadline and the sweep's clock (warning, overdue, supervision) are the service's working
days, not the category's; asking for missing materials (补正) stops the clock and the days
of waiting are added when the materials are in."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.lib import workdays
from safeharbor.matters import actions as matter_actions
from safeharbor.matters import deadlines
from safeharbor.matters.models import LimitUnit, Matter, Supervision
from safeharbor.services import actions, queries
from safeharbor.services.models import Application
from tests import factories_services
from tests.factories_services import apply_online

pytestmark = pytest.mark.django_db
svc = factories_services.svc
S = Application.Status


def _matter(app) -> Matter:
    return Matter.objects.get(pk=app.matter_id)


def test_the_matter_carries_the_service_limit_not_the_category_one(svc):
    category = svc.certification.category
    assert category.resolve_days != svc.certification.time_limit_days  # 15 working days vs the category's
    app, _check = apply_online(svc.certification)
    matter = _matter(app)
    assert matter.resolve_due_at == app.due_at == matter.due_at
    assert app.due_at == deadlines.add_limit(app.created_at, 15, LimitUnit.WORKDAYS)
    by_category = deadlines.add_limit(app.created_at, category.resolve_days, LimitUnit.WORKDAYS)
    assert matter.resolve_due_at != by_category
    actions.start_review(app, actor=svc.hr)
    matter = _matter(app)
    assert matter.status in (Matter.Status.ACCEPTED, Matter.Status.IN_PROGRESS)
    assert matter.resolve_due_at == matter.due_at == app.due_at
    assert matter.warn_at is not None and matter.warn_at < app.due_at


def test_a_short_service_limit_is_warned_overdue_and_supervised_by_the_sweep(svc, client):
    app, _check = apply_online(svc.training)  # 3 working days
    actions.start_review(app, actor=svc.women)
    app.refresh_from_db()
    counts = matter_actions.sweep_deadlines(now=app.due_at - timedelta(hours=2))
    assert counts["warned"] >= 1 and _matter(app).warned_at is not None
    after = app.due_at + timedelta(hours=1)
    matter_actions.sweep_deadlines(now=after)
    matter = _matter(app)
    assert matter.overdue_at is not None
    assert Supervision.objects.filter(matters=matter).exists()
    with time_machine.travel(after, tick=False):
        app.refresh_from_db()
        assert app.is_overdue
        assert queries.queue_counts(svc.women)["overdue"] == 1
        client.force_login(svc.women)
        page = client.get("/services/applications/?status=open&overdue=1").content.decode()
        assert app.tracking_code in page


def test_missing_materials_stop_the_clock_and_the_wait_is_added(svc, client):
    start = timezone.make_aware(datetime(2026, 3, 2, 10, 0))  # a Monday
    with time_machine.travel(start, tick=False):
        app, check = apply_online(svc.certification)
        actions.start_review(app, actor=svc.hr)
        app.refresh_from_db()
        first_due = app.due_at
        actions.request_materials(app, actor=svc.hr)
        app.refresh_from_db()
        matter = _matter(app)
        assert app.status == S.MATERIALS and app.paused_at == start
        assert matter.due_at is None and matter.resolve_due_at is None  # the sweep has nothing to chase
        client.force_login(svc.hr)
        assert 'id="due"' in client.get(f"/services/applications/{app.pk}/").content.decode()
    # Long after the original deadline the sweep does not touch the paused matter.
    late = first_due + timedelta(days=3)
    matter_actions.sweep_deadlines(now=late)
    assert _matter(app).overdue_at is None
    with time_machine.travel(late, tick=False):
        app.refresh_from_db()
        assert not app.is_overdue and queries.queue_counts(svc.hr)["overdue"] == 0
    # The materials come in five working days later (Monday a week after).
    back = start + timedelta(days=7)
    with time_machine.travel(back, tick=False):
        actions.record_materials(app, actor=svc.desk, received=["居民身份证", "《就业创业证》"])
    app.refresh_from_db()
    matter = _matter(app)
    waited = workdays.workdays_between(start.date(), back.date(), deadlines.overrides())
    assert waited == 5
    assert app.status == S.REVIEWING and app.paused_at is None
    assert app.due_at == workdays.add_workdays(timezone.localtime(first_due), 5, deadlines.overrides())
    assert matter.resolve_due_at == matter.due_at == app.due_at
    assert matter.status in (Matter.Status.ACCEPTED, Matter.Status.IN_PROGRESS)


def test_asking_for_materials_before_the_review_starts_it(svc):
    app, _check = apply_online(svc.certification)
    actions.request_materials(app, actor=svc.hr)
    app.refresh_from_db()
    assert _matter(app).status in (Matter.Status.ACCEPTED, Matter.Status.IN_PROGRESS) and app.paused_at
    actions.record_materials(app, actor=svc.hr, received=["居民身份证", "《就业创业证》"])
    app.refresh_from_db()
    actions.decide_application(app, actor=svc.hr, approve=True)
    assert _matter(app).status == Matter.Status.RESOLVED  # the matter follows to the end


def test_an_application_waiting_for_materials_can_be_refused_not_approved(svc):
    app, _check = apply_online(svc.worker_aid)
    actions.start_review(app, actor=svc.unionist)
    actions.request_materials(app, actor=svc.unionist)
    with pytest.raises(ActionError):
        actions.decide_application(app, actor=svc.unionist, approve=True)
    actions.decide_application(app, actor=svc.unionist, approve=False, note="逾期未补正工会会员证")
    app.refresh_from_db()
    assert app.status == S.REFUSED and app.paused_at is None
    assert _matter(app).status == Matter.Status.RESOLVED
    with pytest.raises(ConflictError):
        actions.request_materials(app, actor=svc.unionist, note="再补")
