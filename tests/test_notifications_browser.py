"""The bell in a real browser: a police handler sees the unread count, opens the list,
marks one read with htmx (the count drops without a reload), follows the other to the matter."""

import pytest
from playwright.sync_api import expect

from safeharbor.notifications.models import Notification
from tests.factories import PASSWORD
from tests.factories_notifications import dispatched, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(org, alice, bob, charlie, admin_user, time_machine):
    cast = make_cast(org, alice, bob, charlie, admin_user, time_machine)
    time_machine.move_to("2026-09-14 10:00 +0800", tick=True)  # the live server needs a running clock
    return cast


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}{next_path}")


def test_the_bell_counts_marks_read_and_leads_to_the_matter(cast, live_server, page):
    first, second = dispatched(cast), dispatched(cast)
    base = live_server.url
    log_in(page, base, "police1", "/matters/")
    bell = page.locator("#bell")
    expect(bell.locator(".bell-count")).to_have_text("2")
    bell.click()
    page.wait_for_url(f"{base}/notifications/")
    expect(page.locator("#notifications li")).to_have_count(2)
    note = Notification.objects.get(recipient=cast.police1, target=f"matters.matter:{first.pk}")
    row = page.locator(f"#notification-{note.pk}")
    expect(row).to_contain_text(first.tracking_code)
    row.get_by_role("button", name="标为已读").click()
    expect(row.get_by_role("button", name="标为未读")).to_be_visible()
    expect(page.locator("#bell .bell-count")).to_have_text("1")  # refreshed by htmx, no reload
    page.screenshot(path="/tmp/notifications-bell.png", full_page=True)
    page.get_by_role("link", name=second.tracking_code).click()
    page.wait_for_url(f"{base}/matters/{second.pk}/")
    expect(page.locator("#bell .bell-count")).to_have_count(0)  # nothing unread any more
    assert not Notification.objects.filter(recipient=cast.police1, read_at__isnull=True).exists()
