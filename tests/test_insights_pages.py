"""The insights pages as people use them: scope (another area's leader gets 404 and sees
none of the others' matters), drill-through, PDF and Excel, the API."""

import pytest

from tests.test_insights_figures import history  # noqa: F401  (the hand-computed history)

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_scope_figures_with_links(history, client, bob):  # noqa: F811
    client.force_login(bob)
    response = client.get("/insights/?period=2026-09")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-figure="received"' in page
    assert "/insights/matters/?figure=received" in page
    assert "<svg" in page and "永昌佳苑社区" in page
    assert "团结路" not in page  # nothing of 三道坎


def test_drill_through_lists_the_matters_behind_a_number(history, client, bob):  # noqa: F811
    client.force_login(bob)
    response = client.get("/insights/matters/?figure=received&period=2026-09")
    codes = [m.tracking_code for m in response.context["page"]]
    expected = {history.m[i].tracking_code for i in (1, 2, 3, 4, 6)}
    assert set(codes) == expected
    response = client.get("/insights/matters/?figure=not_contacted&period=2026-09")
    assert [m.tracking_code for m in response.context["page"]] == [history.m[2].tracking_code]
    # Behind the response rate: the followed-up matter accepted late (M3), not the uncontacted M2.
    response = client.get("/insights/matters/?figure=not_responded&period=2026-09")
    assert [m.tracking_code for m in response.context["page"]] == [history.m[3].tracking_code]
    response = client.get("/insights/matters/?figure=responded&period=2026-09")
    assert {m.tracking_code for m in response.context["page"]} == {history.m[i].tracking_code for i in (1, 2)}
    response = client.get("/insights/matters/?figure=overdue&period=2026-09")
    assert [m.tracking_code for m in response.context["page"]] == [history.m[4].tracking_code]


def test_other_areas_answer_404_and_show_nothing(history, client, charlie, org):  # noqa: F811
    client.force_login(charlie)
    assert client.get(f"/insights/cards/area/{org.xinda.pk}/").status_code == 404
    assert client.get(f"/insights/cards/area/{org.xinda.pk}/card.pdf").status_code == 404
    assert client.get(f"/insights/cards/harbor/{org.harbor.pk}/").status_code == 404
    assert client.get(f"/api/insights/report-cards/area/{org.xinda.pk}/").status_code == 404
    assert client.get("/insights/cards/nonsense/1/").status_code == 404
    # Even a filter naming 新达街道 shows only charlie's own matters: it is ignored.
    response = client.get(f"/insights/matters/?figure=received&period=2026-09&area={org.xinda.pk}")
    assert [m.tracking_code for m in response.context["page"]] == [history.m[7].tracking_code]
    data = client.get("/api/insights/dashboard/?period=2026-09").json()
    assert data["figures"]["received"] == 1
    assert [r["label"] for r in client.get("/api/insights/rankings/?period=2026-09").json()["rows"]] == ["三道坎街道"]
    # A district-wide unit's card shows charlie's share only.
    card = client.get(f"/api/insights/report-cards/unit/{org.police.pk}/?period=2026-09").json()
    assert card["sections"][0]["figures"][0]["value"] == 0


def test_report_card_page_and_pdf(history, client, bob, org):  # noqa: F811
    client.force_login(bob)
    response = client.get(f"/insights/cards/area/{org.xinda.pk}/?period=2026-09")
    assert response.status_code == 200
    assert "平安成绩单" in response.content.decode()
    pdf = client.get(f"/insights/cards/area/{org.xinda.pk}/card.pdf?period=2026-09")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"/FontFile2" in pdf.content  # the Chinese font embedded
    index = client.get("/insights/cards/")
    assert index.status_code == 200 and "新达街道" in index.content.decode()


def test_rankings_page_and_weights_form(history, client, bob, admin_user):  # noqa: F811
    client.force_login(bob)
    page = client.get("/insights/rankings/?period=2026-09").content.decode()
    assert "新达街道" in page and "三道坎街道" not in page
    assert client.post("/insights/rankings/weights/", {"response": 1, "resolution": 0,
                                                       "satisfaction": 0}).status_code == 403
    client.force_login(admin_user)
    bad = client.post("/insights/rankings/weights/", {"response": 0.5, "resolution": 0.5, "satisfaction": 0.5})
    assert bad.status_code == 400 and "1" in bad.content.decode()
    ok = client.post("/insights/rankings/weights/", {"response": 0.2, "resolution": 0.4, "satisfaction": 0.4})
    assert ok.status_code == 302
    assert "0.2 × " in client.get("/insights/methods/").content.decode()


def test_hotspots_places_and_methods_pages(history, client, admin_user):  # noqa: F811
    client.force_login(admin_user)
    for url in ("/insights/hotspots/?period=2026-09", "/insights/places/?period=2026-09", "/insights/methods/",
                "/insights/hotspots.geojson?period=2026-09"):
        assert client.get(url).status_code == 200, url
    csv = client.get("/insights/places/?period=2026-09&format=csv")
    assert "新达街道永昌佳苑小区" in csv.content.decode("utf-8-sig")
    assert client.get("/insights/export.csv?period=2026-09").status_code == 200
    assert client.get("/insights/export.pdf").status_code == 404


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get("/insights/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_role_home_page_shows_their_own_figures(history, client, bob, charlie, time_machine):  # noqa: F811
    client.force_login(history.police_user)  # a unit handler: his unit's overdue and satisfaction
    page = client.get("/desk/").content.decode()
    assert "本单位：公安分局" in page and 'data-figure="overdue"' in page
    home = client.get("/desk/").context["insights_home"]
    mine = {f.key: f.value for f in home["figures"]}
    assert mine["overdue"] == 1 and mine["satisfaction_rate"] == pytest.approx(290 / 3)
    client.force_login(bob)  # the sub-district leader: his sub-district's composite index
    mine = {f.key: f.value for f in client.get("/desk/").context["insights_home"]["figures"]}
    assert mine["received"] == 5 and mine["composite"] == pytest.approx(95.33, abs=0.01)
    client.force_login(charlie)  # 三道坎: only M7
    mine = {f.key: f.value for f in client.get("/desk/").context["insights_home"]["figures"]}
    assert mine["received"] == 1 and mine["overdue"] == 0
