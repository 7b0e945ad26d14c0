"""Service applications: online and at the desk, review with materials, refusals, certificates,
placements, hand-over to mediation, the matter behind them, and scope between ports."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import AuditLog
from safeharbor.matters.models import Matter
from safeharbor.services import actions, queries
from safeharbor.services.models import Application, Event, JobOpening
from tests import factories, factories_services
from tests.factories_services import apply_online, id_number

pytestmark = pytest.mark.django_db
svc = factories_services.svc
S = Application.Status


def test_online_application_gets_codes_and_a_dispatched_matter_with_a_deadline(svc):
    app, check = apply_online(svc.certification)
    assert app.channel == "online" and app.status == S.RECEIVED
    assert len(check) == 6 and actions.find_application(app.tracking_code, check) == app
    assert actions.find_application(app.tracking_code, "000000" if check != "000000" else "111111") is None
    matter = app.matter
    assert matter.tracking_code == app.tracking_code
    assert matter.status == Matter.Status.DISPATCHED and matter.unit == svc.hrss
    assert matter.category.code == "service.employment" and matter.harbor == svc.org.harbor
    assert app.due_at > app.created_at  # 15 working days
    # Personal data is encrypted at rest.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT applicant_phone, applicant_id_number FROM services_application WHERE id=%s", [app.pk])
        phone, idn = cursor.fetchone()
    assert phone.startswith("enc1:") and idn.startswith("enc1:")


def test_certification_needs_a_valid_id_number(svc):
    with pytest.raises(ActionError) as err:
        apply_online(svc.certification, id_number="150304197805120011")
    assert err.value.extra["field"] == "id_number"
    with pytest.raises(ActionError):
        apply_online(svc.certification, phone="12345")
    assert not Application.objects.exists()


def test_missing_materials_block_approval_until_ticked(svc):
    app, _check = apply_online(svc.certification)
    actions.start_review(app, actor=svc.hr)
    app.matter.refresh_from_db()
    assert app.matter.status == Matter.Status.ACCEPTED
    with pytest.raises(ActionError) as err:
        actions.decide_application(app, actor=svc.hr, approve=True)
    assert "《就业创业证》" in str(err.value.message)
    actions.request_materials(app, actor=svc.hr)
    app.refresh_from_db()
    assert app.status == S.MATERIALS
    assert "《就业创业证》" in app.steps.last().note
    actions.supplement_application(app, text="明天把就业创业证送到港湾")
    actions.record_materials(app, actor=svc.desk, received=["居民身份证", "《就业创业证》"])
    app.refresh_from_db()
    assert app.status == S.REVIEWING and app.missing_materials == []
    actions.decide_application(app, actor=svc.hr, approve=True, note="符合条件")
    app.refresh_from_db()
    assert app.status == S.APPROVED and app.certificate_number.startswith("JYKN-")
    assert app.matter.status == Matter.Status.RESOLVED
    actions.deliver_application(app, actor=svc.desk, note="证明已交本人")
    app.refresh_from_db()
    assert app.status == S.DELIVERED and app.matter.status == Matter.Status.CLOSED
    assert app in queries.certified_people(svc.hr)


def test_refusal_needs_reasons_and_is_shown_to_the_applicant(svc):
    app, _check = apply_online(svc.certification)
    actions.start_review(app, actor=svc.hr)
    with pytest.raises(ActionError):
        actions.decide_application(app, actor=svc.hr, approve=False, note="")
    actions.decide_application(app, actor=svc.hr, approve=False, note="不在法定劳动年龄内")
    app.refresh_from_db()
    assert app.status == S.REFUSED and not app.certificate_number
    assert any("不在法定劳动年龄内" in s.note for s in queries.public_timeline(app))
    with pytest.raises(ConflictError):
        actions.deliver_application(app, actor=svc.hr)


def test_certificates_are_numbered_in_sequence(svc):
    numbers = []
    for n in range(2):
        app, _check = apply_online(svc.certification, n=n, materials=svc.certification.materials)
        actions.start_review(app, actor=svc.hr)
        actions.decide_application(app, actor=svc.hr, approve=True)
        app.refresh_from_db()
        numbers.append(app.certificate_number)
    assert numbers[0].endswith("-0001") and numbers[1].endswith("-0002")


def test_placement_records_employer_and_job_and_counts_against_the_opening(svc):
    cert, _check = apply_online(svc.certification, materials=svc.certification.materials)
    actions.start_review(cert, actor=svc.hr)
    actions.decide_application(cert, actor=svc.hr, approve=True)
    job = actions.save_job(actor=svc.hr, harbor=svc.org.harbor, employer="永昌物业", title="保洁员",
                           collected_by=svc.hrss, positions=1)
    assert [c.pk for c in queries.job_candidates(svc.hr, job)] == [cert.pk]
    placed = actions.place_candidate(actor=svc.hr, job=job, certified=cert)
    assert placed.status == S.DELIVERED and placed.employer == "永昌物业" and placed.job_title == "保洁员"
    assert job.filled == 1 and queries.job_candidates(svc.hr, job) == []
    other, _check = apply_online(svc.certification, n=2, materials=svc.certification.materials)
    actions.start_review(other, actor=svc.hr)
    actions.decide_application(other, actor=svc.hr, approve=True)
    with pytest.raises(ActionError):
        actions.place_candidate(actor=svc.hr, job=job, certified=other)  # the one position is filled


def test_placement_without_employer_is_refused(svc):
    app, _check = apply_online(svc.placement, materials=["居民身份证"])
    actions.start_review(app, actor=svc.hr)
    actions.decide_application(app, actor=svc.hr, approve=True)
    with pytest.raises(ActionError) as err:
        actions.deliver_application(app, actor=svc.hr)
    assert err.value.extra["field"] == "employer"
    assert JobOpening.objects.count() == 0


def test_family_mediation_is_handed_over_to_the_justice_bureau(svc):
    app, _check = apply_online(svc.mediation, details="和丈夫因抚养问题争吵")
    actions.start_review(app, actor=svc.women)
    actions.decide_application(app, actor=svc.women, approve=True, mediation_unit=svc.org.justice)
    app.refresh_from_db()
    assert app.handover_matter.unit == svc.org.justice
    assert app.handover_matter.category.code == "dispute.family"
    assert app.handover_matter.reporter_name == "王秀英"


def test_training_enrollment_needs_a_training(svc):
    from datetime import timedelta

    from django.utils import timezone

    app, _check = apply_online(svc.training)
    actions.start_review(app, actor=svc.women)
    with pytest.raises(ActionError):
        actions.decide_application(app, actor=svc.women, approve=True)
    start = timezone.now() + timedelta(days=3)
    event = actions.save_event(actor=svc.women, harbor=svc.org.harbor, port=svc.heroines, kind="skills",
                               title="家政服务员培训", starts_at=start, ends_at=start + timedelta(hours=3))
    actions.decide_application(app, actor=svc.women, approve=True, event=event)
    assert Event.objects.get().enrollments.count() == 1


def test_desk_application_by_harbor_staff(svc):
    app, check = actions.submit_application(service=svc.worker_aid, actor=svc.desk, name="张建军",
                                            phone="13947300001", details="爱人住院", materials=["工会会员证"])
    assert app.channel == "desk" and app.created_by == svc.desk and check
    assert app.matter.source == Matter.Source.WALK_IN and app.matter.unit == svc.union


def test_queues_are_scoped_to_port_and_harbor(svc, charlie):
    women_app, _ = apply_online(svc.mediation, n=1)
    union_app, _ = apply_online(svc.worker_aid, n=2, materials=["工会会员证"])
    hr_app, _ = apply_online(svc.certification, n=3)
    visible = {
        u.username: set(queries.application_queue(u).values_list("pk", flat=True))
        for u in (svc.women, svc.unionist, svc.hr, svc.desk, svc.other_desk, charlie)
    }
    assert visible["women"] == {women_app.pk}
    assert visible["unionist"] == {union_app.pk}
    assert visible["hr"] == {hr_app.pk}
    assert visible["desk"] == {women_app.pk, union_app.pk, hr_app.pk}
    assert visible["otherdesk"] == set() and visible["charlie"] == set()
    with pytest.raises(Http404):
        actions.start_review(union_app, actor=svc.women)
    with pytest.raises(Http404):
        actions.start_review(women_app, actor=svc.other_desk)


def test_leader_reads_but_cannot_decide(svc, bob):
    app, _ = apply_online(svc.certification)
    assert app in queries.application_queue(bob)
    with pytest.raises(PermissionDenied):
        actions.start_review(app, actor=bob)


def test_reveal_is_audited_and_scoped(svc):
    from safeharbor.core.actions import reveal_personal_field

    app, _ = apply_online(svc.mediation)
    value = reveal_personal_field(actor=svc.women, label="services.application", pk=app.pk,
                                  field="applicant_phone", reason="回电核实")
    assert value == app.applicant_phone
    assert AuditLog.objects.filter(action="reveal", target_id=str(app.pk), field="applicant_phone").count() == 1
    with pytest.raises(Http404):
        reveal_personal_field(actor=svc.unionist, label="services.application", pk=app.pk,
                              field="applicant_phone", reason="看看")


def test_pages_staff_flow_and_scope(client, svc):
    app, _ = apply_online(svc.worker_aid, n=5)
    client.force_login(svc.unionist)
    page = client.get("/services/applications/")
    assert page.status_code == 200 and app.tracking_code in page.content.decode()
    detail = client.get(f"/services/applications/{app.pk}/").content.decode()
    assert "王**" in detail and app.applicant_phone not in detail  # masked
    assert client.post(f"/services/applications/{app.pk}/review/").status_code == 302
    response = client.post(f"/services/applications/{app.pk}/decide/", {"decision": "approve", "note": ""})
    assert response.status_code == 400 and "工会会员证" in response.content.decode()
    client.post(f"/services/applications/{app.pk}/materials/", {"materials": ["工会会员证"]})
    response = client.post(f"/services/applications/{app.pk}/decide/", {"decision": "approve", "note": "发放帮扶金"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.APPROVED
    client.force_login(svc.women)
    assert client.get(f"/services/applications/{app.pk}/").status_code == 404
    assert client.post(f"/services/applications/{app.pk}/deliver/", {"note": "x"}).status_code == 404


def test_certificate_pdf(client, svc):
    app, _ = apply_online(svc.certification, materials=svc.certification.materials)
    actions.start_review(app, actor=svc.hr)
    actions.decide_application(app, actor=svc.hr, approve=True)
    client.force_login(svc.hr)
    response = client.get(f"/services/applications/{app.pk}/certificate.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(action="export", target_id=str(app.pk), actor=svc.hr).count() == 1
    client.force_login(svc.women)
    assert client.get(f"/services/applications/{app.pk}/certificate.pdf").status_code == 404


def test_public_apply_and_track_pages(client, svc):
    response = client.post(f"/p/services/apply/{svc.certification.pk}/", {
        "name": "李桂英", "phone": "13947301234", "id_number": id_number(9), "address": "", "details": "下岗两年"})
    assert response.status_code == 302
    receipt = client.get("/p/services/receipt/").content.decode()
    app = Application.objects.get()
    assert app.tracking_code in receipt
    page = client.get(f"/p/services/track/{app.tracking_code}/")
    assert page.status_code == 200 and "就业困难认定" in page.content.decode()
    stranger = factories.UserFactory  # noqa: F841 - a fresh client has no pass
    from django.test import Client

    other = Client()
    assert other.get(f"/p/services/track/{app.tracking_code}/").status_code == 302  # asks for the codes
    bad = other.post("/p/services/track/", {"code": app.tracking_code, "check": "99999x"})
    assert bad.status_code == 400


def test_api_lists_and_decides_within_scope(client, svc):
    app, _ = apply_online(svc.worker_aid, n=7, materials=["工会会员证"])
    client.force_login(svc.unionist)
    listing = client.get("/api/services/applications/?status=open").json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert [r["tracking_code"] for r in rows] == [app.tracking_code]
    assert rows[0]["applicant_name"] == "王**"
    assert client.post(f"/api/services/applications/{app.pk}/review/").status_code == 200
    refused = client.post(f"/api/services/applications/{app.pk}/decide/", {"approve": False, "note": ""},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["extra"]["field"] == "note"
    done = client.post(f"/api/services/applications/{app.pk}/decide/", {"approve": True},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    client.force_login(svc.women)
    assert client.get(f"/api/services/applications/{app.pk}/").status_code == 404
