"""Resident messages: outbox written with the event, sent by the worker with retries and
backoff, quiet hours, daily limit, opt-out, editable templates, the HTTP gateway."""

import hashlib
import hmac
import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from safeharbor.core.crypto import blind_index
from safeharbor.intake import actions as intake_actions
from safeharbor.matters import actions
from safeharbor.matters.models import Matter
from safeharbor.notifications import actions as notify_actions
from safeharbor.notifications import gateways
from safeharbor.notifications.models import OptOut, OutboxMessage
from tests.factories_notifications import PHONE, at, make_cast, new_matter

pytestmark = pytest.mark.django_db
S = OutboxMessage.Status


@pytest.fixture
def cast(org, alice, bob, charlie, admin_user, time_machine):
    return make_cast(org, alice, bob, charlie, admin_user, time_machine)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.RATELIMIT_ENABLE = False  # the public pages' limits are tested by intake


class Recorder(gateways.Gateway):
    """A gateway that remembers what it sent (or fails the first `failures` times)."""

    name = "test"

    def __init__(self, failures: int = 0):
        self.failures, self.sent, self.calls = failures, [], 0

    def send(self, message):
        self.calls += 1
        if self.calls <= self.failures:
            raise gateways.GatewayError("gateway busy (503)")
        self.sent.append(message)
        return f"ref-{self.calls}"


def web_report(client, **fields) -> tuple[Matter, str]:
    data = {"description": "团结路12号楼下的下水道堵了，污水漫到人行道", "identity": "named", "phone": PHONE, **fields}
    response = client.post("/report/yongchang/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(reverse("public:receipt")).content.decode()
    code = re.search(r'id="tracking-code">([^<]+)<', page).group(1)
    check = re.search(r'id="check-code">([^<]+)<', page).group(1)
    return Matter.objects.get(tracking_code=code), check


def sms(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(channel="sms", kind=kind).order_by("pk"))


# --- written with the event ----------------------------------------------------------------------


def test_a_web_report_puts_one_received_sms_in_the_outbox(cast, client):
    matter, _check = web_report(client)
    [row] = sms("received")
    assert row.status == S.PENDING and row.matter == matter
    assert row.body.startswith("【平安港湾】") and matter.tracking_code in row.body
    assert "http://127.0.0.1:8000/track/" in row.body and len(row.body) <= 70
    assert row.phone == PHONE and row.phone_index == blind_index(PHONE)
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT phone FROM notifications_outboxmessage WHERE id = %s", [row.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    assert notify_actions.send_due(gateway=(gw := Recorder())) == {"sent": 1}
    assert [m.to for m in gw.sent] == [PHONE] and gw.sent[0].key == row.key
    assert OutboxMessage.objects.get(pk=row.pk).status == S.SENT
    assert notify_actions.send_due(gateway=gw) == {}  # never twice


def test_no_message_at_all_to_anonymous_reporters(cast, client):
    matter, _check = web_report(client, identity="anonymous")
    actions.dispatch_matter(matter, actor=cast.alice, unit=cast.org.police)
    assert OutboxMessage.objects.count() == 0


def test_the_outbox_row_rolls_back_with_the_event(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        new_matter(cast, reporter_phone=PHONE)
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the rest of the change failed")
    assert OutboxMessage.objects.count() == 0 and Matter.objects.count() == 0


def test_dispatch_resolve_reopen_reach_the_reporter(cast):
    matter = new_matter(cast, reporter_phone=PHONE)
    actions.dispatch_matter(matter, actor=cast.alice, unit=cast.org.police)
    [dispatched] = sms("dispatched")
    assert "公安分局" in dispatched.body and matter.tracking_code in dispatched.body
    actions.accept_matter(matter, actor=cast.police1)
    actions.resolve_matter(matter, actor=cast.police1, result="已疏通")
    [resolved] = sms("resolved")
    assert f"/track/{matter.tracking_code}/" in resolved.body and "评价" in resolved.body
    actions.record_follow_up(matter, actor=cast.alice, channel="phone", contacted=True, solved=False,
                             satisfaction="unsatisfied")
    [reopened] = sms("reopened")
    assert "重新办理" in reopened.body
    assert OutboxMessage.objects.filter(channel="sms").count() == 4  # received, dispatched, resolved, reopened


def test_me_too_subscribers_hear_the_progress(cast):
    matter = new_matter(cast, reporter_phone=PHONE)
    board = intake_actions.publish_matter(matter, actor=cast.alice, title="团结路下水道堵塞",
                                          text="团结路一处下水道堵塞，污水外溢。", place="团结路")
    intake_actions.press_me_too(board, key="k1", phone="13800001111")
    intake_actions.press_me_too(board, key="k2", phone="138 0000 1111")  # the same number again
    intake_actions.press_me_too(board, key="k3", phone=PHONE)  # the reporter: gets their own message only
    intake_actions.press_me_too(board, key="k4")  # no phone, no message
    actions.dispatch_matter(matter, actor=cast.alice, unit=cast.org.police)
    [row] = sms("me_too")
    assert row.phone_index == blind_index("13800001111")
    assert "团结路下水道堵塞" in row.body and "已交相关单位办理" in row.body and f"/board/{board.pk}/" in row.body
    assert len(sms("dispatched")) == 1


# --- quiet hours, daily limit ----------------------------------------------------------------------


def test_quiet_hours_hold_messages_until_the_morning(cast, client, time_machine):
    time_machine.move_to(at("2026-09-14 23:10 +0800"), tick=False)
    web_report(client)
    [row] = sms("received")
    assert timezone.localtime(row.send_after) == at("2026-09-15 08:00 +0800")
    gw = Recorder()
    assert notify_actions.send_due(gateway=gw) == {} and gw.sent == []
    assert notify_actions.send_due(now=at("2026-09-15 07:59 +0800"), gateway=gw) == {}
    assert notify_actions.send_due(now=at("2026-09-15 08:00 +0800"), gateway=gw) == {"sent": 1}


def test_urgent_matters_are_sent_at_night(cast, time_machine):
    time_machine.move_to(at("2026-09-14 02:30 +0800"), tick=False)
    new_matter(cast, reporter_phone=PHONE, urgency="urgent")
    gw = Recorder()
    assert notify_actions.send_due(gateway=gw) == {"sent": 1}


def test_a_message_due_late_is_held_again_at_night(cast, time_machine):
    new_matter(cast, reporter_phone=PHONE)  # written at 10:00, the worker was down until 22:30
    gw = Recorder()
    assert notify_actions.send_due(now=at("2026-09-14 22:30 +0800"), gateway=gw) == {"pending": 1}
    row = OutboxMessage.objects.get()
    assert row.status == S.PENDING and row.attempts == 0
    assert timezone.localtime(row.send_after) == at("2026-09-15 08:00 +0800")


def test_a_daily_limit_per_phone_number(cast, settings):
    settings.SMS_DAILY_LIMIT = 2
    for _i in range(3):
        new_matter(cast, reporter_phone=PHONE)
    gw = Recorder()
    assert notify_actions.send_due(gateway=gw) == {"sent": 2, "pending": 1}
    held = OutboxMessage.objects.get(status=S.PENDING)
    assert timezone.localtime(held.send_after) == at("2026-09-15 08:00 +0800")


# --- retries, failure, killed worker ---------------------------------------------------------------


def test_a_failing_gateway_is_retried_with_backoff_then_marked_failed(cast, settings, client):
    settings.SMS_MAX_ATTEMPTS, settings.SMS_RETRY_SECONDS = 3, 60
    new_matter(cast, reporter_phone=PHONE)
    gw = Recorder(failures=99)
    now = timezone.now()
    assert notify_actions.send_due(now=now, gateway=gw) == {"pending": 1}
    row = OutboxMessage.objects.get()
    assert row.attempts == 1 and row.send_after == now + timedelta(seconds=60) and "503" in row.last_error
    assert notify_actions.send_due(now=now + timedelta(seconds=30), gateway=gw) == {}  # backing off
    assert notify_actions.send_due(now=now + timedelta(seconds=60), gateway=gw) == {"pending": 1}
    row.refresh_from_db()
    assert row.attempts == 2 and row.send_after == now + timedelta(seconds=180)  # 60 s, then 120 s
    assert notify_actions.send_due(now=now + timedelta(seconds=180), gateway=gw) == {"failed": 1}
    row.refresh_from_db()
    assert row.status == S.FAILED and row.attempts == 3 and gw.calls == 3
    # Administrators see it, masked, and can send it again.
    client.force_login(cast.admin)
    page = client.get("/notifications/outbox/?status=failed").content.decode()
    assert "139****6618" in page and PHONE not in page and "gateway busy" in page
    assert client.post(f"/notifications/outbox/{row.pk}/retry/").status_code == 302
    assert notify_actions.send_due(now=now + timedelta(seconds=200), gateway=Recorder()) == {"sent": 1}


def test_a_worker_killed_before_sending_loses_nothing(cast):
    new_matter(cast, reporter_phone=PHONE)
    row = OutboxMessage.objects.get()
    now = timezone.now()
    assert notify_actions._claim(row.pk, now)  # a worker took it... and was killed
    gw = Recorder()
    assert notify_actions.send_due(now=now + timedelta(seconds=10), gateway=gw) == {}  # still claimed
    later = now + timedelta(seconds=notify_actions.CLAIM_SECONDS + 1)
    assert notify_actions.send_due(now=later, gateway=gw) == {"sent": 1}
    assert len(gw.sent) == 1


class FakeGateway:
    """A local HTTP SMS gateway: checks the signature, fails the first `failures` posts with
    503, dedupes on the Idempotency-Key like a real vendor does."""

    def __init__(self, secret: str, failures: int = 0):
        self.secret, self.failures = secret, failures
        self.requests, self.delivered = [], {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers["X-Timestamp"]
                good = hmac.new(fake.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                fake.requests.append(self.headers["Idempotency-Key"])
                if not hmac.compare_digest(good, self.headers["X-Signature"]):
                    self.send_response(401)
                    self.end_headers()
                    return
                if len(fake.requests) <= fake.failures:
                    self.send_response(503)
                    self.end_headers()
                    return
                data = json.loads(body)
                fake.delivered.setdefault(data["key"], data)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": f"msg-{len(fake.delivered)}"}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_gateway(settings):
    fake = FakeGateway("s3cret", failures=2)
    settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_SECRET = "http", fake.url, "s3cret"
    settings.SMS_RETRY_SECONDS, settings.SMS_MAX_ATTEMPTS = 1, 5
    yield fake
    fake.close()


def test_the_http_backend_against_a_gateway_that_fails_twice_then_succeeds(cast, fake_gateway):
    matter = new_matter(cast, reporter_phone=PHONE)
    now = timezone.now()
    assert notify_actions.send_due(now=now) == {"pending": 1}
    assert notify_actions.send_due(now=now + timedelta(seconds=1)) == {"pending": 1}
    assert notify_actions.send_due(now=now + timedelta(seconds=3)) == {"sent": 1}
    row = OutboxMessage.objects.get()
    assert row.status == S.SENT and row.attempts == 3 and row.gateway == "http" and row.gateway_ref == "msg-1"
    assert len(fake_gateway.requests) == 3 and set(fake_gateway.requests) == {row.key}
    [delivered] = fake_gateway.delivered.values()
    assert delivered["to"] == PHONE and matter.tracking_code in delivered["text"]


def test_a_worker_killed_mid_send_sends_again_under_the_same_key(cast, fake_gateway):
    fake_gateway.failures = 0
    new_matter(cast, reporter_phone=PHONE)
    row = OutboxMessage.objects.get()

    class KilledAfterPosting(gateways.HttpGateway):
        def send(self, message):
            super().send(message)
            raise SystemExit("killed")  # the process dies before it can mark the row sent

    now = timezone.now()
    with pytest.raises(SystemExit):
        notify_actions.send_due(now=now, gateway=KilledAfterPosting())
    assert OutboxMessage.objects.get().status == S.SENDING
    later = now + timedelta(seconds=notify_actions.CLAIM_SECONDS + 1)
    assert notify_actions.send_due(now=later) == {"sent": 1}
    assert notify_actions.send_due(now=later + timedelta(hours=1)) == {}
    # Posted twice with one key; the gateway delivered it once: no loss, no duplicate.
    assert fake_gateway.requests == [row.key, row.key] and len(fake_gateway.delivered) == 1


def test_the_file_gateway_writes_one_line_per_message(cast, settings, tmp_path):
    settings.SMS_GATEWAY, settings.SMS_FILE_PATH = "file", str(tmp_path / "sms.jsonl")
    new_matter(cast, reporter_phone=PHONE)
    assert notify_actions.send_due() == {"sent": 1}
    [line] = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert json.loads(line)["to"] == PHONE


def test_a_vendor_is_a_small_class_named_in_the_settings(cast, settings):
    settings.SMS_GATEWAY = "tests.test_notifications_sms.Recorder"
    assert isinstance(gateways.get_gateway(), Recorder)


# --- templates -----------------------------------------------------------------------------------


def test_an_administrator_edits_a_template_and_the_next_message_uses_it(cast, client):
    client.force_login(cast.admin)
    url = reverse("notifications:template_edit", args=["received"])
    assert client.get(url).status_code == 200
    text = "收到您的反映，查询码{code}，进度见{track}"
    assert client.post(url, {"text": text, "active": "on"}).status_code == 302
    new_matter(cast, reporter_phone=PHONE)
    [row] = sms("received")
    assert row.body.startswith("【平安港湾】收到您的反映，查询码")
    assert client.get(reverse("notifications:templates")).content.decode().count(text) == 1


def test_a_template_must_fit_one_sms_and_use_known_placeholders(cast, client):
    client.force_login(cast.admin)
    url = reverse("notifications:template_edit", args=["received"])
    too_long = client.post(url, {"text": "您好" * 20 + "{code}{link}", "active": "on"})
    assert too_long.status_code == 400 and "one SMS" not in too_long.content.decode()
    assert "一条短信" in too_long.content.decode()
    unknown = client.post(url, {"text": "{name}您好，{code}", "active": "on"})
    assert unknown.status_code == 400 and "{name}" in unknown.content.decode()
    preview = client.get(reverse("notifications:template_preview", args=["received"]), {"text": "查询码{code}"})
    assert "261128-7KQ3MZ" in preview.content.decode()


def test_a_switched_off_template_sends_nothing(cast, client):
    client.force_login(cast.admin)
    url = reverse("notifications:template_edit", args=["received"])
    assert client.post(url, {"text": "查询码{code} {link}"}).status_code == 302  # "active" unchecked
    new_matter(cast, reporter_phone=PHONE)
    assert OutboxMessage.objects.count() == 0


def test_templates_are_for_administrators_only(cast, client):
    client.force_login(cast.alice)
    assert client.get(reverse("notifications:templates")).status_code == 404
    assert client.post(reverse("notifications:template_edit", args=["received"]), {"text": "x"}).status_code == 404
    assert client.get(reverse("notifications:outbox")).status_code == 404
    assert client.get("/api/notifications/outbox/").status_code == 404


# --- opt-out -------------------------------------------------------------------------------------


def signed(secret: str, payload: dict) -> dict:
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    return {"data": body, "content_type": "application/json", "HTTP_X_TIMESTAMP": stamp,
            "HTTP_X_SIGNATURE": gateways.signature(secret, stamp, body)}


def test_replying_td_stops_the_messages(cast, client, settings):
    settings.SMS_GATEWAY_SECRET = "s3cret"
    matter = new_matter(cast, reporter_phone=PHONE)
    url = "/api/notifications/sms/inbound/"
    assert client.post(url, **signed("wrong", {"phone": PHONE, "text": "TD"})).status_code == 403
    response = client.post(url, **signed("s3cret", {"phone": "+86 139 4730 6618", "text": " td "}))
    assert response.status_code == 200 and response.json() == {"opted_out": True}
    assert OptOut.objects.get().via == "reply"
    assert OutboxMessage.objects.get(kind="received").status == S.SKIPPED  # the waiting one too
    actions.dispatch_matter(matter, actor=cast.alice, unit=cast.org.police)
    assert OutboxMessage.objects.get(kind="dispatched").status == S.SKIPPED
    assert notify_actions.send_due(gateway=Recorder()) == {}


def test_opting_out_on_the_web_page_with_the_codes(cast, client):
    matter, check = web_report(client)
    page = client.get(reverse("notifications:stop"), {"code": matter.tracking_code})
    assert page.status_code == 200 and matter.tracking_code in page.content.decode()
    wrong = client.post(reverse("notifications:stop"), {"code": matter.tracking_code, "check": "000000"})
    assert wrong.status_code == 400 and not OptOut.objects.exists()
    done = client.post(reverse("notifications:stop"), {"code": matter.tracking_code, "check": check})
    assert done.status_code == 200 and 'id="stopped"' in done.content.decode()
    assert OptOut.objects.filter(phone_index=blind_index(PHONE), via="web").exists()
    assert notify_actions.send_due(gateway=Recorder()) == {}


def test_bad_gateway_configuration_is_caught_at_start(settings):
    from safeharbor.notifications.checks import check_gateway

    assert check_gateway() == []
    settings.SMS_GATEWAY = "nowhere.Gateway"
    assert [e.id for e in check_gateway()] == ["notifications.E001"]
    settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL = "http", ""
    assert "notifications.E003" in [e.id for e in check_gateway()]
