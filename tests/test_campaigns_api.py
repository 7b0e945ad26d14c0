"""The campaigns and publicity API: scoped reads, the same actions as the pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from safeharbor.campaigns import actions
from tests import factories
from tests.factories_campaigns import make_campaign

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cast(org, time_machine):
    time_machine.move_to(datetime(2026, 4, 1, 9, tzinfo=TZ), tick=False)
    return make_campaign(org, every=14)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_task_report_bulletin_through_the_api(cast, charlie):
    lead = api(cast.lead_user)
    pk = cast.campaign.pk
    response = lead.post(f"/api/campaigns/{pk}/tasks/", {
        "title": "执法案卷自查", "owner_unit": cast.units[0].code, "responsible_person": "张队长",
        "deadline": "2026-06-20", "target": "100%"}, format="json")
    assert response.status_code == 201, response.json()
    task_id = response.json()["id"]
    bad = lead.post(f"/api/campaigns/{pk}/tasks/", {
        "title": "x", "owner_unit": cast.units[0].code, "responsible_person": "张", "deadline": "2026-12-20",
        "target": "1"}, format="json")
    assert bad.status_code == 400 and bad.json()["extra"]["field"] == "deadline"

    unit = api(cast.handlers[0])
    over = unit.post(f"/api/campaigns/{pk}/reports/", {"progress": {str(task_id): 101}, "results": "x",
                                                        "next_steps": "y"}, format="json")
    assert over.status_code == 400
    ok = unit.post(f"/api/campaigns/{pk}/reports/", {"progress": {str(task_id): 20}, "results": "x",
                                                      "next_steps": "y"}, format="json")
    assert ok.status_code == 201 and ok.json()["progress"] == {str(task_id): 20}

    bulletin = lead.post(f"/api/campaigns/{pk}/bulletins/", {"as_of": "2026-04-01"}, format="json")
    assert bulletin.status_code == 201
    assert bulletin.json()["content"]["units"][0]["name"] == "乌兰淖尔中队"
    assert unit.get(f"/api/campaign-bulletins/{bulletin.json()['id']}/").status_code == 404  # a draft
    assert lead.post(f"/api/campaign-bulletins/{bulletin.json()['id']}/publish/", {}, format="json").status_code == 200
    assert unit.get(f"/api/campaign-bulletins/{bulletin.json()['id']}/").status_code == 200

    outsider = api(charlie)
    assert outsider.get(f"/api/campaigns/{pk}/").status_code == 404
    assert outsider.get(f"/api/campaigns/{pk}/reports/").status_code == 404
    assert outsider.get("/api/campaigns/").json()["count"] == 0


def test_clue_verify_and_publicity_figures(cast, org, alice):
    clue, _check = actions.submit_public_clue(cast.campaign, text="超限站乱罚款", anonymous=True)
    lead = api(cast.lead_user)
    response = lead.post(f"/api/campaign-clues/{clue.pk}/verify/", {
        "unit": cast.units[1].code, "deadline": "2026-04-10", "verification": "属实"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "matter"

    from safeharbor.publicity import actions as publicity_actions

    law = publicity_actions.create_material(actor=alice, title="公路法", kind="law", topic="交通运输",
                                            audience="drivers", summary="s", owner_unit=org.police, code="hl")
    client = api(alice)
    created = client.post("/api/publicity/activities/", {
        "title": "进企业普法", "venue": "company", "held_on": "2026-03-30", "place": "货运公司",
        "area": org.yongchang.pk, "organizer": org.police.code, "audience": "司机", "audience_size": 30,
        "copies": {law.code: 25}}, format="json")
    assert created.status_code == 201, created.json()
    figures = client.get("/api/publicity/figures/?by=unit").json()
    assert figures == [{"key": org.police.pk, "label": "公安分局", "activities": 1, "people": 30, "copies": 25}]
    other = factories.UserFactory(role="dispatcher", areas=[org.sandaokan])
    assert api(other).get(f"/api/publicity/activities/{created.json()['id']}/").status_code == 404
