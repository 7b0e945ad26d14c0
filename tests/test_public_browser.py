"""Scenario 1 in a real browser (Debian's Chromium) on a phone-sized screen: 王阿姨 scans
the harbor's QR code, reports the leaking ceiling with a photo and her phone number, keeps
the codes, tracks the matter, and rates the handling once the mediators resolved it."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from safeharbor.core.demo import AREA_BOXES, COMMUNITY_HARBOR, load_demo
from safeharbor.core.models import Area, Category, Unit, User
from safeharbor.intake import actions as intake_actions
from safeharbor.matters import actions
from safeharbor.matters.models import Matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LEAK = "楼上卫生间漏水，我家天花板都泡了，找了好几次没人管"


@pytest.fixture
def phone_page(browser, browser_context_args, settings, tmp_path):
    """A phone: small screen, touch, and a position inside 永昌佳苑 (localhost counts as a
    secure origin, so the page may ask for it)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"browser-{tmp_path.name}"}}
    west, south, east, north = AREA_BOXES["wuda.xinda.yongchang.g1"]
    context = browser.new_context(
        **browser_context_args, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
        geolocation={"latitude": (south + north) / 2, "longitude": (west + east) / 2}, permissions=["geolocation"],
    )
    page = context.new_page()
    yield page
    context.close()


def leak_photo(tmp_path):
    path = tmp_path / "天花板.jpg"
    image = Image.new("RGB", (640, 480), (236, 232, 220))
    for x in range(200, 440):  # a brown water stain
        for y in range(150, 300):
            if (x - 320) ** 2 / 120**2 + (y - 225) ** 2 / 75**2 < 1:
                image.putpixel((x, y), (150, 110, 60))
    out = io.BytesIO()
    image.save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_wang_reports_a_leak_from_the_qr_code_tracks_it_and_rates_it(live_server, phone_page, tmp_path):
    load_demo()
    page, base = phone_page, live_server.url

    # The QR code on the harbor's poster opens the report page with the harbor chosen.
    page.goto(f"{base}/report/{COMMUNITY_HARBOR}/")
    expect(page.locator("#harbor-chosen")).to_contain_text("永昌佳苑社区群团组织平安港湾")
    expect(page.locator("#report-map svg path").first).to_be_attached()  # the area outlines
    page.get_by_label("遇到了什么问题？").fill(LEAK)
    expect(page.locator(".counter").first).to_have_text(f"{len(LEAK)} / 2000")
    page.locator("#id_address").fill("永昌佳苑5号楼2单元")
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.locator("#map-status")).to_have_text("已选定位置，点击其他地方可以移动。")
    assert page.locator("#id_lat").input_value() != ""
    page.get_by_label("照片（最多3张，选填）").set_input_files(str(leak_photo(tmp_path)))
    expect(page.get_by_text("拍照或选择照片")).to_be_visible()
    expect(page.locator("#id_photos_status")).to_contain_text("天花板.jpg")
    page.get_by_label("姓名（选填）").fill("王阿姨")
    page.get_by_label("联系电话（选填，用于回访）").fill("13904731234")
    page.screenshot(path="/tmp/public_report_phone.png", full_page=True)
    page.get_by_role("button", name="提交").click()

    # The receipt: both codes, big, with the advice to keep them.
    page.wait_for_url(f"{base}/receipt/")
    code = page.locator("#tracking-code").inner_text().strip()
    check = page.locator("#check-code").inner_text().strip()
    assert len(code) == 13 and len(check) == 6
    expect(page.get_by_text("请保存好受理编号和查询码。")).to_be_visible()
    page.screenshot(path="/tmp/public_receipt_phone.png", full_page=True)
    matter = Matter.objects.get(tracking_code=code)
    assert matter.source == "qr" and matter.harbor.code == COMMUNITY_HARBOR
    assert matter.reporter_phone == "13904731234" and matter.attachments.count() == 1
    assert matter.area.name == "永昌佳苑小区"  # the compound, from the phone's position

    # Days later, on another visit: she types the codes into the tracking form.
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.get_by_role("link", name="查询进度").first.click()
    page.get_by_label("受理编号").fill(code)
    page.get_by_label("查询码", exact=True).fill(check)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(f"{base}/track/{code}/")
    expect(page.locator("#status")).to_have_text("已受理")
    expect(page.locator("#timeline")).to_contain_text("您的反映已登记受理")
    expect(page.locator("#my-report img")).to_have_count(1)
    page.screenshot(path="/tmp/public_track_phone.png", full_page=True)

    # The dispatcher sends it to the justice bureau; the community mediator handles it.
    dispatcher, mediator = User.objects.get(username="dispatcher"), User.objects.get(username="mediator")
    actions.dispatch_matter(matter, actor=dispatcher, unit=Unit.objects.get(code="justice"),
                            category=Category.objects.get(code="dispute.neighbor"),
                            note="请社区调解员联系双方住户")
    actions.accept_matter(matter, actor=mediator)
    actions.resolve_matter(matter, actor=mediator,
                           result="调解员已上门，楼上住户修好了卫生间防水，双方同意由楼上承担天花板修补费用")

    page.reload()
    expect(page.locator("#status")).to_have_text("已办结，待您评价")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("已转交司法局（人民调解委员会）办理")
    expect(timeline).to_contain_text("楼上住户修好了卫生间防水")
    for hidden in ("李海燕", "郝永平", "请社区调解员联系双方住户"):  # staff names, internal instruction
        expect(page.locator("main")).not_to_contain_text(hidden)
    form = page.locator("#follow-up")
    form.locator("fieldset", has_text="处理单位是否与您联系").get_by_label("是").check()
    form.locator("fieldset", has_text="问题是否已解决").get_by_label("是").check()
    form.get_by_label("基本满意").check()
    form.get_by_label("还有什么想说的？（选填）").fill("调解员很耐心，就是等的时间长了点")
    page.screenshot(path="/tmp/public_follow_up_phone.png", full_page=True)
    form.get_by_role("button", name="提交评价").click()
    expect(page.locator(".messages")).to_contain_text("感谢您的评价，该事项已办结归档。")
    expect(page.locator("#status")).to_have_text("已办结")
    expect(page.locator("#timeline")).to_contain_text("您的评价：基本满意")
    page.screenshot(path="/tmp/public_closed_phone.png", full_page=True)
    matter.refresh_from_db()
    assert matter.status == "closed" and matter.satisfaction == "basic"
    follow_up = matter.follow_ups.get()
    assert follow_up.channel == "web" and follow_up.contacted and follow_up.solved


def test_the_home_page_on_a_phone_shows_the_map_and_the_harbors(live_server, phone_page):
    load_demo()
    page = phone_page
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="找港湾")).to_be_visible()
    expect(page.locator("#harbor-map svg path").first).to_be_attached()
    markers = page.locator("#harbor-map path.leaflet-interactive")
    expect(markers).to_have_count(11)  # one dot per demo harbor
    expect(page.locator("#harbor-yongchang-mass-orgs")).to_contain_text("12338")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    page.screenshot(path="/tmp/public_home_phone.png", full_page=True)
    page.screenshot(path="/tmp/public_home_phone_top.png")
    markers.first.dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_be_visible()


def test_errors_show_next_to_the_field_and_me_too_counts_on_the_board(live_server, phone_page):
    load_demo()
    page, base = phone_page, live_server.url
    # A report with a wrong phone number comes back with the message under the phone field
    # and the text still there.
    page.goto(f"{base}/report/")
    page.get_by_label("遇到了什么问题？").fill("团结路与建设路路口自来水管爆了，水漫到路上")
    page.get_by_label("联系电话（选填，用于回访）").fill("12ab")
    page.get_by_role("button", name="提交").click()
    error = page.locator("#id_phone_error")
    expect(error).to_contain_text("电话号码格式不对")
    expect(page.get_by_label("遇到了什么问题？")).to_have_value("团结路与建设路路口自来水管爆了，水漫到路上")
    assert Matter.objects.count() == 0
    error.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/public_report_error_phone.png")

    # The dispatcher published a burst pipe; a passer-by presses 我也遇到 (htmx, no reload).
    dispatcher = User.objects.get(username="dispatcher")
    matter, _check = actions.create_matter(
        actor=dispatcher, description="团结路与建设路路口自来水管爆了", source=Matter.Source.HOTLINE,
        area=Area.objects.get(code="wuda.xinda.tuanjie"), reporter_phone="13904731234",
    )
    entry = intake_actions.publish_matter(matter, actor=dispatcher, title="团结路自来水管爆裂",
                                          text="路口自来水管爆裂，路面大面积积水，请绕行", place="团结路与建设路路口")
    page.goto(f"{base}/board/")
    article = page.locator(f"#p{entry.pk}")
    expect(article).to_contain_text("团结路自来水管爆裂")
    expect(article).not_to_contain_text("13904731234")
    article.get_by_text("留下手机号，接收办理进展短信（选填）").click()
    article.get_by_label("手机号，用于接收办理进展（选填）").fill("abc")
    article.get_by_role("button", name="我也遇到").click()
    expect(article.locator(".field-error")).to_contain_text("电话号码格式不对")  # swapped in by htmx (400)
    expect(article.locator(".count")).to_have_text("0")
    article.get_by_label("手机号，用于接收办理进展（选填）").fill("139 0473 5678")
    article.get_by_role("button", name="我也遇到").click()
    expect(article.locator(".count")).to_have_text("1")
    expect(article.locator(".note")).to_contain_text("谢谢，已记录")
    page.screenshot(path="/tmp/public_board_phone.png", full_page=True)
    entry.refresh_from_db()
    assert entry.me_too_count == 1 and entry.me_toos.get().phone == "139 0473 5678"
