"""Test set-up of the services app: the 永昌佳苑 harbor of the `org` fixture with two ports
(巾帼港 of the women's federation, 先锋港 of the trade union), its catalogue and its staff."""

from dataclasses import dataclass

import pytest

from safeharbor.core.models import Category, Port, Unit, User
from safeharbor.services.models import Service
from tests import factories

R = User.Role


def id_number(serial: int = 1, born: str = "19780512") -> str:
    """A well-formed ID card number of 乌达区 (150304) with its check digit."""
    from safeharbor.services.actions import ID_CHECK, ID_WEIGHTS

    body = f"150304{born}{serial % 1000:03d}"
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


@dataclass
class Svc:
    org: object
    hrss: Unit
    union: Unit
    heroines: Port
    vanguard: Port
    other_heroines: Port  # the women's port of 团结社区's harbor (charlie's side)
    certification: Service
    placement: Service
    training: Service
    mediation: Service
    worker_aid: Service
    desk: User  # harbor staff of 永昌佳苑
    other_desk: User  # harbor staff of 团结社区
    women: User  # port staff of 巾帼港
    unionist: User  # port staff of 先锋港
    hr: User  # unit handler of the HR bureau


def _category(code: str, unit: Unit, domain) -> Category:
    return factories.CategoryFactory(code=code, domain=domain, default_unit=unit, name_zh=code)


@pytest.fixture
def svc(org) -> Svc:
    hrss = factories.UnitFactory(code="hrss", name_zh="人力资源和社会保障局")
    union = factories.UnitFactory(code="union", name_zh="总工会（先锋港）", kind=Unit.Kind.MASS_ORG)
    cat_employment = _category("service.employment", hrss, org.domain)
    _category("dispute.family", org.justice, org.domain)
    cat_women = _category("rights.women_children", org.women, org.domain)
    cat_worker = _category("rights.worker", union, org.domain)
    heroines = factories.PortFactory(harbor=org.harbor, kind=Port.Kind.HEROINES, name="巾帼港", owner_unit=org.women)
    vanguard = factories.PortFactory(harbor=org.harbor, kind=Port.Kind.VANGUARD, name="先锋港", owner_unit=union,
                                     hotline_name="职工维权专线", hotline_number="12351")
    other_heroines = factories.PortFactory(harbor=org.other_harbor, kind=Port.Kind.HEROINES, name="巾帼港",
                                           owner_unit=factories.UnitFactory(code="women_sdk", name_zh="三道坎妇联"))
    mk = Service.objects.create
    certification = mk(harbor=org.harbor, code="employment-difficulty", name="就业困难认定", provider_unit=hrss,
                       category=cat_employment, outcome=Service.Outcome.CERTIFICATE, time_limit_days=15,
                       materials=["居民身份证", "《就业创业证》"], eligibility="失业人员")
    placement = mk(harbor=org.harbor, code="placement", name="失业人员岗位安置", provider_unit=hrss,
                   category=cat_employment, outcome=Service.Outcome.PLACEMENT, time_limit_days=10,
                   materials=["居民身份证"])
    training = mk(harbor=org.harbor, port=heroines, code="training", name="技能培训报名", provider_unit=org.women,
                  category=cat_employment, outcome=Service.Outcome.TRAINING, time_limit_days=3)
    mediation = mk(harbor=org.harbor, port=heroines, code="family-mediation", name="婚姻家庭矛盾调解",
                   provider_unit=org.women, category=cat_women, outcome=Service.Outcome.MEDIATION, time_limit_days=5)
    worker_aid = mk(harbor=org.harbor, port=vanguard, code="worker-aid", name="困难职工帮扶", provider_unit=union,
                    category=cat_worker, time_limit_days=10, materials=["工会会员证"])
    user = factories.UserFactory
    desk = user(username="desk", role=R.HARBOR_STAFF, harbor=org.harbor, areas=[org.yongchang])
    other_desk = user(username="otherdesk", role=R.HARBOR_STAFF, harbor=org.other_harbor, areas=[org.tuanjie])
    women = user(username="women", role=R.PORT_STAFF, unit=org.women, port=heroines)
    unionist = user(username="unionist", role=R.PORT_STAFF, unit=union, port=vanguard)
    hr = user(username="hr", role=R.UNIT_HANDLER, unit=hrss)
    return Svc(org, hrss, union, heroines, vanguard, other_heroines, certification, placement, training, mediation,
               worker_aid, desk, other_desk, women, unionist, hr)


def apply_online(service, n: int = 1, **extra):
    from safeharbor.services import actions

    data = {"name": "王秀英", "phone": f"1394730{n:04d}", "id_number": id_number(n),
            "address": "永昌佳苑小区5号楼2单元402", "details": "申请就业困难认定"}
    data.update(extra)
    return actions.submit_application(service=service, **data)
