"""The bell, the list (filters, mark read with htmx), preferences with email, the daily
digest, the API, and the demo loader."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from safeharbor.matters import actions
from safeharbor.notifications import actions as notify_actions
from safeharbor.notifications.models import Notification, OutboxMessage, Preference
from tests.factories_notifications import at, dispatched, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(org, alice, bob, charlie, admin_user, time_machine):
    return make_cast(org, alice, bob, charlie, admin_user, time_machine)


def page(client, url="/notifications/", **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_bell_shows_the_unread_count_on_every_page(cast, client):
    dispatched(cast)
    dispatched(cast)
    client.force_login(cast.police1)
    for url in ("/matters/", "/notifications/", "/supervision/"):
        html = page(client, url)
        assert 'id="bell"' in html and 'data-count="2"' in html
    client.force_login(cast.justice1)
    assert 'data-count' not in page(client, "/matters/")  # nothing unread: no number
    assert 'id="bell"' in page(client, reverse("notifications:bell"))


def test_the_list_filters_and_marks_read_with_htmx(cast, client):
    matter = dispatched(cast)
    actions.issue_supervision(actor=cast.bob, matters=[matter], level="normal", reason="请尽快签收",
                              reply_due=at("2026-09-16 10:00 +0800").date())
    client.force_login(cast.police1)
    html = page(client)
    assert matter.tracking_code in html and "请尽快签收" in html
    assert "请尽快签收" not in page(client, kind="matter_arrived")
    note = Notification.objects.get(recipient=cast.police1, kind="matter_arrived")
    response = client.post(reverse("notifications:read", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "notifications-changed"
    assert f'id="notification-{note.pk}"' in response.content.decode() and "标为未读" in response.content.decode()
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert matter.tracking_code not in page(client, unread="1")
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert 'data-count="1"' in bell
    client.post(reverse("notifications:unread", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert Notification.objects.get(pk=note.pk).read_at is None
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=cast.police1, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cast.police2, read_at__isnull=True).count() == 2  # not his


def test_opening_a_notification_marks_it_read_and_goes_to_the_matter(cast, client):
    matter = dispatched(cast)
    note = Notification.objects.get(recipient=cast.police1)
    client.force_login(cast.police1)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == f"/matters/{matter.pk}/"
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_preferences_send_chosen_kinds_by_email_through_the_outbox(cast, client):
    client.force_login(cast.police1)
    assert "police1@example.gov.cn" in page(client, reverse("notifications:preferences"))
    response = client.post(reverse("notifications:preferences"),
                           {"email_kinds": ["matter_arrived", "supervision_order"], "daily_digest": "on"})
    assert response.status_code == 302
    pref = Preference.objects.get(user=cast.police1)
    assert pref.email_kinds == ["matter_arrived", "supervision_order"] and pref.daily_digest
    matter = dispatched(cast)
    [email] = OutboxMessage.objects.filter(channel="email")
    assert email.recipient == cast.police1 and matter.tracking_code in email.body  # police2 did not choose email
    assert notify_actions.send_due() == {"sent": 1}
    [sent] = mail.outbox
    assert sent.to == ["police1@example.gov.cn"] and matter.tracking_code in sent.body
    assert f"/matters/{matter.pk}/" in sent.body


def test_emails_need_an_address(cast, client):
    client.force_login(cast.police2)  # no email address
    response = client.post(reverse("notifications:preferences"), {"email_kinds": ["matter_arrived"]})
    assert response.status_code == 400 and not Preference.objects.exists()


def test_the_daily_digest_lists_what_is_overdue_in_my_scope_once_a_day(cast, settings):
    settings.NOTIFY_DIGEST_HOUR = 8
    notify_actions.save_preferences(cast.police1, email_kinds=[], daily_digest=True)
    matter = dispatched(cast)
    late = matter.due_at + timedelta(hours=1)
    morning = at("2026-09-20 07:30 +0800")
    assert morning > late
    assert notify_actions.send_digests(now=morning) == 0  # before the hour
    assert notify_actions.send_digests(now=morning + timedelta(hours=1)) == 1
    assert notify_actions.send_digests(now=morning + timedelta(hours=2)) == 0  # once a day
    notify_actions.send_due(now=morning + timedelta(hours=1))
    [digest] = mail.outbox
    assert matter.tracking_code in digest.body and "1" in digest.subject
    assert notify_actions.send_digests(now=morning + timedelta(days=1, hours=1)) == 1  # the next day again


def test_nothing_overdue_no_digest(cast):
    notify_actions.save_preferences(cast.police1, email_kinds=[], daily_digest=True)
    assert notify_actions.send_digests(now=at("2026-09-14 09:00 +0800")) == 0
    assert not OutboxMessage.objects.exists()


def test_the_api_lists_and_marks_my_notifications(cast, client):
    matter = dispatched(cast)
    client.force_login(cast.police1)
    data = client.get("/api/notifications/").json()
    assert data["count"] == 1 and data["results"][0]["kind"] == "matter_arrived"
    assert matter.tracking_code in data["results"][0]["message"]
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 1}
    pk = data["results"][0]["id"]
    assert client.post(f"/api/notifications/{pk}/read/").json()["read"] is True
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 0}
    client.force_login(cast.charlie)
    assert client.get(f"/api/notifications/{pk}/").status_code == 404
    assert client.get("/api/notifications/").json()["count"] == 0
    client.logout()
    assert client.get("/api/notifications/").status_code == 401


def test_the_admin_outbox_api_masks_phones(cast, client):
    from tests.factories_notifications import PHONE, new_matter

    new_matter(cast, reporter_phone=PHONE)
    client.force_login(cast.admin)
    [row] = client.get("/api/notifications/outbox/").json()["results"]
    assert row["to"] == "139****6618" and PHONE not in str(row)


def test_the_demo_loader_replays_recent_events_idempotently(cast):
    from safeharbor.notifications.demo import load_demo

    dispatched(cast)
    Notification.objects.all().delete()
    first = load_demo()
    assert Notification.objects.filter(kind="matter_arrived").count() == 2
    assert load_demo() == "0 notifications, 0 outbox messages" and first.startswith("2 notifications")
