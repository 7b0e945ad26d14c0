"""Scenario 10 in a real browser: a lagging unit files its progress report, then the lead
unit generates the bulletin, sees that unit flagged behind the timetable, and publishes it."""

import pytest
from playwright.sync_api import expect

from safeharbor.campaigns import demo as campaign_demo
from safeharbor.campaigns.models import Bulletin, Campaign, ProgressReport
from safeharbor.core.demo import DEMO_PASSWORD, load_demo
from safeharbor.core.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}{next_path}")


def test_unit_files_report_and_lead_reads_bulletin(live_server, page):
    load_demo()
    campaign_demo.load_demo()
    campaign = Campaign.objects.get()
    police = Unit.objects.get(code="police")
    task = campaign.tasks.filter(owner_unit=police, meeting__isnull=True).get()
    decision = campaign.tasks.filter(owner_unit=police, meeting__isnull=False).get()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # The police handler files the missing report from the campaign page.
    log_in(page, base, "unit_handler", f"/campaigns/{campaign.pk}/")
    page.locator("main").get_by_role("button", name="填报调度进度").click()
    page.locator(f"input[name=task_{task.pk}]").fill("55")
    page.locator(f"input[name=task_{decision.pk}]").fill("30")
    page.get_by_label("取得成效").fill("增派警力8名，联合执勤追至28次")
    page.get_by_label("下一步工作").fill("每周联合执勤不少于5次")
    page.get_by_label("存在问题").fill("夜间执勤力量仍显不足")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("55 %")
    report = ProgressReport.objects.filter(unit=police).latest("submitted_at")
    assert report.task_progress.get(task=task).percent == 55 and report.late

    # The lead unit generates the bulletin for today and reads it.
    log_in(page, base, "h_transport_enforcement", f"/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="生成通报").click()
    ranking = page.locator("#ranking")
    expect(ranking).to_contain_text("公安分局")
    expect(ranking.locator("tr.behind")).to_contain_text("公安分局")
    expect(page.locator("main")).to_contain_text("夜间执勤力量仍显不足")
    page.get_by_label("牵头单位工作要求").fill("公安分局须在一周内追上时间进度")
    page.get_by_role("button", name="发布通报").click()
    expect(page.locator("main")).to_contain_text("已公开")
    assert Bulletin.objects.filter(status="published").count() == 2
