"""In a real browser: staff builds a questionnaire with skip logic and publishes it, makes
invitation codes; a respondent answers on a phone-size screen with a code from the QR
link's #fragment; staff then sees the results (suppressed until five have answered)."""

import pytest
from playwright.sync_api import expect

from safeharbor.surveys import actions
from safeharbor.surveys.models import Invitation, Response, Survey
from tests.factories import PASSWORD
from tests.factories_surveys import answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/surveys/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/surveys/")


def test_staff_builds_respondent_answers_on_a_phone_staff_sees_results(live_server, page, browser, alice, org):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "alice")
    page.get_by_role("button", name="新建问卷").click()
    page.locator("#id_title").fill("出租车驾驶员执法评价")
    page.locator("#id_owner_unit").select_option(str(org.police.pk))
    page.locator("#id_area").select_option(str(org.xinda.pk))
    page.locator("#id_access").select_option("invitation")
    page.get_by_role("button", name="创建问卷").click()
    expect(page.locator("h2")).to_contain_text("出租车驾驶员执法评价")
    survey = Survey.objects.get(title="出租车驾驶员执法评价")

    def add_question(kind: str, text: str, options: str = "", **extra):
        page.get_by_role("link", name="在此添加问题").first.click()
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_text").fill(text)
        if options:
            page.locator("#id_options").fill(options)
        if extra.get("required"):
            page.locator("#id_required").check()
        if extra.get("skip"):
            page.locator("summary", has_text="跳题").click()
            page.locator("#id_skip_option").fill(extra["skip"][0])
            page.locator("#id_skip_to").fill(extra["skip"][1])
        page.get_by_role("button", name="保存问题").click()
        expect(page.locator("#questions")).to_contain_text(text)

    add_question("single", "过去一年是否被检查过？", "是\n否", required=True)
    add_question("rating", "总体满意度", required=True)
    add_question("text", "意见建议")
    # Now the skip: "否" on q1 jumps to q3 (the free text).
    page.locator("#b-q1").get_by_role("button", name="编辑").click()
    page.locator("summary", has_text="跳题").click()
    page.locator("#id_skip_option").fill("2")
    page.locator("#id_skip_to").fill("q3")
    page.get_by_role("button", name="保存问题").click()
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#status")).to_contain_text("已公开")
    page.locator("#id_label").fill("出租公司驾驶员")
    page.locator("#id_size").fill("6")
    page.get_by_role("button", name="生成邀请码").click()
    codes = survey.batches.get().code_list()
    assert len(codes) == 6

    # The respondent: a phone, no account, the code arrives in the #fragment of the QR link.
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True,
                                locale="zh-CN", timezone_id="Asia/Shanghai")
    mobile = phone.new_page()
    mobile.goto(f"{base}/q/{survey.token}/#c={codes[0]}")
    expect(mobile.get_by_label("邀请码")).to_have_value(codes[0])
    assert "#" not in mobile.url  # the code left the address bar
    mobile.get_by_label("否").check()
    expect(mobile.locator("#q-q2")).to_be_hidden()  # skipped
    mobile.get_by_label("是").check()
    expect(mobile.locator("#q-q2")).to_be_visible()
    mobile.locator("#q-q2 label.point", has_text="2").click()
    mobile.get_by_role("textbox", name="意见建议").fill("罚款不开票据")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375  # fits the phone
    mobile.get_by_role("button", name="提交答卷").click()
    expect(mobile.locator("#thanks")).to_be_visible()
    assert not [c for c in phone.cookies() if c["name"] == "sessionid"]
    # The same code a second time is refused.
    mobile.goto(f"{base}/q/{survey.token}/#c={codes[0]}")
    mobile.get_by_label("是").check()
    mobile.locator("#q-q2 label.point", has_text="3").click()
    mobile.get_by_role("button", name="提交答卷").click()
    expect(mobile.locator("#form-error")).to_contain_text("已被使用")
    phone.close()
    assert Response.objects.count() == 1 and Invitation.objects.filter(used=True).count() == 1

    # Staff: with one answer the results stay hidden; with five they show.
    page.goto(f"{base}/surveys/{survey.pk}/results/")
    expect(page.locator("#suppressed")).to_be_visible()
    for code in codes[1:5]:
        actions.submit_response(Survey.objects.get(pk=survey.pk), data={"a_q1": "1", "a_q2": "4"}, code=code)
    page.reload()
    expect(page.locator("#response-count")).to_contain_text("5")
    expect(page.locator("#r-q2")).to_contain_text("3.6")  # mean of 2, 4, 4, 4, 4
    expect(page.locator("#r-q3")).to_contain_text("不足")  # one text answer: suppressed
    assert answer  # factories import used by other tests
