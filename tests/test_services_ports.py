"""The five ports at work: events and training (capacity, QR check-in, certificates), the
rights hotlines (matters, repeat callers), the rota (fairness over a year with holidays,
swaps, iCalendar, reminders), the shared aid pool with consent, safe families, figures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import AuditLog, Category, Port
from safeharbor.lib import workdays
from safeharbor.matters.models import Matter
from safeharbor.notifications.models import Notification
from safeharbor.services import actions, queries
from safeharbor.services.models import DutySlot, Enrollment, SafeFamily, SafeFamilyCriterion
from tests import factories, factories_services
from tests.factories_services import apply_online, id_number

pytestmark = pytest.mark.django_db
svc = factories_services.svc


def _event(svc, *, capacity=2, training=True, starts_in=timedelta(minutes=30)):
    start = timezone.now() + starts_in
    return actions.save_event(actor=svc.women, harbor=svc.org.harbor, port=svc.heroines, kind="skills",
                              title="手工编织技能培训", trainers="庞素梅", starts_at=start,
                              ends_at=start + timedelta(hours=3), capacity=capacity, is_training=training)


# --- events ------------------------------------------------------------------------------------


def test_capacity_and_second_sign_up_are_refused(svc):
    event = _event(svc, capacity=2)
    actions.enroll(event, name="李娜", phone="13947300001")
    with pytest.raises(ConflictError):
        actions.enroll(event, name="李娜", phone="139 4730 0001")  # same phone, typed differently
    actions.enroll(event, name="赵敏", phone="13947300002")
    with pytest.raises(ConflictError) as err:
        actions.enroll(event, name="周芳", phone="13947300003")
    assert "full" in str(err.value.message) or "满" in str(err.value.message)
    assert event.enrollments.count() == 2


def test_qr_check_in_once_then_certificates(svc, client):
    event = _event(svc)
    actions.enroll(event, name="李娜", phone="13947300001")
    with pytest.raises(Http404):
        actions.check_in(event, phone="13947300001", token="wrong")
    first = actions.check_in(event, phone="13947300001", token=event.checkin_token)
    assert first.checked_in_at is not None
    with pytest.raises(ConflictError):
        actions.check_in(event, phone="13947300001", token=event.checkin_token)  # double check-in
    with pytest.raises(ActionError) as err:
        actions.check_in(event, phone="13947300009", token=event.checkin_token)  # not signed up, no name
    assert err.value.extra["field"] == "name"
    walk_in = actions.check_in(event, phone="13947300009", token=event.checkin_token, name="王芳")
    assert walk_in.channel == Enrollment.Channel.ONSITE
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert actions.complete_training(event, actor=svc.women) == 2
    numbers = sorted(event.enrollments.values_list("certificate_number", flat=True))
    assert numbers[0].startswith("PXZS-") and numbers[0] != numbers[1]
    client.force_login(svc.women)
    pdf = client.get(f"/services/events/{event.pk}/certificates/{first.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(svc.unionist)
    assert client.get(f"/services/events/{event.pk}/").status_code == 404


def test_check_in_page_by_qr_code(client, svc):
    event = _event(svc)
    actions.enroll(event, name="李娜", phone="13947300001")
    url = f"/p/services/check-in/{event.checkin_token}/"
    ok = client.post(url, {"phone": "13947300001", "name": ""})
    assert ok.status_code == 200 and 'id="checked-in"' in ok.content.decode()
    again = client.post(url, {"phone": "13947300001", "name": ""})
    assert again.status_code == 409
    assert client.get("/p/services/check-in/nope/").status_code == 404


def test_check_in_closed_before_the_event(svc):
    event = _event(svc, starts_in=timedelta(days=2))
    actions.enroll(event, name="李娜", phone="13947300001")
    with pytest.raises(ActionError):
        actions.check_in(event, phone="13947300001", token=event.checkin_token)


def test_public_sign_up_page(client, svc):
    event = _event(svc, starts_in=timedelta(days=2))
    response = client.post(f"/p/services/events/{event.pk}/", {"name": "李娜", "phone": "13947300001"})
    assert response.status_code == 302 and event.enrollments.count() == 1
    again = client.post(f"/p/services/events/{event.pk}/", {"name": "李娜", "phone": "13947300001"})
    assert again.status_code == 409


# --- hotline -------------------------------------------------------------------------------------


def test_hotline_call_becomes_a_matter_of_the_port_and_repeat_callers_are_recognised(svc):
    category = Category.objects.get(code="rights.worker")
    first = actions.log_hotline_call(actor=svc.unionist, port=svc.vanguard, phone="13947306618",
                                     description="包工头拖欠工资两个月", category=category)
    matter = first.matter
    assert matter.source == Matter.Source.HOTLINE and matter.unit == svc.union
    assert matter.category.code == "rights.worker" and matter.status == Matter.Status.DISPATCHED
    assert matter.reporter_phone == "13947306618" and first.repeat_of is None
    second = actions.log_hotline_call(actor=svc.unionist, port=svc.vanguard, phone="139-4730-6618",
                                      description="欠薪问题还没解决", category=category)
    assert second.repeat_of == first
    assert queries.repeat_calls(second) == [first]
    assert queries.earlier_matters(svc.unionist, second) == [first.matter]
    with pytest.raises(ActionError):
        actions.log_hotline_call(actor=svc.unionist, port=svc.vanguard, phone="13947306618", description="x",
                                 category=Category.objects.get(code="service.employment"))
    with pytest.raises(Http404):
        actions.log_hotline_call(actor=svc.other_desk, port=svc.vanguard, phone="13947306618",
                                 description="x", category=category)


# --- rota ------------------------------------------------------------------------------------------


def _five_ports(svc):
    harbor = svc.org.harbor
    extra = [(Port.Kind.FRATERNITY, "博爱港"), (Port.Kind.YOUTH, "青年港"), (Port.Kind.WARM, "温馨港")]
    for kind, name in extra:
        factories.PortFactory(harbor=harbor, kind=kind, name=name)
    return list(harbor.ports.all())


def test_rota_over_a_year_is_fair_and_skips_holidays(svc, admin_user):
    ports = _five_ports(svc)
    youth = next(p for p in ports if p.kind == Port.Kind.YOUTH)
    away = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 7, 15)]
    roster = actions.generate_roster(
        actor=svc.desk, harbor=svc.org.harbor, title="2026年轮值表", starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31), kinds=["duty", "training"], unavailable={str(youth.pk): away})
    for kind in ("duty", "training"):
        slots = DutySlot.objects.filter(roster=roster, kind=kind)
        counts = [slots.filter(port=p).count() for p in ports]
        assert max(counts) - min(counts) <= 1, counts
    duty_days = list(DutySlot.objects.filter(roster=roster, kind="duty").values_list("date", flat=True))
    assert all(workdays.is_workday(d) for d in duty_days)
    assert date(2026, 10, 1) not in duty_days and date(2026, 2, 17) not in duty_days  # National Day, Spring Festival
    assert date(2026, 1, 4) in duty_days  # an adjusted working Sunday (调休) is a duty day
    assert not DutySlot.objects.filter(roster=roster, port=youth, date__in=away).exists()
    assert len(duty_days) == len(set(duty_days)) == sum(
        1 for i in range(365) if workdays.is_workday(date(2026, 1, 1) + timedelta(days=i)))


def test_only_the_harbor_makes_the_rota(svc):
    _five_ports(svc)
    with pytest.raises(PermissionDenied):
        actions.generate_roster(actor=svc.women, harbor=svc.org.harbor, title="x", starts_on=date(2026, 1, 1),
                                ends_on=date(2026, 1, 31), kinds=["duty"])


def test_swap_with_approval_ical_and_reminder(svc, client):
    _five_ports(svc)
    start = timezone.localdate() + timedelta(days=3)  # upcoming days: days that are over are not swapped
    roster = actions.generate_roster(actor=svc.desk, harbor=svc.org.harbor, title="下月轮值",
                                     starts_on=start, ends_on=start + timedelta(days=30), kinds=["duty"])
    mine = DutySlot.objects.filter(roster=roster, port=svc.heroines).first()
    theirs = DutySlot.objects.filter(roster=roster, port=svc.vanguard).first()
    with pytest.raises(PermissionDenied):
        actions.request_swap(theirs, actor=svc.women, with_slot=mine)  # not her day
    swap = actions.request_swap(mine, actor=svc.women, with_slot=theirs, reason="外出培训")
    with pytest.raises(PermissionDenied):
        actions.decide_swap(swap, actor=svc.women, approve=True)
    assert Notification.objects.filter(recipient=svc.desk, kind="duty_swap").exists()
    actions.decide_swap(swap, actor=svc.desk, approve=True)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.port == svc.vanguard and theirs.port == svc.heroines
    client.force_login(svc.women)
    ics = client.get(f"/services/rota/{roster.pk}/rota.ics").content.decode()
    assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VEVENT") == roster.slots.count()
    assert f"DTSTART;VALUE=DATE:{theirs.date:%Y%m%d}" in ics
    printable = client.get(f"/services/rota/{roster.pk}/?print=1")
    assert printable.status_code == 200 and "巾帼港" in printable.content.decode()
    client.force_login(svc.other_desk)
    assert client.get(f"/services/rota/{roster.pk}/").status_code == 404
    day_before = theirs.date - timedelta(days=1)
    assert actions.remind_duty(day_before) >= 1
    assert Notification.objects.filter(recipient=svc.women, kind="duty_reminder").count() == 1
    actions.remind_duty(day_before)  # once only
    assert Notification.objects.filter(recipient=svc.women, kind="duty_reminder").count() == 1


# --- shared aid and beneficiaries ------------------------------------------------------------------


def test_beneficiary_found_by_id_number_and_consent_governs_what_others_see(svc):
    fund = actions.offer_resource(actor=svc.unionist, port=svc.vanguard, kind="funds", name="困难职工帮扶金",
                                  unit_label="元", quantity=3000)
    places = actions.offer_resource(actor=svc.women, port=svc.heroines, kind="places", name="家政培训名额",
                                    unit_label="个", quantity=10)
    idn = id_number(42)
    person, created = actions.register_beneficiary(actor=svc.unionist, port=svc.vanguard, name="刘建华",
                                                   id_number=idn, consent=False)
    same, again = actions.register_beneficiary(actor=svc.women, port=svc.heroines, name="刘建华",
                                               id_number=idn.lower())
    assert created and not again and same == person
    actions.allocate_aid(actor=svc.unionist, resource=fund, beneficiary=person, quantity=2000)
    actions.allocate_aid(actor=svc.women, resource=places, beneficiary=person, quantity=1)
    with pytest.raises(PermissionDenied):
        actions.allocate_aid(actor=svc.women, resource=fund, beneficiary=person, quantity=1)  # not her org's
    with pytest.raises(ActionError):
        actions.allocate_aid(actor=svc.unionist, resource=fund, beneficiary=person, quantity=1500)  # only 1000 left
    assert actions.balance(fund) == Decimal(1000)

    rows, hidden = actions.allocations_for(person, actor=svc.women)
    assert hidden and [r.resource for r in rows] == [places]  # no consent: her own only
    assert not AuditLog.objects.filter(field="shared_allocations").exists()
    actions.record_consent(person, actor=svc.unionist, consent=True)
    rows, hidden = actions.allocations_for(person, actor=svc.women)
    assert not hidden and {r.resource for r in rows} == {fund, places}
    assert AuditLog.objects.filter(field="shared_allocations", actor=svc.women, action="reveal").count() == 1
    with pytest.raises(Http404):
        actions.allocations_for(person, actor=svc.other_desk)


def test_beneficiary_page_masks_and_hides_without_consent(client, svc):
    fund = actions.offer_resource(actor=svc.unionist, port=svc.vanguard, kind="funds", name="帮扶金",
                                  unit_label="元", quantity=100)
    person, _ = actions.register_beneficiary(actor=svc.unionist, port=svc.vanguard, name="刘建华",
                                             id_number=id_number(43))
    actions.allocate_aid(actor=svc.unionist, resource=fund, beneficiary=person, quantity=50)
    client.force_login(svc.women)
    page = client.get(f"/services/aid/people/{person.pk}/").content.decode()
    assert "刘**" in page and id_number(43) not in page and 'id="hidden-note"' in page and "帮扶金" not in page
    client.force_login(svc.other_desk)
    assert client.get(f"/services/aid/people/{person.pk}/").status_code == 404


# --- safe families and figures ------------------------------------------------------------------------


def test_safe_family_awarded_for_a_year_when_required_criteria_are_met(svc):
    required = SafeFamilyCriterion.objects.create(harbor=svc.org.harbor, text="家庭和睦", required=True)
    optional = SafeFamilyCriterion.objects.create(harbor=svc.org.harbor, text="参与志愿服务", required=False)
    family = actions.nominate_family(actor=svc.women, harbor=svc.org.harbor, area=svc.org.yongchang,
                                     household="张桂兰", nominated_by="社区妇联")
    other = actions.nominate_family(actor=svc.women, harbor=svc.org.harbor, area=svc.org.yongchang,
                                    household="李强", applied=True)
    actions.assess_family(family, actor=svc.women, met={required.pk})
    family.refresh_from_db()
    assert family.status == SafeFamily.Status.AWARDED
    assert family.valid_until == family.awarded_on + timedelta(days=365)
    with pytest.raises(ActionError):
        actions.assess_family(other, actor=svc.women, met={optional.pk}, note="")  # a refusal needs a note
    actions.assess_family(other, actor=svc.women, met={optional.pk}, note="有家庭纠纷")
    other.refresh_from_db()
    assert other.status == SafeFamily.Status.NOT_AWARDED
    assert queries.safe_families_per_community(svc.desk) == [{"area__name": "永昌佳苑社区", "n": 1}]


def test_figures_are_computed_from_records(svc, client):
    for n in range(3):
        app, _ = apply_online(svc.certification, n=n, materials=svc.certification.materials)
        actions.start_review(app, actor=svc.hr)
        actions.decide_application(app, actor=svc.hr, approve=n < 2, note="" if n < 2 else "不符合")
    event = _event(svc, starts_in=timedelta(minutes=-30))
    Enrollment.objects.create(event=event, name="李娜", phone="13947300001", phone_index="x",
                              checked_in_at=timezone.now(), completed=True)
    figures = queries.report_figures(svc.desk, harbor=svc.org.harbor)
    assert figures["certified"] == 2 and figures["refused"] == 1 and figures["applications"] == 3
    assert figures["trainings"] == 1 and figures["trained"] == 1 and figures["attended"] == 1
    assert queries.report_figures(svc.unionist)["certified"] == 0  # not the union's
    client.force_login(svc.desk)
    api = client.get("/api/services/figures/", {"harbor": svc.org.harbor.pk}).json()
    assert api["certified"] == 2 and api["trainings"] == 1
    assert client.get("/services/report/").status_code == 200


def test_every_staff_page_renders_for_the_desk_and_leaders_cannot_write(client, svc, bob):
    event = _event(svc)
    _five_ports(svc)
    roster = actions.generate_roster(actor=svc.desk, harbor=svc.org.harbor, title="一月", starts_on=date(2026, 1, 5),
                                     ends_on=date(2026, 1, 30), kinds=["duty", "study"])
    person, _ = actions.register_beneficiary(actor=svc.desk, port=svc.vanguard, name="刘建华", id_number=id_number(5))
    job = actions.save_job(actor=svc.desk, harbor=svc.org.harbor, employer="永昌物业", title="保洁员",
                           collected_by=svc.hrss)
    family = actions.nominate_family(actor=svc.desk, harbor=svc.org.harbor, area=svc.org.yongchang, household="张兰")
    app, _ = apply_online(svc.certification)
    pages = ["/services/", "/services/report/", "/services/catalogue/", "/services/catalogue/new/",
             f"/services/catalogue/{svc.certification.pk}/", "/services/applications/", "/services/applications/new/",
             f"/services/applications/{app.pk}/", "/services/jobs/", f"/services/jobs/{job.pk}/", "/services/families/",
             f"/services/families/{family.pk}/", "/services/events/", "/services/events/new/",
             f"/services/events/{event.pk}/", f"/services/events/{event.pk}/qr.svg", "/services/hotline/",
             "/services/rota/", f"/services/rota/{roster.pk}/", "/services/aid/", f"/services/aid/people/{person.pk}/",
             "/p/services/", f"/p/services/apply/{svc.certification.pk}/", "/p/services/jobs/", "/p/services/events/"]
    client.force_login(svc.desk)
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.force_login(bob)  # the leader of 新达街道: reads, does not write
    assert client.get("/services/applications/").status_code == 200
    assert client.get("/services/applications/new/").status_code == 403
    assert client.post("/services/hotline/", {"phone": "13947300001"}).status_code == 403
    assert client.post(f"/services/applications/{app.pk}/review/").status_code == 403
    app.refresh_from_db()
    assert app.status == "received"


def test_event_hosted_by_the_rotation_goes_to_the_organization_on_turn(svc):
    _five_ports(svc)
    actions.generate_roster(actor=svc.desk, harbor=svc.org.harbor, title="十二月", starts_on=date(2026, 12, 1),
                            ends_on=date(2026, 12, 31), kinds=["duty", "training"])
    slot = DutySlot.objects.filter(kind="training").order_by("date")[1]
    start = timezone.make_aware(timezone.datetime.combine(slot.date, timezone.datetime.min.time())) + timedelta(
        hours=9)
    event = actions.save_event(actor=svc.desk, harbor=svc.org.harbor, kind="skills", title="轮值技能辅导",
                               starts_at=start, ends_at=start + timedelta(hours=2), by_rotation=True)
    assert event.by_rotation and event.port == slot.port
