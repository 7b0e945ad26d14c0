"""Scenario 8 in a real browser: a resident applies online on her phone for the
certification of employment difficulty, keeps the codes and follows it; the HR bureau's
handler reviews it, ticks the materials, approves it; the resident sees the certificate
number. Another port's staff get 404 on the application."""

import re

import pytest
from playwright.sync_api import expect

from safeharbor.core.demo import COMMUNITY_HARBOR, DEMO_PASSWORD, load_demo
from safeharbor.core.models import Harbor
from safeharbor.services.demo import ensure_catalogue
from safeharbor.services.models import Application
from tests.factories_services import id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}{next_path}")


def test_resident_applies_online_and_staff_decide(live_server, browser, browser_context_args):
    load_demo()
    ensure_catalogue(Harbor.objects.get(code=COMMUNITY_HARBOR))
    base = live_server.url

    # The resident, on her phone.
    phone = browser.new_context(**browser_context_args, viewport=PHONE, is_mobile=True, has_touch=True)
    resident = phone.new_page()
    resident.goto(f"{base}/p/services/")
    resident.get_by_text("就业困难认定").first.click()
    resident.get_by_role("button", name="在线申请").first.click()
    expect(resident.get_by_role("heading", name="申请：就业困难认定")).to_be_visible()
    resident.get_by_role("button", name="提交申请").click()  # empty: the form says what is missing
    expect(resident.locator(".field-error").first).to_be_visible()
    resident.get_by_label("姓名").fill("李桂英")
    resident.get_by_label("手机号码").fill("13947301234")
    resident.get_by_label("身份证号码").fill(id_number(7))
    resident.get_by_label("您需要办理什么？").fill("下岗两年，想申请就业困难认定，参加技能培训。")
    resident.get_by_role("button", name="提交申请").click()
    expect(resident.get_by_role("heading", name="谢谢，您的申请已提交")).to_be_visible()
    code = resident.locator("#tracking-code").inner_text().strip()
    check = resident.locator("#check-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}-[0-9A-Z]{6}", code) and re.fullmatch(r"\d{6}", check)
    resident.get_by_role("button", name="查看办理进度").click()
    expect(resident.locator("#app-status")).to_have_text("已受理")
    expect(resident.get_by_text("还需提交")).to_be_visible()

    # The HR bureau's handler, at the desk computer.
    desk = browser.new_context(**browser_context_args, viewport={"width": 1280, "height": 900})
    staff = desk.new_page()
    log_in(staff, base, "h_hrss", "/services/applications/")
    staff.get_by_role("link", name=code).click()
    expect(staff.get_by_text("李**")).to_be_visible()  # masked
    staff.get_by_role("button", name="开始审核").click()
    expect(staff.locator("#app-status")).to_contain_text("审核中")
    staff.get_by_label("通过").check()
    staff.get_by_role("button", name="记录审核决定").click()
    expect(staff.locator("#decide .errorlist")).to_contain_text("材料不全")  # materials not ticked
    staff.get_by_text("勾选已收材料").click()
    for box in staff.locator("#materials_materials input[type=checkbox]").all():
        box.check()
    staff.get_by_role("button", name="保存材料清单").click()
    staff.get_by_label("通过").check()
    staff.get_by_label("理由/备注").fill("属于连续失业一年以上人员，符合认定条件。")
    staff.get_by_role("button", name="记录审核决定").click()
    expect(staff.locator("#app-status")).to_contain_text("已批准")
    app = Application.objects.get(tracking_code=code)
    assert app.status == "approved" and app.certificate_number.startswith("JYKN-")
    assert app.matter.status == "resolved"

    # The resident sees the decision and the certificate number.
    resident.reload()
    expect(resident.locator("#app-status")).to_have_text("已批准")
    expect(resident.get_by_text(app.certificate_number, exact=True)).to_be_visible()
    expect(resident.locator("#timeline")).to_contain_text("符合认定条件")

    # Another port's staff: the application does not exist for them.
    other = browser.new_context(**browser_context_args)
    women = other.new_page()
    log_in(women, base, "port_staff", "/services/applications/")
    expect(women.get_by_text(code)).to_have_count(0)
    response = women.goto(f"{base}/services/applications/{app.pk}/")
    assert response.status == 404
    for context in (phone, desk, other):
        context.close()


def test_port_asks_for_a_swap_from_the_lists_and_the_harbor_edits_criteria(live_server, browser,
                                                                           browser_context_args):
    from safeharbor.core.models import Port
    from safeharbor.services.demo import load_demo as load_services
    from safeharbor.services.models import DutyRoster, DutySlot, DutySwap, SafeFamily

    load_demo()
    load_services()
    base = live_server.url
    roster = DutyRoster.objects.get()
    mine = DutySlot.objects.filter(roster=roster, kind="duty", port__kind=Port.Kind.HEROINES).order_by("date").first()
    theirs = DutySlot.objects.filter(roster=roster, kind="duty").exclude(port__kind=Port.Kind.HEROINES).order_by(
        "date").first()

    context = browser.new_context(**browser_context_args, viewport={"width": 1280, "height": 900})
    women = context.new_page()
    log_in(women, base, "port_staff", f"/services/rota/{roster.pk}/")
    women.locator(f'a[href="?slot={mine.pk}#ask-swap"]').click()  # the swap link on her own day
    expect(women.locator("#swap_slot")).to_have_value(str(mine.pk))
    women.locator("#swap_with_slot").select_option(str(theirs.pk))
    women.get_by_label("理由").fill("当天组织巾帼家政培训")
    women.get_by_role("button", name="申请", exact=True).click()
    expect(women.get_by_text("等待港湾审批")).to_be_visible()
    swap = DutySwap.objects.get()
    assert (swap.slot, swap.with_slot, swap.status) == (mine, theirs, "requested")

    desk_context = browser.new_context(**browser_context_args, viewport={"width": 1280, "height": 900})
    desk = desk_context.new_page()
    log_in(desk, base, "harbor_staff", f"/services/rota/{roster.pk}/")
    desk.get_by_role("button", name="批准").click()
    mine.refresh_from_db()
    assert mine.port.kind != Port.Kind.HEROINES

    # The harbor's staff add a criterion on the criteria page; the next assessment asks it.
    desk.goto(f"{base}/services/families/")
    desk.locator("#criteria-links a").first.click()
    expect(desk.get_by_role("heading", name=re.compile("平安家庭评定标准"))).to_be_visible()
    count = desk.locator("#criteria-form input[type=text]").count()
    desk.locator("#criteria-form input[type=text]").nth(count - 2).fill("家中无易燃易爆危险品")
    desk.get_by_role("button", name="保存评定标准").click()
    expect(desk.get_by_text("评定标准已保存")).to_be_visible()
    nominee = SafeFamily.objects.filter(status__in=("nominated", "applied")).first()
    desk.goto(f"{base}/services/families/{nominee.pk}/")
    expect(desk.get_by_text("家中无易燃易爆危险品")).to_be_visible()
    for c in (context, desk_context):
        c.close()
