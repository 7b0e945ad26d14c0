"""A school to test the campus app with: 永昌佳苑实验学校 in alice's sub-district (新达街道),
another school in charlie's (三道坎街道), their staff, and the units that rectify hazards."""

from dataclasses import dataclass

from safeharbor.campus import actions
from safeharbor.campus.models import CampusProfile
from safeharbor.core.models import Category, Harbor, School, Unit, User
from tests.factories import CategoryFactory, HarborFactory, SchoolFactory, UnitFactory, UserFactory

GATE = (39.5012, 106.7003)


@dataclass
class Campus:
    school: School
    other_school: School
    harbor: Harbor
    officer: User  # school safety officer
    psych: User  # psychology teacher (psychology lead)
    principal: User  # designated school leader
    other_psych: User  # psychology teacher of the other school
    district_leader: User
    market: Unit
    market_handler: User
    surroundings: Category


def make_campus(org) -> Campus:
    units = {code: UnitFactory(code=code, name_zh=name) for code, name in (
        ("market", "市场监督管理局"), ("transport_enforcement", "交通运输执法大队"),
        ("urban_enforcement", "综合行政执法局"), ("traffic_police", "交警大队"), ("education", "教育局"))}
    units["police"] = org.police
    surroundings = CategoryFactory(code="school.surroundings", name_zh="校园周边乱点", domain=org.domain,
                                   default_unit=units["urban_enforcement"])
    CategoryFactory(code="traffic.illegal_taxi", name_zh="黑出租", domain=org.domain,
                    default_unit=units["transport_enforcement"])
    CategoryFactory(code="market.food_safety", name_zh="食品安全", domain=org.domain, default_unit=units["market"])
    CategoryFactory(code="school.safety", name_zh="校园安全", domain=org.domain, default_unit=units["education"])
    school = SchoolFactory(unit=UnitFactory(code="yc_school", name_zh="永昌佳苑实验学校", kind=Unit.Kind.SCHOOL,
                                            area=org.yongchang), area=org.yongchang, class_count=0, student_count=0)
    other = SchoolFactory(unit=UnitFactory(code="tj_school", name_zh="团结小学", kind=Unit.Kind.SCHOOL,
                                           area=org.tuanjie), area=org.tuanjie)
    harbor = HarborFactory(code="yc-school", name="永昌佳苑实验学校平安港湾", domain=org.domain, area=org.yongchang,
                           host_unit=school.unit, school=school, lat=GATE[0], lon=GATE[1])
    R = User.Role
    officer = UserFactory(username="officer", full_name="王振华", role=R.SCHOOL_SAFETY, unit=school.unit, school=school)
    psych = UserFactory(username="psych", full_name="苏婷", role=R.PSYCH_TEACHER, unit=school.unit, school=school)
    principal = UserFactory(username="principal", full_name="高建军", role=R.SCHOOL_SAFETY, unit=school.unit,
                            school=school)
    other_psych = UserFactory(username="other_psych", full_name="林老师", role=R.PSYCH_TEACHER, unit=other.unit,
                              school=other)
    district_leader = UserFactory(username="district_leader", full_name="张志刚", role=R.LEADER, areas=[org.district])
    market_handler = UserFactory(username="market_handler", full_name="郑丽萍", role=R.UNIT_HANDLER,
                                 unit=units["market"])
    CampusProfile.objects.create(school=school, safety_officer=officer, psych_lead=psych, designated_leader=principal,
                                 gate_lat=GATE[0], gate_lon=GATE[1])
    return Campus(school, other, harbor, officer, psych, principal, other_psych, district_leader, units["market"],
                  market_handler, surroundings)


def add_classes(campus: Campus, grade: str = "初一年级", count: int = 2) -> list:
    return [actions.add_class(campus.school, actor=campus.officer, grade_name=grade, name=f"{i}班", student_count=40)
            for i in range(1, count + 1)]
