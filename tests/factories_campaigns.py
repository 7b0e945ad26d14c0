"""A transport law-enforcement campaign with a lead unit and three participating units."""

from dataclasses import dataclass
from datetime import date

from safeharbor.campaigns import actions
from safeharbor.campaigns.models import Campaign
from safeharbor.core.models import Unit, User
from tests import factories


@dataclass
class CampaignCast:
    campaign: Campaign
    lead: Unit
    units: list
    lead_user: User
    handlers: list


def make_campaign(org, *, start=date(2026, 4, 1), end=date(2026, 6, 29), every=14, area=None) -> CampaignCast:
    lead = factories.UnitFactory(code="transport_enforcement", name_zh="交通运输综合行政执法大队")
    units = [
        factories.UnitFactory(code="te_wulannaoer", name_zh="乌兰淖尔中队"),
        factories.UnitFactory(code="te_overload", name_zh="乌达超限检测站"),
        factories.UnitFactory(code="te_passenger", name_zh="客运执法中队"),
    ]
    lead_user = factories.UserFactory(username="lead", full_name="胡玲", role=User.Role.UNIT_HANDLER, unit=lead)
    handlers = [factories.UserFactory(username=f"unit{i}", full_name=f"承办人{i}", role=User.Role.UNIT_HANDLER,
                                      unit=u) for i, u in enumerate(units, start=1)]
    campaign = actions.create_campaign(
        actor=lead_user, name="交通运输执法领域突出问题专项整治", lead_unit=lead, participating_units=units,
        area=area or org.xinda, start_date=start, end_date=end, goals="整治执法不规范、执法“寻租”等突出问题",
        report_every_days=every,
    )
    return CampaignCast(campaign, lead, units, lead_user, handlers)
