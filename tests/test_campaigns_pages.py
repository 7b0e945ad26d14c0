"""Campaign pages: filing a report, the bulletin on screen, clues, and scope (404 outside)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from safeharbor.campaigns import actions
from safeharbor.campaigns.models import Clue, ProgressReport
from safeharbor.core.models import User
from tests import factories
from tests.factories_campaigns import make_campaign

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cast(org, time_machine):
    time_machine.move_to(datetime(2026, 4, 1, 9, tzinfo=TZ), tick=False)
    cast = make_campaign(org, every=14)
    actions.add_task(cast.campaign, actor=cast.lead_user, title="执法案卷自查", owner_unit=cast.units[0],
                     responsible_person="张队长", deadline=date(2026, 6, 20), target="自查案卷100%")
    return cast


def test_lead_unit_creates_a_campaign_on_the_page(org, client):
    lead = factories.UnitFactory(code="te", name_zh="执法大队")
    other = factories.UnitFactory(code="tp", name_zh="交警大队")
    user = factories.UserFactory(role=User.Role.UNIT_HANDLER, unit=lead)
    client.force_login(user)
    assert client.get(reverse("campaigns:new")).status_code == 200
    response = client.post(reverse("campaigns:new"), {
        "name": "货车超限超载专项整治", "lead_unit": lead.pk, "participating_units": [other.pk], "area": org.district.pk,
        "start_date": "2027-01-04", "end_date": "2027-03-31", "goals": "遏制超限超载", "report_every_days": 14,
    })
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "货车超限超载专项整治" in page and "动员部署" in page and "总结提升" in page


def test_unit_files_a_report_on_the_page(cast, client):
    client.force_login(cast.handlers[0])
    task = cast.campaign.tasks.get()
    url = reverse("campaigns:report_new", args=[cast.campaign.pk])
    assert "执法案卷自查" in client.get(url).content.decode()
    response = client.post(url, {f"task_{task.pk}": 130, "results": "x", "next_steps": "y"})
    assert response.status_code == 400 and not ProgressReport.objects.exists()
    response = client.post(url, {f"task_{task.pk}": 35, "results": "检查案卷46卷", "next_steps": "整改",
                                 "figures": "检查案卷: 46"})
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and report.figures == {"检查案卷": 46}
    assert report.task_progress.get().percent == 35
    # The lead unit reads it; another participating unit does not.
    client.force_login(cast.lead_user)
    assert client.get(reverse("campaigns:report", args=[report.pk])).status_code == 200
    client.force_login(cast.handlers[1])
    assert client.get(reverse("campaigns:report", args=[report.pk])).status_code == 404


def test_bulletin_on_screen_and_published(cast, client):
    client.force_login(cast.lead_user)
    response = client.post(reverse("campaigns:bulletin_new", args=[cast.campaign.pk]), {"as_of": "2026-04-01"})
    assert response.status_code == 302
    bulletin = cast.campaign.bulletins.get()
    page = client.get(response["Location"]).content.decode()
    assert "乌兰淖尔中队" in page and "执法案卷自查" in page
    response = client.post(reverse("campaigns:bulletin_publish", args=[bulletin.pk]), {"remarks": "确保进度"})
    assert response.status_code == 302
    client.force_login(cast.handlers[2])
    assert "确保进度" in client.get(reverse("campaigns:bulletin", args=[bulletin.pk])).content.decode()
    assert client.post(reverse("campaigns:bulletin_new", args=[cast.campaign.pk]),
                       {"as_of": "2026-04-01"}).status_code == 403


def test_outsiders_get_404(cast, client, charlie, bob):
    report = actions.file_report(cast.campaign, actor=cast.handlers[0],
                                 progress={cast.campaign.tasks.get().pk: 10}, results="x", next_steps="y")
    bulletin = actions.generate_bulletin(cast.campaign, actor=cast.lead_user, as_of=date(2026, 4, 1))
    clue, _check = actions.submit_public_clue(cast.campaign, text="有人违规收费", anonymous=True)
    outsider = factories.UserFactory(role=User.Role.UNIT_HANDLER,
                                     unit=factories.UnitFactory(code="elsewhere", name_zh="别的单位"))
    urls = [
        reverse("campaigns:detail", args=[cast.campaign.pk]),
        reverse("campaigns:report", args=[report.pk]),
        reverse("campaigns:bulletin", args=[bulletin.pk]),
        reverse("campaigns:bulletin_pdf", args=[bulletin.pk]),
        reverse("campaigns:clue", args=[clue.pk]),
        reverse("campaigns:task_new", args=[cast.campaign.pk]),
    ]
    for user in (charlie, outsider):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert "交通运输执法" not in client.get(reverse("campaigns:list")).content.decode()
    # bob, leader of the campaign's area, reads but does not write.
    client.force_login(bob)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[5]).status_code == 403
    assert client.post(reverse("campaigns:clue_close", args=[clue.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("campaigns:detail", args=[999999])).status_code == 404


def test_public_clue_page_anonymous_and_tracked(cast, client):
    url = reverse("campaigns_public:new", args=[cast.campaign.pk])
    assert "交通运输执法领域突出问题专项整治" in client.get(reverse("campaigns_public:list")).content.decode()
    response = client.post(url, {"text": "某检测站执法人员收钱放行", "place": "G109"})
    assert response.status_code == 400  # neither anonymous nor a contact
    response = client.post(url, {"text": "某检测站执法人员收钱放行", "place": "G109", "anonymous": "on"})
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    clue = Clue.objects.get()
    assert clue.tracking_code in receipt and clue.anonymous and clue.channel == Clue.Channel.PUBLIC
    check = receipt.split('id="clue-check">')[1].split("<")[0]
    actions.close_clue(clue, actor=cast.lead_user, reason="经核查，该时段无执法人员当班")
    page = client.post(reverse("campaigns_public:track"), {"code": clue.tracking_code, "check": check})
    assert "经核查，该时段无执法人员当班" in page.content.decode()
    wrong = client.post(reverse("campaigns_public:track"), {"code": clue.tracking_code, "check": "x"})
    assert wrong.status_code == 400


def test_clue_verified_on_the_page(cast, client):
    clue, _check = actions.submit_public_clue(cast.campaign, text="黑出租在学校门口揽客", name="王先生",
                                              phone="13912345678")
    client.force_login(cast.lead_user)
    page = client.get(reverse("campaigns:clue", args=[clue.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    response = client.post(reverse("campaigns:clue_verify", args=[clue.pk]), {
        "unit": cast.units[2].pk, "deadline": "2026-04-03", "verification": "现场核实属实"})
    assert response.status_code == 302
    clue.refresh_from_db()
    assert clue.matter.unit == cast.units[2] and clue.matter.source == "clue"
