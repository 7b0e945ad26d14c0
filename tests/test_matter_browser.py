"""A matter's whole life in a real browser (Debian's Chromium), in Chinese: the dispatcher
dispatches it to the police, the police handler accepts and resolves it, the dispatcher
records the follow-up and the matter is closed."""

import pytest
from playwright.sync_api import expect

from safeharbor.core.demo import DEMO_PASSWORD, load_demo
from safeharbor.core.models import Area, Category, User
from safeharbor.matters import actions
from safeharbor.matters.models import Matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, base_url: str, username: str, next_path: str = "/matters/") -> None:
    # Leave the previous page first: an htmx request still in flight there could set the old
    # session's CSRF cookie after the login page set the new one ("CSRF token incorrect").
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}{next_path}")


def test_dispatch_accept_resolve_follow_up_in_the_browser(live_server, page):
    load_demo()
    matter, _check = actions.create_matter(
        actor=User.objects.get(username="grid_worker"),
        description="楼上邻居天天半夜吵闹摔东西，敲门理论还骂人，孩子都睡不好觉",
        area=Area.objects.get(code="wuda.xinda.yongchang.g1"), address="永昌佳苑5号楼2单元",
        category=Category.objects.get(code="dispute.neighbor"), reporter_name="王秀兰",
        reporter_phone="13904731234", source=Matter.Source.PATROL,
    )
    base = live_server.url

    # The dispatcher opens the dispatch inbox and sends the matter to the police.
    log_in(page, base, "dispatcher")
    expect(page.get_by_role("link", name="待分拨")).to_have_attribute("aria-current", "page")
    expect(page.locator(".tabs .count").first).to_be_visible()  # the counts arrive by htmx
    page.get_by_role("link", name=matter.tracking_code).click()
    page.wait_for_url(f"{base}/matters/{matter.pk}/")
    expect(page.get_by_role("heading", level=2)).to_have_text("邻里纠纷（漏水、噪音、占用公共空间、宠物）")
    expect(page.locator(".description")).to_contain_text("楼上邻居天天半夜吵闹")
    assert page.locator("#action-accept").count() == 0  # no 签收 for the dispatcher
    dispatch = page.locator("#action-dispatch")
    expect(dispatch.get_by_label("责任单位")).to_have_value(str(matter.category.default_unit_id))
    dispatch.get_by_label("责任单位").select_option(label="公安分局")
    dispatch.get_by_label("分拨意见").fill("夜间扰民，请派出所民警上门处置")
    page.screenshot(path="/tmp/matter_dispatch.png", full_page=True)
    dispatch.get_by_role("button", name="分拨").click()
    expect(page.locator(".messages")).to_contain_text("已分拨至公安分局")
    expect(page.locator(".codes")).to_contain_text("已分拨")

    # The police handler finds it among the matters to accept, accepts and resolves it.
    log_in(page, base, "unit_handler")
    expect(page.get_by_role("link", name="待签收")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name=matter.tracking_code).click()
    assert page.locator("#action-dispatch").count() == 0  # no 分拨 for the unit
    page.locator("#action-accept").get_by_role("button", name="签收").click()
    expect(page.locator(".messages")).to_contain_text("已签收")
    page.set_viewport_size(PHONE)
    page.screenshot(path="/tmp/matter_handler_phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    resolve = page.locator("#action-resolve")
    resolve.get_by_label("办理结果").fill("民警已上门调解，楼上住户承诺22点后不再发出噪音")
    resolve.get_by_role("button", name="办结").click()
    expect(page.locator(".messages")).to_contain_text("已办结，等待回访")
    expect(page.locator(".codes")).to_contain_text("已办结")

    # The dispatcher calls the reporter back: basically satisfied, so the matter is closed.
    log_in(page, base, "dispatcher", next_path=f"/matters/{matter.pk}/")
    follow_up = page.locator("#action-follow_up")
    follow_up.locator("fieldset", has_text="承办单位是否联系了反映人").get_by_label("是").check()
    follow_up.locator("fieldset", has_text="问题是否已解决").get_by_label("是").check()
    follow_up.get_by_label("基本满意").check()
    follow_up.get_by_label("反映人的意见").fill("晚上安静多了")
    page.screenshot(path="/tmp/matter_detail.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path="/tmp/matter_detail_phone.png", full_page=True)
    follow_up.get_by_role("button", name="保存回访结果").click()
    expect(page.locator(".messages")).to_contain_text("已记录回访结果")
    expect(page.locator(".codes")).to_contain_text("已归档")
    expect(page.locator(".facts")).to_contain_text("基本满意")
    timeline = page.locator(".timeline")
    for step in ("登记受理", "已分拨", "已签收", "已办结", "回访", "已归档"):
        expect(timeline).to_contain_text(step)
    page.screenshot(path="/tmp/matter_closed_phone.png", full_page=True)
    matter.refresh_from_db()
    assert matter.status == "closed" and matter.satisfaction == "basic"


def test_list_filters_with_htmx_on_a_phone(live_server, page):
    load_demo()
    grid = Area.objects.get(code="wuda.xinda.yongchang.g1")
    worker = User.objects.get(username="grid_worker")
    leak, _ = actions.create_matter(actor=worker, description="楼上漏水了，卫生间天花板都泡了", area=grid)
    lamp, _ = actions.create_matter(actor=worker, description="小区门口路灯坏了一个星期", area=grid)
    log_in(page, live_server.url, "dispatcher")
    results = page.locator("#results")
    expect(results).to_contain_text(lamp.tracking_code)
    expect(page.locator(".tabs .count").first).to_be_visible()
    page.screenshot(path="/tmp/matter_list.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.get_by_role("searchbox").fill("漏水")
    expect(results).not_to_contain_text(lamp.tracking_code)
    expect(results).to_contain_text(leak.tracking_code)
    assert "q=%E6%BC%8F%E6%B0%B4" in page.url  # the search is in the address, to share or reload
    page.screenshot(path="/tmp/matter_list_phone.png", full_page=True)
