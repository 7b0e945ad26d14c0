"""Legal publicity: the library with public pages and QR codes, activities with their
distribution counts, the figures per unit/harbor/campaign, scope and bad input."""

from datetime import date

import pytest
from django.urls import reverse

from safeharbor.core.errors import ActionError
from safeharbor.core.models import User
from safeharbor.publicity import actions, queries
from safeharbor.publicity.models import Activity
from tests import factories


@pytest.fixture
def materials(org, alice):
    law = actions.create_material(
        actor=alice, title="中华人民共和国公路法", kind="law", topic="交通运输", audience="drivers",
        summary="公路的规划、建设、养护、经营、使用和管理", owner_unit=org.police, code="highway-law",
        body="第一条 为了加强公路的建设和管理……")
    rules = actions.create_material(
        actor=alice, title="超限运输车辆行驶公路管理规定", kind="law", topic="交通运输", audience="drivers",
        summary="超限运输的认定、许可和法律责任", owner_unit=org.police, code="overload-rules")
    old = actions.create_material(
        actor=alice, title="过期的宣传单", kind="leaflet", topic="交通运输", audience="public", summary="旧版",
        owner_unit=org.police, code="old-leaflet", valid_until=date(2020, 1, 1))
    return law, rules, old


def record(alice, org, materials, *, size=60, copies=(50, 30), area=None, harbor=None):
    law, rules, _old = materials
    return actions.record_activity(
        actor=alice, title="走进货运公司送法", venue="company", held_on=date(2026, 4, 20), place="乌达货运公司",
        area=area or org.yongchang, organizer=org.police, audience="货车司机、运输从业人员", audience_size=size,
        copies={law: copies[0], rules: copies[1]}, harbor=harbor)


def test_distribution_counts_and_figures(org, alice, materials):
    record(alice, org, materials, harbor=org.harbor)
    record(alice, org, materials, size=40, copies=(20, 0))
    totals = queries.totals(Activity.objects.all())
    assert totals == {"activities": 2, "people": 100, "copies": 100}
    rows = queries.figures(alice, by="unit")
    assert [(r["label"], r["activities"], r["people"], r["copies"]) for r in rows] == [("公安分局", 2, 100, 100)]
    by_harbor = {r["label"]: r["copies"] for r in queries.figures(alice, by="harbor")}
    assert by_harbor == {"永昌佳苑平安港湾": 80, "—": 20}
    assert queries.figures(alice, by="unit", start=date(2026, 5, 1)) == []
    copies = {m["material__title"]: m["copies"] for m in queries.material_copies(Activity.objects.all())}
    assert copies == {"中华人民共和国公路法": 70, "超限运输车辆行驶公路管理规定": 30}


def test_bad_input(org, alice, materials):
    law, _rules, old = materials
    with pytest.raises(ActionError, match="不在有效期内"):
        actions.record_activity(actor=alice, title="x", venue="market", held_on=date(2026, 4, 20), place="市场",
                                area=org.yongchang, organizer=org.police, audience="商户", audience_size=10,
                                copies={old: 5})
    with pytest.raises(ActionError):
        actions.record_activity(actor=alice, title="x", venue="market", held_on=date(2099, 1, 1), place="市场",
                                area=org.yongchang, organizer=org.police, audience="商户", audience_size=10,
                                copies={law: 5})
    with pytest.raises(ActionError):  # another area
        actions.record_activity(actor=alice, title="x", venue="market", held_on=date(2026, 4, 20), place="市场",
                                area=org.tuanjie, organizer=org.police, audience="商户", audience_size=10, copies={})
    assert not Activity.objects.exists()


def test_public_pages_and_qr(client, materials):
    page = client.get(reverse("publicity_public:list")).content.decode()
    assert "中华人民共和国公路法" in page and "过期的宣传单" not in page
    detail = client.get(reverse("publicity_public:material", args=["highway-law"]))
    assert "第一条" in detail.content.decode()
    qr = client.get(reverse("publicity_public:qr", args=["highway-law"]))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert client.get(reverse("publicity_public:material", args=["old-leaflet"])).status_code == 404


def test_staff_records_an_activity_on_the_page(client, org, alice, materials):
    law, rules, _old = materials
    client.force_login(alice)
    response = client.post(reverse("publicity:activity_new"), {
        "title": "超限检测站普法", "venue": "checkpoint", "held_on": "2026-04-18", "place": "乌达超限检测站",
        "area": org.yongchang.pk, "organizer": org.police.pk, "audience": "过往司机", "audience_size": 35,
        f"copies_{law.pk}": 35, f"copies_{rules.pk}": 20,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("publicity:figures")).content.decode()
    assert "35" in page and "55" in page


def test_activities_out_of_scope_answer_404(client, org, alice, charlie, materials):
    activity = record(alice, org, materials)
    client.force_login(charlie)
    assert client.get(reverse("publicity:activity", args=[activity.pk])).status_code == 404
    assert "走进货运公司送法" not in client.get(reverse("publicity:activities")).content.decode()
    assert queries.figures(charlie) == []
    police = factories.UserFactory(role=User.Role.UNIT_HANDLER, unit=org.police)
    client.force_login(police)  # the organizer unit sees it
    assert client.get(reverse("publicity:activity", args=[activity.pk])).status_code == 200
