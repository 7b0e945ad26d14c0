"""Campus safety in a real browser: the school safety officer reports a hazard at the gate
on the map (scenario 6), the psychology teacher opens a crisis case and reveals the pupil's
name with a reason (scenario 7), and a district leader sees "<5" and nothing else."""

import pytest
from playwright.sync_api import expect

from safeharbor.campus.models import Hazard, PsychCase
from safeharbor.core.models import AuditLog
from tests.factories import PASSWORD
from tests.factories_campus import add_classes, make_campus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str, next_path: str, lands_on: str = "") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}{lands_on or next_path}")


def test_officer_reports_a_hazard_on_the_map(live_server, page, org):
    campus = make_campus(org)
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    # "Campus safety" takes school staff straight to their own school's report card.
    log_in(page, base, "officer", "/campus/", lands_on=f"/campus/{campus.school.pk}/")
    expect(page.locator("#days-without-accident")).to_be_visible()
    page.get_by_role("link", name="校园周边隐患").click()
    page.locator("#report-hazard summary").click()
    page.locator("#id_kind").select_option("food_stall")
    page.locator("#id_description").fill("南门外两个流动摊位卖三无辣条，学生放学围着买")
    page.locator("#id_address").fill("南门外")
    page.locator("#hazard-map").click(position={"x": 420, "y": 260})  # a point near the gate
    expect(page.locator("#id_lat")).not_to_have_value("")
    page.get_by_role("button", name="登记并转交责任单位").click()
    expect(page.locator(".messages")).to_contain_text("隐患已登记")
    hazard = Hazard.objects.get()
    assert hazard.matter.unit == campus.market and hazard.distance_m is not None
    row = page.locator("#hazard-list tbody tr").first
    expect(row).to_contain_text("“三无”食品摊")
    expect(row).to_contain_text("市场监督管理局")
    expect(page.locator("#hazard-map path.leaflet-interactive")).not_to_have_count(0)


def test_crisis_case_is_private_and_every_read_is_recorded(live_server, page, browser, org):
    campus = make_campus(org)
    classes = add_classes(campus)
    base = live_server.url
    log_in(page, base, "psych", f"/campus/{campus.school.pk}/psych/cases/new/")
    page.locator("#id_school_class").select_option(str(classes[0].pk))
    page.locator("#id_kind").select_option("crisis")
    page.locator("#id_risk").select_option("high")
    page.locator("#id_source").select_option("monitor")
    page.locator("#id_student_name").fill("李小雨")
    page.locator("#id_concern").fill("心理委员反映该生在周记中写下消极的话")
    page.get_by_role("button", name="建立个案").click()
    expect(page.locator(".errorlist").first).to_contain_text("安全计划")  # a high case needs a plan
    page.locator("#id_safety_plan").fill("每日关注，每周两次面谈")
    page.locator("#id_guardian_name").fill("李女士")
    page.locator("#id_guardian_phone").fill("13647315100")
    page.locator("#id_guardian_consent").check()
    page.get_by_role("button", name="建立个案").click()
    case = PsychCase.objects.get()
    page.wait_for_url(f"{base}/campus/psych/cases/{case.pk}/")
    expect(page.locator("#case-risk")).to_have_text("高")
    facts = page.locator("article.facts")
    expect(facts).to_contain_text("李**")
    expect(facts).not_to_contain_text("李小雨")
    reveal = facts.locator("form.reveal-form").first
    reveal.locator("input[name=reason]").fill("联系家长")
    reveal.get_by_role("button").click()
    expect(facts.locator(".revealed")).to_have_text("李小雨")
    assert AuditLog.objects.filter(actor=campus.psych, field="student_name", reason="联系家长").exists()

    # The district leader: counts only, "<5"; the record's URL answers 404, and the attempt is logged.
    other = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    leader = other.new_page()
    log_in(leader, base, "district_leader", f"/campus/{campus.school.pk}/psych/")
    expect(leader.locator("#psych-summary")).to_contain_text("<5")
    expect(leader.locator("#cases")).to_have_count(0)
    response = leader.goto(f"{base}/campus/psych/cases/{case.pk}/")
    assert response.status == 404
    assert AuditLog.objects.filter(actor=campus.district_leader, action="denied", target_id=str(case.pk)).exists()
    other.close()
