"""Real browser: Debian's Chromium driven by Playwright against the live server."""

import pytest
from playwright.sync_api import expect

from safeharbor.core.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_dispatcher_logs_in_and_sees_the_harbor_list_in_chinese(live_server, page):
    load_demo()
    page.goto(f"{live_server.url}/harbors/")
    assert "/accounts/login/" in page.url  # pages need a login
    page.get_by_label("用户名").fill("dispatcher")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/harbors/")
    assert page.get_by_role("heading", name="平安港湾").is_visible()
    table = page.locator("#results table")
    expect(table.get_by_text("乌达区实验中学", exact=False).first).to_be_visible()
    expect(table.get_by_text("巾帼港").first).to_be_visible()
    # Filter by domain with htmx: only the education harbor stays.
    page.get_by_label("领域").select_option(label="教育")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "乌达区实验中学" in table.inner_text()
    # The harbor detail page shows the ports' rights hotlines.
    page.get_by_label("领域").select_option(label="镇(街道)社区")
    page.get_by_role("link", name="永昌佳苑社区群团组织平安港湾").click()
    page.wait_for_url("**/harbors/*/")
    assert page.get_by_text("12338").is_visible()  # 巾帼港's women's rights hotline
    assert page.locator("link[href$='pico.min.css']").count() == 1
    page.screenshot(path="/tmp/harbor_detail.png", full_page=True)


def test_wrong_password_shows_a_chinese_error(live_server, page, org, alice):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text().startswith("请输入")
