"""The demo campaign and publicity data: realistic, scenario 10 visible, idempotent."""

import pytest

from safeharbor.campaigns import demo as campaign_demo
from safeharbor.campaigns.models import Bulletin, Campaign, Clue, ProgressReport
from safeharbor.core.demo import load_demo as load_district
from safeharbor.notifications.models import Notification
from safeharbor.publicity import demo as publicity_demo
from safeharbor.publicity.models import Activity, Material

pytestmark = pytest.mark.django_db


def test_demo_campaign_and_publicity():
    load_district()
    assert "4 progress reports" not in campaign_demo.load_demo()
    campaign = Campaign.objects.get()
    assert campaign.tasks.count() == 5 and campaign.participating_units.count() == 4
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Bulletin.Status.PUBLISHED
    lagging = [u["name"] for u in bulletin.content["units"] if u["behind"]]
    assert lagging == ["公安分局"]
    assert Notification.objects.filter(kind="campaign_report_missing").exists()
    assert Clue.objects.count() == 3 and Clue.objects.filter(status="matter").count() == 1
    reports = ProgressReport.objects.count()
    assert "nothing changed" in campaign_demo.load_demo()
    assert ProgressReport.objects.count() == reports

    publicity_demo.load_demo()
    assert Material.objects.filter(code="highway-law").exists()
    assert Activity.objects.filter(campaign=campaign).count() == 4
    activities = Activity.objects.count()
    assert "nothing changed" in publicity_demo.load_demo()
    assert Activity.objects.count() == activities
