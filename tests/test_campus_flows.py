"""Campus safety flows as the school safety officer, the units, the district and residents
live them: joint-meeting decisions that become matters, hazards rectified and re-inspected
(and coming back), guard rosters over holidays with an uncovered slot, the safety record."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from safeharbor.campus import actions, queries
from safeharbor.campus.models import GuardDuty, GuardShift, Hazard, Incident
from safeharbor.core.models import User
from safeharbor.matters import actions as matter_actions
from safeharbor.matters.models import Decision, Matter, Meeting
from safeharbor.notifications.models import Notification
from tests.factories import UserFactory
from tests.factories_campus import GATE, add_classes, make_campus

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def campus(org):
    return make_campus(org)


def page(client, name, *args, **query):
    return client.get(reverse(name, args=args), query)


# --- schools ----------------------------------------------------------------------------------------


def test_classes_keep_the_school_totals(client, campus):
    client.force_login(campus.officer)
    for name in ("1班", "2班"):
        response = client.post(reverse("campus:setup", args=[campus.school.pk]),
                               {"class": "1", "grade_name": "初一年级", "name": name, "student_count": 37})
        assert response.status_code == 302
    campus.school.refresh_from_db()
    assert (campus.school.class_count, campus.school.student_count) == (2, 74)
    response = client.post(reverse("campus:setup", args=[campus.school.pk]),
                           {"class": "1", "grade_name": "初一年级", "name": "1班", "student_count": 30})
    assert response.status_code == 400 and "1班" in response.content.decode()


def test_room_bookings_do_not_overlap(campus):
    room = actions.add_room(campus.school, actor=campus.officer, name="团体辅导室", capacity=30)
    start = timezone.now() + timedelta(days=1)
    actions.book_room(room, actor=campus.officer, starts_at=start, ends_at=start + timedelta(hours=1), purpose="培训")
    with pytest.raises(actions.ActionError, match="培训"):
        actions.book_room(room, actor=campus.psych, starts_at=start + timedelta(minutes=30),
                          ends_at=start + timedelta(hours=2), purpose="团辅")
    actions.book_room(room, actor=campus.psych, starts_at=start + timedelta(hours=1),
                      ends_at=start + timedelta(hours=2), purpose="团辅")


def test_scope_other_area_gets_404_and_leader_cannot_write(client, campus, charlie, bob):
    client.force_login(charlie)
    for name in ("campus:school", "campus:setup", "campus:meetings", "campus:hazards", "campus:guards",
                 "campus:psych", "campus:incidents"):
        assert page(client, name, campus.school.pk).status_code == 404, name
    assert client.get(f"/api/campus/schools/{campus.school.pk}/report-card/").status_code == 404
    assert campus.school.pk not in [s["id"] for s in client.get("/api/campus/schools/").json()["results"]]
    client.force_login(bob)  # leader of the sub-district: reads, does not write
    assert page(client, "campus:school", campus.school.pk).status_code == 200
    response = client.post(reverse("campus:incidents", args=[campus.school.pk]), {})
    assert response.status_code == 403
    assert page(client, "campus:school", 999999).status_code == 404


# --- joint meetings and decisions ---------------------------------------------------------------------


def test_joint_meeting_decision_becomes_a_supervised_matter(client, campus, org):
    client.force_login(campus.officer)
    response = client.post(reverse("campus:meetings", args=[campus.school.pk]), {
        "meeting": "1", "kind": "school_surroundings", "title": "校园周边环境整治联席会议",
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "place": "行政楼会议室",
        "attending_units": [org.police.pk, campus.market.pk], "agenda": "整治三无食品"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("matters:meeting_detail", args=[meeting.pk])
    assert meeting.harbor == campus.harbor and meeting.kind == "school_surroundings"
    deadline = timezone.localdate() + timedelta(days=10)
    response = client.post(reverse("matters:meeting_decision", args=[meeting.pk]), {
        "text": "清理南门外三无零食摊", "owner_unit": campus.market.pk, "deadline": deadline.isoformat()})
    assert response.status_code == 302
    decision = Decision.objects.get()
    matter = decision.matter
    assert (matter.source, matter.status, matter.unit) == ("meeting", "dispatched", campus.market)
    assert timezone.localtime(matter.resolve_due_at).date() == deadline
    body = page(client, "campus:meetings", campus.school.pk).content.decode()
    assert matter.tracking_code in body and "清理南门外三无零食摊" in body
    card = queries.report_card(campus.officer, campus.school)
    assert (card["decisions_total"], card["decisions_open"]) == (1, 1)
    # The unit handles it: the school sees the status change.
    matter_actions.accept_matter(matter, actor=campus.market_handler)
    matter_actions.resolve_matter(matter, actor=campus.market_handler, result="已清理")
    assert queries.report_card(campus.officer, campus.school)["decisions_open"] == 0


def test_meeting_schedule_flags_an_overdue_meeting(campus):
    actions.plan_meetings(campus.school, actor=campus.officer, kind="school_safety", every_months=1,
                          first_on=timezone.localdate() - timedelta(days=40))
    (plan,) = queries.meeting_plans(campus.school)
    assert plan.overdue and plan.last_held is None
    actions.hold_joint_meeting(campus.school, actor=campus.officer, kind="school_safety", title="学校安全联席会议",
                               held_at=timezone.now())
    (plan,) = queries.meeting_plans(campus.school)
    assert not plan.overdue and plan.next_due > timezone.localdate()


# --- hazards ----------------------------------------------------------------------------------------------


def report_stall(campus, lat, lon, **kw):
    return actions.report_hazard(campus.school, actor=campus.officer, kind="food_stall", lat=lat, lon=lon,
                                 description="南门外流动摊位卖三无辣条", address="南门外", **kw)


def test_hazard_goes_to_the_unit_is_reinspected_and_recurs(client, campus, media):
    client.force_login(campus.officer)
    response = client.post(reverse("campus:hazards", args=[campus.school.pk]), {
        "kind": "food_stall", "description": "南门外流动摊位卖三无辣条", "address": "南门外",
        "lat": GATE[0] + 0.0003, "lon": GATE[1]})
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    matter = hazard.matter
    assert (matter.source, matter.status, matter.unit, matter.category.code) == (
        "hazard", "dispatched", campus.market, "market.food_safety")
    assert 30 <= hazard.distance_m <= 36 and hazard.via == "staff" and not hazard.recurring
    # Re-inspection only after the unit reports it done.
    with pytest.raises(actions.ActionError):
        actions.reinspect_hazard(hazard, actor=campus.officer, passed=True, note="已清理")
    matter_actions.accept_matter(matter, actor=campus.market_handler)
    matter_actions.resolve_matter(matter, actor=campus.market_handler, result="已取缔摊点")
    hazard.refresh_from_db()
    assert hazard.status == "reinspect"
    assert Notification.objects.filter(recipient=campus.officer, kind="campus.reinspect").exists()
    # Not rectified: back to the unit.
    response = client.post(reverse("campus:hazard_detail", args=[hazard.pk]), {"passed": "no", "note": "摊位还在"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    matter.refresh_from_db()
    assert (hazard.status, matter.status) == ("open", "reopened")
    matter_actions.accept_matter(matter, actor=campus.market_handler)
    matter_actions.resolve_matter(matter, actor=campus.market_handler, result="已暂扣食品并固定值守")
    photo = _png()
    response = client.post(reverse("campus:hazard_detail", args=[hazard.pk]),
                           {"passed": "yes", "note": "摊位已清理", "photos": photo})
    assert response.status_code == 302
    hazard.refresh_from_db()
    matter.refresh_from_db()
    assert (hazard.status, matter.status) == ("rectified", "closed")
    assert hazard.photos.filter(stage="after").count() == 1
    # A month later it comes back 40 m away: flagged as recurring.
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        again = report_stall(campus, GATE[0] + 0.0003, GATE[1] + 0.0004)
    assert again.recurrence_of == hazard and again.recurring
    assert "Recurring" in again.matter.title or "反复" in again.matter.title
    body = page(client, "campus:hazards", campus.school.pk, status="recurring").content.decode()
    assert reverse("campus:hazard_detail", args=[again.pk]) in body
    assert reverse("campus:hazard_detail", args=[hazard.pk]) + '"' not in body
    assert queries.report_card(campus.officer, campus.school)["hazards_recurring"] == 1
    # Far away, or another kind: not a recurrence.
    assert not report_stall(campus, GATE[0] + 0.01, GATE[1]).recurring


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    return SimpleUploadedFile("after.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_resident_report_about_school_surroundings_becomes_a_hazard(client, campus, alice):
    matter, _check = matter_actions.create_matter(
        actor=None, source=Matter.Source.WEB, category=campus.surroundings, area=campus.school.area,
        description="学校门口有人开黑网吧，学生放学就钻进去", lat=GATE[0] + 0.001, lon=GATE[1])
    hazard = Hazard.objects.get(matter=matter)
    assert (hazard.school, hazard.kind, hazard.via) == (campus.school, "internet_cafe", "resident")
    assert 100 <= hazard.distance_m <= 120
    # The dispatcher routes the matter as usual; the school sees the hazard on its list and map.
    client.force_login(campus.officer)
    body = page(client, "campus:hazards", campus.school.pk).content.decode()
    assert reverse("campus:hazard_detail", args=[hazard.pk]) in body


def test_the_rectifying_unit_sees_its_hazard_others_do_not(client, campus, charlie):
    hazard = report_stall(campus, GATE[0], GATE[1] + 0.001)
    client.force_login(campus.market_handler)
    assert page(client, "campus:hazard_detail", hazard.pk).status_code == 200
    assert client.get(f"/api/campus/hazards/{hazard.pk}/").json()["unit"] == "market"
    client.force_login(charlie)
    assert page(client, "campus:hazard_detail", hazard.pk).status_code == 404
    assert client.get(f"/api/campus/hazards/{hazard.pk}/").status_code == 404


def test_hazard_api_report_and_list(client, campus):
    client.force_login(campus.officer)
    response = client.post("/api/campus/hazards/", {"school": campus.school.pk, "kind": "illegal_taxi",
                                                    "description": "放学时段黑车揽客", "lat": GATE[0], "lon": GATE[1]},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == "transport_enforcement"
    assert client.get("/api/campus/hazards/", {"school": campus.school.pk}).json()["count"] == 1


# --- guard posts ------------------------------------------------------------------------------------------


@pytest.fixture
def roster(campus):
    gate = actions.add_gate(campus.school, actor=campus.officer, name="南门", people_per_slot=2)
    term = actions.add_term(campus.school, actor=campus.officer, name="国庆前后", starts_on=date(2026, 9, 26),
                            ends_on=date(2026, 10, 11))
    actions.add_guard(campus.school, actor=campus.officer, kind="traffic_police", name="交警刘伟", phone="13947302100")
    for i in range(3):
        actions.add_guard(campus.school, actor=campus.officer, kind="parent", name=f"家长{i}",
                          phone=f"1384731310{i}")
    result = actions.generate_roster(term, actor=campus.officer, gate=gate)
    return gate, term, result


def test_roster_skips_holidays_and_keeps_adjusted_working_days(campus, roster):
    gate, term, result = roster
    days = sorted(set(GuardShift.objects.filter(gate=gate).values_list("date", flat=True)))
    # National Day week off; Saturday 10 October 2026 is an adjusted working day (调休).
    assert days == [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9),
                    date(2026, 10, 10)]
    assert result == {"shifts": 18, "duties": 36}
    for shift in GuardShift.objects.filter(gate=gate):
        kinds = sorted(d.guard.kind for d in shift.duties.all())
        assert kinds == ["parent", "traffic_police"]
    # Generating again adds nothing.
    assert actions.generate_roster(term, actor=campus.officer, gate=gate) == {"shifts": 0, "duties": 0}


def test_uncovered_slot_is_flagged_the_day_before(client, campus, roster):
    gate, _term, _result = roster
    shift = GuardShift.objects.get(gate=gate, date=date(2026, 10, 9), slot="afternoon")
    duty = shift.duties.get(guard__kind="parent")
    client.force_login(campus.officer)
    assert client.post(reverse("campus:duty_drop", args=[duty.pk])).status_code == 302
    assert actions.flag_uncovered_slots(now=datetime(2026, 10, 8, 18, 0, tzinfo=TZ)) == 1
    note = Notification.objects.get(recipient=campus.officer, kind="campus.uncovered")
    assert "2026-10-09" in note.message
    assert actions.flag_uncovered_slots(now=datetime(2026, 10, 8, 19, 0, tzinfo=TZ)) == 0  # once only
    body = page(client, "campus:guards", campus.school.pk, day="2026-10-09").content.decode()
    assert "1/2" in body


def test_guard_signs_in_at_the_gate_with_the_qr_page(client, campus, roster):
    gate, _term, _result = roster
    url = reverse("campus_public:gate", args=[gate.token])
    with time_machine.travel(datetime(2026, 9, 29, 7, 25, tzinfo=TZ), tick=False):
        assert client.get(url).status_code == 200  # no account needed
        response = client.post(url, {"phone": "139 4730 2100"})
        assert response.status_code == 200 and 'id="signed-in"' in response.content.decode()
        wrong = client.post(url, {"phone": "13000000000"})
        assert wrong.status_code == 400
    duty = GuardDuty.objects.get(shift__date=date(2026, 9, 29), shift__slot="morning", guard__kind="traffic_police")
    assert duty.signed_in_at and duty.sign_in_method == "qr"
    with time_machine.travel(datetime(2026, 9, 29, 10, 0, tzinfo=TZ), tick=False):
        assert client.post(url, {"phone": "13947302100"}).status_code == 400  # no shift now


def test_guard_list_is_masked_and_only_for_school_staff(client, campus, roster, alice):
    client.force_login(campus.officer)
    body = page(client, "campus:guards", campus.school.pk, day="2026-09-29").content.decode()
    assert "139****2100" in body and "13947302100" not in body
    client.force_login(alice)
    body = page(client, "campus:guards", campus.school.pk, day="2026-09-29").content.decode()
    assert 'id="shifts"' in body and "139****2100" not in body  # the rota, not the people's data
    assert client.post(reverse("reveal", args=["campus.guard", GuardDuty.objects.first().guard_id, "phone"]),
                       {"reason": "联系"}).status_code == 404


# --- safety record -------------------------------------------------------------------------------------------


def test_days_without_accident_and_crime_come_from_the_records(client, campus):
    from safeharbor.campus.models import CampusProfile

    today = timezone.localdate()
    CampusProfile.objects.filter(school=campus.school).update(records_since=today - timedelta(days=100))
    record = queries.safety_record(campus.school)
    assert (record["days_without_accident"], record["days_without_crime"]) == (100, 100)
    ten_days_ago = timezone.now() - timedelta(days=10)
    actions.record_incident(campus.school, actor=campus.officer, kind="injury", severity="minor",
                            occurred_at=ten_days_ago, description="轻微擦伤")
    assert queries.safety_record(campus.school)["days_without_accident"] == 100  # minor: not a safety accident
    client.force_login(campus.officer)
    response = client.post(reverse("campus:incidents", args=[campus.school.pk]), {
        "kind": "theft", "severity": "general", "description": "教室手机被盗",
        "occurred_at": timezone.localtime(timezone.now() - timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"),
        "crime_case": "on"})
    assert response.status_code == 302
    record = queries.safety_record(campus.school)
    assert (record["days_without_accident"], record["days_without_crime"], record["crimes_this_year"]) == (100, 4, 1)
    assert Incident.objects.count() == 2
    body = page(client, "campus:school", campus.school.pk).content.decode()
    assert 'id="days-without-accident">100<' in body and 'id="crimes-this-year">1<' in body


def test_report_card_page_for_the_district(client, campus):
    add_classes(campus, count=3)
    leader = UserFactory(username="edu_leader", role=User.Role.LEADER, areas=[campus.school.area])
    client.force_login(leader)
    body = page(client, "campus:school", campus.school.pk).content.decode()
    assert "永昌佳苑实验学校" in body and ">3<" in body
    assert client.get(reverse("campus:home")).status_code == 200


def test_report_recategorized_to_school_surroundings_becomes_a_hazard(campus, alice):
    matter, _check = matter_actions.create_matter(
        actor=None, source=Matter.Source.WEB, area=campus.school.area, address="学校南门",
        description="校门口有人摆摊卖没有标签的辣条和饮料，孩子们放学都去买")
    assert not Hazard.objects.filter(matter=matter).exists()
    matter_actions.dispatch_matter(matter, actor=alice, unit=campus.market, category=campus.surroundings)
    hazard = Hazard.objects.get(matter=matter)
    assert (hazard.school, hazard.kind, hazard.via) == (campus.school, "food_stall", "resident")


def test_education_bureau_oversees_every_school_without_psychology_records(client, campus):
    education = UserFactory(username="edu", role=User.Role.UNIT_HANDLER, unit=campus.market.__class__.objects.get(
        code="education"))
    client.force_login(education)
    body = page(client, "campus:home").content.decode()
    assert "永昌佳苑实验学校" in body and "团结小学" in body
    assert page(client, "campus:psych", campus.other_school.pk).status_code == 200
    assert 'id="cases"' not in page(client, "campus:psych", campus.school.pk).content.decode()


def test_area_wide_surroundings_meeting_counts_for_the_school(client, campus, org, alice):
    meeting = matter_actions.create_meeting(
        actor=alice, kind="school_surroundings", title="新达街道校园周边环境整治联席会议", organizer=org.police,
        area=org.xinda, held_at=timezone.now())
    matter_actions.add_decision(meeting, actor=alice, text="整治各校门口黑车", owner_unit=org.police,
                                deadline=timezone.localdate() + timedelta(days=5))
    assert meeting in queries.school_meetings(campus.school)
    assert meeting not in queries.school_meetings(campus.other_school)  # another sub-district
    client.force_login(campus.officer)
    body = page(client, "campus:meetings", campus.school.pk).content.decode()
    assert "新达街道校园周边环境整治联席会议" in body and "整治各校门口黑车" in body
    assert reverse("matters:meeting_detail", args=[meeting.pk]) not in body  # not theirs to open
