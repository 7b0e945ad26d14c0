"""The other modules' figures on the report card (平安成绩单), on a small history counted by
hand, measured on Thursday 2026-09-24 10:00 for September 2026, and scoped: bob leads
新达街道 and sees none of 三道坎街道's records.

In 新达街道 (永昌佳苑社区):
- mediation: three disputes of 3,800 yuan each: A agreed in writing, performed, high risk;
  B failed (no agreement); C just registered. Success rate = 1 agreement / 2 mediated.
- services at 永昌佳苑平安港湾: two employment-difficulty certificates approved, one person
  placed; one skills training (3 signed up, 2 came and completed it).
- campus: 永昌佳苑实验学校, records since 2026-01-01, one safety accident on 2026-03-10
  (before the period) and a minor quarrel in September (neither accident nor crime).
- publicity: two activities (120 and 80 people), 300 leaflets handed out at the first.
- campaigns: a campaign in 新达街道 with three tasks due in September: one done (its matter
  resolved), one overdue (deadline 09-22 passed), one due 09-28 (not yet late).
In 三道坎街道 (charlie's): one of each, which bob never sees.
"""

from datetime import date

import pytest

from safeharbor.campaigns import actions as campaign_actions
from safeharbor.campus.models import CampusProfile, Incident
from safeharbor.insights import periods, queries
from safeharbor.mediation.models import Case
from safeharbor.publicity.models import Activity, Distribution, Material
from safeharbor.services import actions as service_actions
from safeharbor.services.models import Application, Enrollment, Event
from tests.factories_campaigns import make_campaign
from tests.factories_campus import make_campus
from tests.factories_mediation import accepted, agree, make_med, register, session
from tests.factories_services import apply_online, svc  # noqa: F401  (the services fixture)
from tests.tools import at

pytestmark = pytest.mark.django_db
SEPTEMBER = periods.month(date(2026, 9, 1))


class World:
    pass


def _mediation(w, org):
    med = make_med(org)
    a = accepted(med, org)
    session(med, a)
    agree(med, a)
    b = register(med, org, title="停车位纠纷")
    c = register(med, org, title="噪声纠纷")
    far = register(med, org, actor=med.district_mediator, area=org.tuanjie, title="团结社区纠纷")
    Case.objects.filter(pk=a.pk).update(risk_level=Case.Risk.HIGH, performance=Case.Performance.PERFORMED)
    Case.objects.filter(pk=b.pk).update(status=Case.Status.FAILED, failure_reason="双方分歧过大")
    Case.objects.filter(pk=far.pk).update(risk_level=Case.Risk.HIGH)
    w.cases = (a, b, c, far)


def _services(w, org, svc):  # noqa: F811
    certified = [apply_online(svc.certification, n)[0] for n in (1, 2)]
    placed = apply_online(svc.placement, 3)[0]
    Application.objects.filter(pk__in=[a.pk for a in certified]).update(status=Application.Status.APPROVED,
                                                                       decided_at=at("2026-09-10 11:00"))
    Application.objects.filter(pk=placed.pk).update(status=Application.Status.DELIVERED,
                                                    decided_at=at("2026-09-11 11:00"),
                                                    delivered_at=at("2026-09-15 11:00"))
    training = Event.objects.create(harbor=org.harbor, port=svc.heroines, kind=Event.Kind.SKILLS, title="家政技能培训",
                                    starts_at=at("2026-09-12 09:00"), ends_at=at("2026-09-12 17:00"),
                                    is_training=True, checkin_token="train-yc")
    Event.objects.create(harbor=org.other_harbor, port=svc.other_heroines, kind=Event.Kind.LEGAL, title="普法讲座",
                         starts_at=at("2026-09-13 09:00"), ends_at=at("2026-09-13 11:00"), checkin_token="far")
    for n in (1, 2, 3):
        service_actions.enroll(training, name=f"学员{n}", phone=f"1394731{n:04d}")
    came = list(Enrollment.objects.filter(event=training).order_by("pk"))[:2]
    Enrollment.objects.filter(pk__in=[e.pk for e in came]).update(checked_in_at=at("2026-09-12 09:05"),
                                                                  completed=True)


def _campus(w, org):
    campus = make_campus(org)
    CampusProfile.objects.filter(school=campus.school).update(records_since=date(2026, 1, 1))
    CampusProfile.objects.create(school=campus.other_school, records_since=date(2026, 1, 1))

    def incident(school, when, **flags):
        Incident.objects.create(school=school, kind=Incident.Kind.OTHER, severity=Incident.Severity.MINOR,
                                occurred_at=at(when), description="记录", recorded_by=campus.officer, **flags)

    incident(campus.school, "2026-03-10 10:00", safety_accident=True)
    incident(campus.school, "2026-09-08 12:00")  # a quarrel: neither an accident nor a crime
    incident(campus.other_school, "2026-09-09 12:00", safety_accident=True, crime_case=True)
    w.campus = campus


def _publicity(w, org):
    leaflet = Material.objects.create(code="fraud-leaflet", title="防范电信诈骗", kind="leaflet", topic="反诈",
                                      summary="反诈宣传单", owner_unit=org.police)

    def activity(area, held_on, size, harbor=None):
        return Activity.objects.create(title="反诈宣传进社区", venue=Activity.Venue.COMMUNITY, held_on=held_on,
                                       place="社区广场", area=area, organizer=org.police, harbor=harbor,
                                       audience="居民", audience_size=size)

    first = activity(org.yongchang, date(2026, 9, 12), 120, harbor=org.harbor)
    Distribution.objects.create(activity=first, material=leaflet, copies=300)
    activity(org.grid, date(2026, 9, 20), 80)
    activity(org.yongchang, date(2026, 8, 30), 500)  # August: not in the period
    far = activity(org.tuanjie, date(2026, 9, 12), 60, harbor=org.other_harbor)
    Distribution.objects.create(activity=far, material=leaflet, copies=99)


def _campaigns(w, org, time_machine):
    time_machine.move_to(at("2026-09-01 09:00"), tick=False)
    cast = make_campaign(org, start=date(2026, 9, 1), end=date(2026, 12, 31), area=org.xinda)
    tasks = [campaign_actions.add_task(cast.campaign, actor=cast.lead_user, title=f"任务{i}", owner_unit=unit,
                                       responsible_person="负责人", deadline=deadline, target="完成整治")
             for i, (unit, deadline) in enumerate([(cast.units[0], date(2026, 9, 20)),
                                                   (cast.units[1], date(2026, 9, 22)),
                                                   (cast.units[0], date(2026, 9, 28))], start=1)]
    from safeharbor.matters.models import Matter

    Matter.objects.filter(pk=tasks[0].matter_id).update(status=Matter.Status.RESOLVED,
                                                        resolved_at=at("2026-09-19 16:00"))
    w.cast = cast


@pytest.fixture
def world(org, bob, charlie, admin_user, svc, time_machine) -> World:  # noqa: F811
    w = World()
    _campaigns(w, org, time_machine)
    time_machine.move_to(at("2026-09-05 10:00"), tick=False)
    _mediation(w, org)
    _services(w, org, svc)
    _campus(w, org)
    _publicity(w, org)
    time_machine.move_to(at("2026-09-24 10:00"), tick=False)
    return w


def card_values(user, kind, obj) -> dict[str, dict]:
    card = queries.report_card(user, SEPTEMBER, queries.get_subject(user, kind, obj.pk))
    return {section.key: {f.key: f.value for f in section.figures} for section in card.sections}


def test_the_sub_district_card_shows_every_module(world, bob, org):
    values = card_values(bob, "area", org.xinda)
    assert values["mediation"] == {
        "disputes_registered": 3, "disputes_mediated": 2, "mediation_success_rate": 50.0,
        "agreements_performed": 1, "mediation_amount": 11400.0, "high_risk_defused": 1,
    }
    services = values["services"]
    assert (services["service_applications"], services["services_delivered"]) == (3, 3)
    assert (services["people_certified"], services["people_placed"], services["people_trained"]) == (2, 1, 2)
    assert (services["events_held"], services["event_attendance"]) == (1, 2)
    # No accident since 2026-03-10, counted to today (2026-09-24): 198 days; no crime.
    assert values["campus"] == {"safe_days": (date(2026, 9, 24) - date(2026, 3, 10)).days, "safety_accidents": 0,
                                "crime_cases": 0}
    assert values["publicity"] == {"publicity_activities": 2, "people_reached": 200, "copies_distributed": 300}
    assert values["campaigns"] == {"campaign_tasks": 3, "campaign_tasks_done": 1, "campaign_tasks_overdue": 1,
                                   "campaign_task_rate": pytest.approx(100 / 3)}


def test_the_district_card_adds_up_what_the_administrator_sees(world, admin_user, org):
    values = card_values(admin_user, "area", org.district)
    assert values["mediation"]["disputes_registered"] == 4
    assert values["mediation"]["high_risk_defused"] == 1  # 团结's high-risk case has no agreement
    assert values["campus"]["safety_accidents"] == 1 and values["campus"]["crime_cases"] == 1
    assert values["campus"]["safe_days"] == 15  # 团结小学: accident on 09-09
    assert values["campus"]["schools_clean"] == 1
    assert values["publicity"] == {"publicity_activities": 3, "people_reached": 260, "copies_distributed": 399}
    assert values["services"]["events_held"] == 2


def test_harbor_and_unit_cards(world, bob, org):
    harbor = card_values(bob, "harbor", org.harbor)
    assert harbor["services"]["people_certified"] == 2
    assert harbor["publicity"]["people_reached"] == 120  # the activity of the harbor only
    assert "campaigns" not in harbor  # campaigns have no harbor
    school_harbor = card_values(bob, "harbor", world.campus.harbor)
    assert school_harbor["campus"]["safety_accidents"] == 0 and school_harbor["campus"]["crime_cases"] == 0
    unit = card_values(bob, "unit", world.cast.units[0])
    assert unit["campaigns"] == {"campaign_tasks": 2, "campaign_tasks_done": 1, "campaign_tasks_overdue": 0,
                                 "campaign_task_rate": 50.0}
    assert card_values(bob, "unit", world.campus.school.unit)["campus"]["safe_days"] == 198


def test_another_sub_district_sees_none_of_it(world, charlie, org, client):
    values = card_values(charlie, "area", org.sandaokan)
    assert values["publicity"] == {"publicity_activities": 1, "people_reached": 60, "copies_distributed": 99}
    assert values.get("campaigns") is None  # the campaign runs in 新达街道
    assert values["campus"]["safety_accidents"] == 1
    client.force_login(charlie)
    assert client.get(f"/insights/cards/area/{org.xinda.pk}/").status_code == 404
    assert client.get(f"/insights/cards/harbor/{org.harbor.pk}/card.xlsx").status_code == 404


def test_the_card_page_pdf_and_excel_show_the_module_figures(world, bob, org, client):
    client.force_login(bob)
    page = client.get(f"/insights/cards/area/{org.xinda.pk}/?period=2026-09").content.decode()
    for text in ('id="section-mediation"', 'id="section-services"', 'id="section-campus"',
                 'id="section-publicity"', 'id="section-campaigns"', "198", "¥11,400.00"):
        assert text in page, text
    assert "团结" not in page
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get(f"/insights/cards/area/{org.xinda.pk}/card.xlsx?period=2026-09")
    rows = [row for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert any(row[1] == 300 for row in rows)  # copies distributed
    pdf = client.get(f"/insights/cards/area/{org.xinda.pk}/card.pdf?period=2026-09")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
