"""The demo catalogue and year of the 永昌佳苑 harbor: the seed's figures come out of the
records (40 certified, 5 placed, 16 trainings), and a second run changes nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safeharbor.core.demo import COMMUNITY_HARBOR, load_demo
from safeharbor.core.models import Harbor, User
from safeharbor.services import queries
from safeharbor.services.demo import CATALOGUE
from safeharbor.services.demo import load_demo as load_services
from safeharbor.services.models import Application, Service

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_demo_year_gives_the_seed_figures_and_is_idempotent():
    load_demo()
    load_services()
    harbor = Harbor.objects.get(code=COMMUNITY_HARBOR)
    names = set(Service.objects.filter(harbor=harbor).values_list("name", flat=True))
    assert names == {row[1] for row in CATALOGUE}
    assert {"就业困难认定", "失业人员岗位安置", "婚姻家庭矛盾调解", "青少年维权"} <= names
    figures = queries.report_figures(User.objects.get(username="admin"), harbor=harbor)
    assert figures["certified"] == 40 and figures["placed"] == 5 and figures["trainings"] == 16
    assert figures["hotline_calls"] == 6 and figures["repeat_callers"] == 1
    before = Application.objects.count()
    assert "already" in load_services()
    assert Application.objects.count() == before
    # Scoped: the women's federation's port staff see their port's share only.
    women = queries.report_figures(User.objects.get(username="port_staff"))
    assert women["certified"] == 0 and women["applications"] < figures["applications"]
