"""Scenario 9 in a real browser: the demo mediator registers a neighbour dispute, the
committee accepts it, both parties consent, the session is recorded and the agreement is
reached; the mediation agreement PDF is there to print."""

import pytest
from playwright.sync_api import expect

from safeharbor.core.demo import DEMO_PASSWORD, load_demo
from safeharbor.mediation.demo import _ensure_committees
from safeharbor.mediation.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}{next_path}")


def submit_panel(page, name: str) -> None:
    page.locator(f"#action-{name} button[type=submit]").click()
    page.wait_for_load_state()


def test_mediator_registers_a_case_and_records_the_agreement(live_server, page):
    load_demo()
    _ensure_committees()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "mediator", "/mediation/new/")

    page.locator("#id_kind").select_option("neighbor")
    page.locator("#id_title").fill("永昌佳苑小区楼上漏水纠纷")
    page.locator("#id_facts").fill("楼上卫生间漏水，天花板和墙面受损，多次协商未果。")
    page.locator("#id_amount").fill("3800")
    page.locator("#id_area").select_option(label="永昌佳苑社区")
    page.locator("#id_parties-0-name").fill("王桂兰")
    page.locator("#id_parties-0-phone").fill("13904735216")
    page.locator("#id_parties-1-role").select_option("respondent")
    page.locator("#id_parties-1-name").fill("刘志军")
    page.get_by_role("button", name="登记案件").click()
    expect(page.locator("#case-status")).to_have_text("待受理")
    expect(page.locator("#parties")).to_contain_text("王**")
    expect(page.locator("#parties")).not_to_contain_text("王桂兰")
    case = Case.objects.get(title="永昌佳苑小区楼上漏水纠纷")

    # The committee of 永昌佳苑 accepts; the mediator is preselected.
    page.locator("#action-accept #id_committee").select_option(label="永昌佳苑社区人民调解委员会")
    submit_panel(page, "accept")
    expect(page.locator("#case-status")).to_have_text("已受理")

    for party in case.parties.order_by("pk"):
        page.locator("#action-consent #id_party").select_option(str(party.pk))
        page.locator("#action-consent input[value=yes]").check()
        submit_panel(page, "consent")
    expect(page.locator("#parties")).to_contain_text("同意调解")

    page.locator("#action-session #id_participants").fill("双方当事人、调解员郝永平")
    page.locator("#action-session #id_record").fill("经调解，双方同意维修防水并赔偿3000元。")
    submit_panel(page, "session")
    expect(page.locator("#case-status")).to_have_text("调解中")

    panel = page.locator("#action-agreement")
    panel.locator("summary").click()
    panel.locator("#id_responsibilities").fill("漏水系被申请人家卫生间防水层老化所致。")
    panel.locator("#id_content").fill("被申请人7日内重做防水，并赔偿申请人3000元。")
    panel.locator("#id_performance_method").fill("现金当面交付，调解员见证。")
    panel.locator("#id_performance_deadline").fill("2020-01-01")  # before the session: refused
    submit_panel(page, "agreement")
    expect(page.locator("#action-agreement .errorlist")).to_contain_text("履行期限不能早于")
    page.locator("#action-agreement #id_performance_deadline").fill("2099-12-31")
    submit_panel(page, "agreement")
    expect(page.locator("#case-status")).to_have_text("调解成功")
    link = page.get_by_role("link", name="人民调解协议书（PDF）")
    expect(link).to_be_visible()
    case.refresh_from_db()
    assert case.number.startswith("永昌佳苑调字〔")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok and response.body()[:5] == b"%PDF-"
    page.screenshot(path="/tmp/mediation-case.png", full_page=True)
