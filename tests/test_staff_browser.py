"""The hotline night shift (scenario 5) in a real browser: the demo dispatcher registers
two calls with the keyboard only, and the second call from the same number shows the
first one as "same caller"."""

import pytest
from playwright.sync_api import expect

from safeharbor.core.crypto import blind_index
from safeharbor.core.demo import DEMO_PASSWORD, load_demo
from safeharbor.matters.models import Matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13947306618"


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}{next_path}")


def test_operator_registers_two_calls_with_the_keyboard_only(live_server, page):
    load_demo()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "dispatcher", "/intake/hotline/")
    keys = page.keyboard
    phone = page.get_by_label("来电号码")
    expect(phone).to_be_focused()  # autofocus: the operator types the number at once
    expect(page.get_by_role("link", name="来电登记")).to_have_attribute("aria-current", "page")

    # First call: number → words → category (type-ahead) → area → urgency, then Ctrl+Enter.
    keys.type(PHONE)
    expect(page.locator("#same-caller")).to_contain_text("此号码此前没有来电记录")
    keys.press("Tab")
    keys.type("来电人反映：在团结路一在建工地务工，包工头拖欠其及12名工友工资共计4.6万元，多次讨要未果。")
    keys.press("Tab")
    keys.type("工资")
    keys.press("Tab")
    expect(page.get_by_label("区域")).to_be_focused()
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    keys.press("Tab")
    expect(page.get_by_label("紧急程度")).to_be_focused()
    keys.press("Control+Enter")
    registered = page.locator("#registered")
    expect(registered).to_contain_text("已登记")
    first = Matter.objects.get()
    assert first.source == "hotline" and first.category.code == "dispute.labor"
    assert first.reporter_phone_index == blind_index(PHONE)
    expect(registered.locator("[data-code]")).to_have_attribute("data-code", first.tracking_code)
    expect(phone).to_have_value("")  # the form is empty again, ready for the next call
    expect(phone).to_be_focused()

    # Second call from the same number: the first one shows up as "same caller".
    keys.type(PHONE)
    same = page.locator("#same-caller")
    expect(same).to_contain_text("同一来电人")
    expect(same).to_contain_text(first.tracking_code)
    expect(same).to_contain_text("劳动争议、拖欠工资")
    page.screenshot(path="/tmp/hotline.png", full_page=True)
    keys.press("Alt+1")  # copies the earlier call's category and area, then back to the words
    expect(page.get_by_label("来电内容")).to_be_focused()
    expect(page.get_by_label("类别")).to_have_value("劳动争议、拖欠工资")
    expect(page.get_by_label("区域")).to_have_value(str(first.area_id))
    keys.type("来电人再次反映：团结路工地拖欠的工资至今未付，工友们已经等不起了。")
    for _field in ("类别", "区域", "紧急程度", "地点"):
        keys.press("Tab")
    expect(page.get_by_label("地点")).to_be_focused()
    keys.type("团结路在建工地")
    keys.press("Enter")  # Enter in a one-line field registers too
    expect(registered).to_contain_text("已登记")
    second = Matter.objects.exclude(pk=first.pk).get()
    expect(registered.locator("[data-code]")).to_have_attribute("data-code", second.tracking_code)
    assert second.source == "hotline" and second.category_id == first.category_id
    assert second.area_id == first.area_id and second.address == "团结路在建工地"
    assert second.reporter_phone_index == first.reporter_phone_index
    page.screenshot(path="/tmp/hotline_after.png", full_page=True)
