"""Psychology records (心育): minors' sensitive data. Only the school's psychology teachers
and its designated leader read individual records; everybody else who sees the school gets
counts with small numbers suppressed; every read and every refused attempt is audited."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from safeharbor.campus import actions, queries
from safeharbor.campus.models import PsychCase
from safeharbor.core.models import AuditLog
from safeharbor.notifications.models import Notification
from tests.factories import UserFactory
from tests.factories_campus import add_classes, make_campus

pytestmark = pytest.mark.django_db


@pytest.fixture
def campus(org):
    return make_campus(org)


@pytest.fixture
def classes(campus):
    return add_classes(campus)


def open_case(campus, school_class, risk="high", name="李小雨"):
    return actions.open_case(
        campus.school, actor=campus.psych, school_class=school_class, kind="crisis", risk=risk, source="monitor",
        student_name=name, concern="心理委员反映该生在周记中写下消极的话", safety_plan="每日关注，每周两次面谈",
        guardian_name="李女士", guardian_phone="13647315100", guardian_consent=True,
        referral="乌海市第三人民医院心理科", next_follow_up=timezone.localdate() + timedelta(days=2),
    )


def test_stored_encrypted_and_masked(client, campus, classes):
    case = open_case(campus, classes[0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT student_name, guardian_phone, concern FROM campus_psychcase WHERE id = %s", [case.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in raw)
    assert "李小雨" not in "".join(raw)
    client.force_login(campus.psych)
    page = client.get(reverse("campus:psych_case", args=[case.pk])).content.decode()
    assert "李**" in page and "李小雨" not in page  # masked until revealed
    assert "136****5100" in page and "13647315100" not in page


@pytest.mark.parametrize("who", ["district_leader", "alice", "bob", "officer", "other_psych", "admin_user"])
def test_others_get_404_by_url_and_api_and_the_attempt_is_audited(request, client, campus, classes, who):
    case = open_case(campus, classes[0])
    user = getattr(campus, who, None) or request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("campus:psych_case", args=[case.pk])).status_code == 404
    assert client.get(f"/api/campus/psych-cases/{case.pk}/").status_code == 404
    assert client.get("/api/campus/psych-cases/").json()["results"] == []
    denied = AuditLog.objects.filter(actor=user, action=AuditLog.Action.DENIED, target_type="campus.psychcase",
                                     target_id=str(case.pk))
    assert denied.count() == 2
    # Nor can they reveal a field through the audited reveal endpoint.
    response = client.post(reverse("reveal", args=["campus.psychcase", case.pk, "student_name"]), {"reason": "查看"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["psych", "principal"])
def test_teacher_and_designated_leader_read_and_every_read_is_audited(client, campus, classes, who):
    case = open_case(campus, classes[0])
    user = getattr(campus, who)
    client.force_login(user)
    before = AuditLog.objects.filter(actor=user, action=AuditLog.Action.REVEAL).count()
    for _ in range(2):
        assert client.get(reverse("campus:psych_case", args=[case.pk])).status_code == 200
    data = client.get(f"/api/campus/psych-cases/{case.pk}/").json()
    assert data["risk"] == "high" and data["student_name"] == "李**"
    reads = AuditLog.objects.filter(actor=user, action=AuditLog.Action.REVEAL, target_type="campus.psychcase",
                                    target_id=str(case.pk), field="record")
    assert reads.count() == 3
    assert AuditLog.objects.filter(actor=user, action=AuditLog.Action.REVEAL).count() == before + 3
    # Revealing the name: the value, and one more audit entry with the reason.
    response = client.post(reverse("reveal", args=["campus.psychcase", case.pk, "student_name"]),
                           {"reason": "联系家长"})
    assert "李小雨" in response.content.decode()
    assert AuditLog.objects.filter(actor=user, field="student_name", reason="联系家长").count() == 1
    # The case page lists who read it.
    page = client.get(reverse("campus:psych_case", args=[case.pk])).content.decode()
    assert user.display_name in page


def test_list_is_audited_and_only_for_the_team(client, campus, classes):
    open_case(campus, classes[0])
    client.force_login(campus.psych)
    page = client.get(reverse("campus:psych", args=[campus.school.pk])).content.decode()
    assert 'id="cases"' in page
    assert AuditLog.objects.filter(actor=campus.psych, field="list", target_type="campus.psychcase").count() == 1
    client.force_login(campus.officer)
    page = client.get(reverse("campus:psych", args=[campus.school.pk])).content.decode()
    assert 'id="cases"' not in page and "#1" not in page


def test_counts_below_five_are_suppressed_for_the_district(client, campus, classes):
    for i in range(3):
        open_case(campus, classes[0], name=f"学生{i}")
    for i in range(6):
        actions.open_case(campus.school, actor=campus.psych, school_class=classes[1], kind="counselling", risk="low",
                          source="self", student_name=f"学生L{i}", concern="学习压力大")
    summary = dict(queries.psych_summary(campus.school)["by_risk"])
    assert summary[PsychCase.Risk.HIGH.label] == "<5"
    assert summary[PsychCase.Risk.LOW.label] == "6"
    assert summary[PsychCase.Risk.CRITICAL.label] == "0"
    client.force_login(campus.district_leader)
    page = client.get(reverse("campus:psych", args=[campus.school.pk])).content.decode()
    assert "&lt;5" in page and "学生0" not in page
    api = client.get(f"/api/campus/schools/{campus.school.pk}/psych-summary/").json()
    assert api["by_risk"] == {"low": "6", "medium": "0", "high": "<5", "critical": "0"}
    card = client.get(f"/api/campus/schools/{campus.school.pk}/report-card/").json()
    assert card["psych_open_by_risk"]["high"] == "<5"


def test_high_and_critical_cases_alert_the_lead_and_the_designated_leader(campus, classes):
    case = open_case(campus, classes[0], risk="critical")
    notes = list(Notification.objects.filter(kind="crisis_case"))
    assert {n.recipient for n in notes} == {campus.principal}  # the lead opened it herself
    assert "李小雨" not in notes[0].message  # no pupil's name in a notification
    second_teacher = UserFactory(username="psych2", role="psych_teacher", unit=campus.school.unit, school=campus.school)
    low = actions.open_case(campus.school, actor=second_teacher, school_class=classes[0], kind="counselling",
                            risk="low", source="self", student_name="张三", concern="想家")
    assert Notification.objects.filter(kind="crisis_case").count() == 1  # low: no alert
    actions.follow_up_case(low, actor=second_teacher, note="情况加重，出现自伤念头", risk="critical")
    escalated = Notification.objects.filter(kind="crisis_case").exclude(pk__in=[n.pk for n in notes])
    assert {n.recipient for n in escalated} == {campus.psych, campus.principal}
    assert case.pk


def test_high_case_needs_safety_plan_and_guardian(client, campus, classes):
    client.force_login(campus.psych)
    response = client.post(reverse("campus:psych_case_new", args=[campus.school.pk]), {
        "school_class": classes[0].pk, "kind": "crisis", "risk": "high", "source": "teacher",
        "student_name": "王小明", "concern": "情绪低落"})
    assert response.status_code == 400
    assert "safety plan" in response.content.decode() or "安全计划" in response.content.decode()
    assert not PsychCase.objects.exists()


def test_only_psychology_teachers_write(client, campus, classes):
    client.force_login(campus.officer)
    response = client.post(reverse("campus:psych_case_new", args=[campus.school.pk]), {})
    assert response.status_code == 403
    client.force_login(campus.other_psych)
    assert client.get(reverse("campus:psych_case_new", args=[campus.school.pk])).status_code == 404


def test_lesson_coverage_flags_missing_weeks_and_monitor_gaps(client, campus, classes):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday()) - timedelta(weeks=3)
    actions.add_term(campus.school, actor=campus.officer, name="本学期", starts_on=monday,
                     ends_on=monday + timedelta(days=120))
    weeks = queries.school_weeks(monday, monday + timedelta(days=20))
    for week in weeks:
        actions.log_lesson(classes[0], actor=campus.psych, held_on=week + timedelta(days=2), module="emotion",
                           topic="做情绪的主人")
    for week in weeks[:-1]:
        actions.log_lesson(classes[1], actor=campus.psych, held_on=week + timedelta(days=2), module="self",
                           topic="认识自己")
    coverage = queries.lesson_coverage(campus.school)
    missing = {str(c): m for c, _done, m in coverage.rows}
    assert missing[str(classes[0])] == []
    assert missing[str(classes[1])] == [weeks[-1]]
    actions.set_psych_monitor(classes[0], actor=campus.psych, name="赵一诺")
    assert [c.pk for c in queries.monitor_gaps(campus.school)] == [classes[1].pk]
    client.force_login(campus.district_leader)
    page = client.get(reverse("campus:psych", args=[campus.school.pk])).content.decode()
    assert 'class="miss"' in page and 'id="monitor-gaps"' in page
    assert "赵一诺" not in page  # a pupil's name: masked even in the roster, and the roster is the team's


def test_due_follow_ups_remind_the_teacher_once_a_day(campus, classes):
    case = open_case(campus, classes[0])
    today = timezone.localdate()
    PsychCase.objects.filter(pk=case.pk).update(next_follow_up=today)
    assert actions.remind_due_follow_ups() == 1
    assert actions.remind_due_follow_ups() == 0  # once a day
    note = Notification.objects.get(kind="campus.follow_up")
    assert note.recipient == campus.psych and "李小雨" not in note.message
    actions.close_case(case, actor=campus.psych, note="情况稳定，结案")
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert actions.remind_due_follow_ups() == 0  # closed cases are not followed up
