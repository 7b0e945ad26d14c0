"""The Content-Security-Policy allows no inline script, and the pages still work under it:
no CSP violation in the browser console on the main staff and resident pages, and the
behaviours that used inline handlers (language switch, auto-submitting filters) work."""

import pytest
from playwright.sync_api import expect

from safeharbor.core.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PAGES = ["/desk/", "/matters/", "/intake/hotline/", "/harbors/", "/audit/", "/notifications/",
               "/insights/", "/insights/hotspots/", "/mediation/", "/services/", "/campus/", "/campaigns/",
               "/publicity/", "/surveys/", "/routing/", "/api/docs/"]
PUBLIC_PAGES = ["/", "/report/", "/track/", "/board/", "/p/services/", "/law/", "/p/clues/"]


def watch(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


def test_header_is_sent(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


def test_a_redirect_carries_no_policy_the_page_it_leads_to_does(client, db):
    response = client.get("/matters/")  # not logged in: sent to the login page
    assert response.status_code == 302 and "Content-Security-Policy" not in response.headers
    assert "frame-ancestors 'none'" in client.get(response["Location"]).headers["Content-Security-Policy"]


def test_no_violation_on_the_main_pages(live_server, page):
    load_demo()
    base = live_server.url
    violations = watch(page)
    for path in PUBLIC_PAGES:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/desk/")
    for path in STAFF_PAGES:
        response = page.goto(base + path)
        assert response.status < 500, path
        page.wait_for_load_state("networkidle")
    assert violations == []

    # The audit log's filter submits itself when changed (data-autosubmit, site.js).
    page.goto(f"{base}/audit/")
    page.locator("select[name=action]").select_option("reveal")
    page.wait_for_url("**/audit/?action=reveal")
    # The language switch too.
    page.locator("select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []
