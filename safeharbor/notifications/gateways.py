"""Delivery of outbox messages: one small class per way out, chosen by configuration.

A gateway gets an `Outgoing` (recipient address, text, and the message's idempotency key)
and either returns a reference or raises `GatewayError`; the worker does the retries. To add a
vendor, write a class with `name` and `send()` and point SMS_GATEWAY at its dotted path.

- outbox: keeps the message in the outbox only (the default, for demos and intranets
  without a gateway: administrators read the messages on /notifications/outbox/);
- file: appends one JSON line per message to a file (development);
- email: Django's email backends (staff emails; SMS through an email-to-SMS address);
- http: posts JSON to a gateway URL, signed with HMAC-SHA256, with the idempotency key.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """The message could not be delivered now (the worker retries it later)."""


@dataclass(frozen=True)
class Outgoing:
    key: str  # idempotency key: the same message never counts twice at a gateway that dedupes
    to: str  # phone number or email address
    text: str
    subject: str = ""


class Gateway:
    name = "base"

    def send(self, message: Outgoing) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxGateway(Gateway):
    """Nothing leaves the installation: the outbox row is the delivery."""

    name = "outbox"

    def send(self, message: Outgoing) -> str:
        return "stored"


class FileGateway(Gateway):
    name = "file"

    def __init__(self, path: str | None = None):
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, message: Outgoing) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"key": message.key, "to": message.to, "text": message.text}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return "file"


class EmailGateway(Gateway):
    """Through Django's EMAIL_BACKEND. A phone number becomes SMS_EMAIL_ADDRESS ("{phone}@...")."""

    name = "email"

    def send(self, message: Outgoing) -> str:
        to = message.to if "@" in message.to else settings.SMS_EMAIL_ADDRESS.format(phone=message.to)
        try:
            send_mail(message.subject or message.text[:40], message.text, None, [to])
        except Exception as exc:  # SMTP errors, refused connections...
            raise GatewayError(str(exc)[:200]) from exc
        return "email"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: what the gateway (and our inbound hook) check."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class HttpGateway(Gateway):
    """POST {"key", "to", "text"} as JSON to SMS_GATEWAY_URL with X-Timestamp, X-Signature
    and Idempotency-Key headers. Any 2xx is success; the JSON answer's "id" is kept."""

    name = "http"

    def __init__(self, url: str | None = None, secret: str | None = None, timeout: float | None = None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.secret = secret if secret is not None else settings.SMS_GATEWAY_SECRET
        self.timeout = timeout or settings.SMS_GATEWAY_TIMEOUT

    def send(self, message: Outgoing) -> str:
        if not self.url:
            raise GatewayError("SMS_GATEWAY_URL is not set")
        body = json.dumps({"key": message.key, "to": message.to, "text": message.text}, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.key,
            "X-Timestamp": timestamp, "X-Signature": signature(self.secret, timestamp, body),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                answer = response.read(2000)
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise GatewayError(str(getattr(exc, "reason", exc))[:200]) from exc
        try:
            return str(json.loads(answer or b"{}").get("id", ""))[:100]
        except (ValueError, AttributeError):
            return ""


BACKENDS = {"outbox": OutboxGateway, "file": FileGateway, "email": EmailGateway, "http": HttpGateway}


def get_gateway(channel: str = "sms") -> Gateway:
    """The configured gateway for a channel: SMS_GATEWAY for SMS; email always goes by email."""
    if channel == "email":
        return EmailGateway()
    name = settings.SMS_GATEWAY
    cls = BACKENDS.get(name) or import_string(name)
    return cls()
