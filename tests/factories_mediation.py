"""Test set-up for people's mediation: committees on the conftest organization, a mediator
who sits on the 永昌佳苑 and 新达街道 committees, and cases made through the actions."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from safeharbor.core.models import Category, User
from safeharbor.mediation import actions
from safeharbor.mediation.models import Committee, Member
from tests import factories

L = Committee.Level

PARTIES = [
    {"role": "applicant", "name": "王桂兰", "gender": "female", "age": 63, "id_number": "150304196305120028",
     "phone": "13904735216", "address": "永昌佳苑小区5号楼2单元402"},
    {"role": "respondent", "name": "刘志军", "gender": "male", "age": 41, "id_number": "150304198502170419",
     "phone": "13947312265", "address": "永昌佳苑小区5号楼2单元502"},
]


@dataclass
class Med:
    community: Committee  # 永昌佳苑社区人民调解委员会
    subdistrict: Committee  # 新达街道人民调解委员会
    district: Committee  # 乌达区人民调解委员会
    mediator: User  # sits on community + sub-district
    district_mediator: User
    category: Category


def make_med(org) -> Med:
    """Committees, mediators and the neighbour-dispute category on the conftest `org`; each
    test module wraps it in a `med` fixture."""
    category = factories.CategoryFactory(code="dispute.neighbor", name_zh="邻里纠纷", domain=org.domain,
                                         default_unit=org.justice)
    community = Committee.objects.create(name="永昌佳苑社区人民调解委员会", level=L.COMMUNITY, area=org.yongchang,
                                         unit=org.justice, number_prefix="永昌调字", address="永昌佳苑社区调解室")
    subdistrict = Committee.objects.create(name="新达街道人民调解委员会", level=L.SUBDISTRICT, area=org.xinda,
                                           unit=org.justice, number_prefix="新达调字")
    district = Committee.objects.create(name="乌达区人民调解委员会", level=L.DISTRICT, area=org.district,
                                        unit=org.justice, number_prefix="乌达调字")
    mediator = factories.UserFactory(username="mia", full_name="郝永平", role=User.Role.MEDIATOR,
                                     areas=[org.xinda], unit=org.justice)
    district_mediator = factories.UserFactory(username="dora", full_name="高秀兰", role=User.Role.MEDIATOR,
                                              areas=[org.district], unit=org.justice)
    for committee in (community, subdistrict):
        Member.objects.create(committee=committee, user=mediator, name=mediator.full_name)
    Member.objects.create(committee=district, user=district_mediator, name=district_mediator.full_name,
                          position=Member.Position.DIRECTOR)
    return Med(community, subdistrict, district, mediator, district_mediator, category)


def register(med: Med, org, *, actor=None, parties=PARTIES, **kwargs):
    fields = {"kind": "neighbor", "title": "楼上漏水纠纷", "facts": "楼上卫生间漏水，天花板受损，多次协商未果。",
              "area": org.grid, "amount": "3800"}
    fields.update(kwargs)
    return actions.register_case(actor=actor or med.mediator, parties=parties, **fields)


def accepted(med: Med, org, **kwargs):
    """A case accepted by the community committee, both parties consenting."""
    case = register(med, org, **kwargs)
    case = actions.accept_case(case, actor=med.mediator, committee=med.community, mediators=[med.mediator])
    for party in case.parties.all():
        actions.record_consent(case, actor=med.mediator, party=party, agrees=True)
    return case


def session(med: Med, case, *, hours_ago: float = 1):
    return actions.record_session(case, actor=med.mediator, held_at=timezone.now() - timedelta(hours=hours_ago),
                                  place="永昌佳苑社区调解室", participants="双方当事人、调解员",
                                  record="经调解，双方同意维修并赔偿。")


def agree(med: Med, case, *, form="written", days: int = 7, parties=None):
    return actions.record_agreement(
        case, actor=med.mediator, form=form, parties=list(case.parties.all()) if parties is None else parties,
        facts="楼上卫生间防水层老化漏水。", responsibilities="被申请人负责维修并赔偿。",
        content="一、被申请人7日内重做防水；二、赔偿申请人3000元。", performance_method="现金当面交付，调解员见证。",
        performance_deadline=timezone.localdate() + timedelta(days=days),
    )
