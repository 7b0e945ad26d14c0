"""Writes of the notifications app.

`notify` is the one entry point every module uses to tell staff something. Keep its
signature stable: modules call it inside their own transactions (the rows commit or roll
back with the change they announce).

Resident messages and staff emails go through the outbox: `queue_sms` / `notify` write an
OutboxMessage in the caller's transaction; `send_due` (the worker) claims and sends them.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.crypto import blind_index
from safeharbor.core.errors import ActionError
from safeharbor.notifications import gateways, kinds, texts
from safeharbor.notifications.models import Notification, OptOut, OutboxMessage, Preference, SmsTemplate

CLAIM_SECONDS = 300  # a claimed message whose worker died is sent again after this (same key)
STOP_WORDS = {"TD", "T", "N", "0000", "退订", "取消", "STOP", "UNSUBSCRIBE"}


def target_of(obj) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


# --- staff notifications --------------------------------------------------------------------


def notify(recipients: Iterable, kind: str, message: str, url: str = "", obj=None) -> list[Notification]:
    """Create one notification per distinct active recipient; returns them. Recipients who
    chose this kind by email also get an email (through the outbox, after commit)."""
    seen: set[int] = set()
    rows = []
    target = target_of(obj)
    label = obj._meta.label_lower if obj is not None else ""
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(
            recipient=user, kind=kind, message=str(message)[:300], url=url, target=target,
            target_label=label, target_pk=obj.pk if obj is not None else None,
        ))
    created = Notification.objects.bulk_create(rows)
    _queue_emails(created)
    return created


def _queue_emails(notifications: list[Notification]) -> None:
    if not notifications:
        return
    wants = {
        p.user_id for p in Preference.objects.filter(user_id__in=[n.recipient_id for n in notifications])
        if notifications[0].kind in (p.email_kinds or [])
    }
    emails = [
        OutboxMessage(
            channel=OutboxMessage.Channel.EMAIL, kind=n.kind, key=f"notification:{n.pk}", recipient_id=n.recipient_id,
            subject=f"[{settings.SITE_NAME}] {kinds.label_of(n.kind)}"[:200],
            body=n.message + (f"\n\n{settings.PUBLIC_BASE_URL}{n.url}" if n.url else ""),
        )
        for n in notifications if n.recipient_id in wants and n.pk
    ]
    OutboxMessage.objects.bulk_create(emails)


def mark_read(user, notification_id: int) -> Notification:
    from safeharbor.notifications.queries import visible_notification

    notification = visible_notification(user, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_unread(user, notification_id: int) -> Notification:
    from safeharbor.notifications.queries import visible_notification

    notification = visible_notification(user, notification_id)
    notification.read_at = None
    notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def save_preferences(user, *, email_kinds: Iterable[str], daily_digest: bool) -> Preference:
    email_kinds = sorted(set(email_kinds))
    unknown = [k for k in email_kinds if k not in kinds.STAFF_KINDS]
    if unknown:
        raise ActionError(_("Choose among the listed kinds."), extra={"field": "email_kinds"})
    if (email_kinds or daily_digest) and not user.email:
        raise ActionError(
            _("Your account has no email address. Ask an administrator to add one, then choose emails."),
            extra={"field": "email_kinds"},
        )
    pref, _created = Preference.objects.get_or_create(user=user)
    pref.email_kinds, pref.daily_digest = email_kinds, daily_digest
    pref.save(update_fields=["email_kinds", "daily_digest"])
    return pref


# --- resident messages: templates, queueing, opt-out ------------------------------------------


def template_text(kind: str) -> str | None:
    """The text administrators set for this kind (or the default); None when switched off."""
    row = SmsTemplate.objects.filter(kind=kind).first()
    if row is None:
        return texts.KINDS[kind].default
    return row.text if row.active else None


def _require_admin(actor) -> None:
    if not access.is_admin(actor):
        raise PermissionDenied


@transaction.atomic
def save_template(kind: str, *, actor, text: str, active: bool = True) -> SmsTemplate:
    _require_admin(actor)
    if kind not in texts.KINDS:
        raise ActionError(_("Unknown message."))
    text = (text or "").strip()
    errors = texts.problems(kind, text)
    if errors:
        raise ActionError(" ".join(errors), extra={"field": "text"})
    row, _created = SmsTemplate.objects.update_or_create(
        kind=kind, defaults={"text": text, "active": active, "updated_by": actor, "updated_at": timezone.now()}
    )
    return row


@transaction.atomic
def reset_template(kind: str, *, actor) -> None:
    _require_admin(actor)
    SmsTemplate.objects.filter(kind=kind).delete()


def in_quiet_hours(when: datetime) -> bool:
    hour = timezone.localtime(when).hour
    start, end = settings.SMS_QUIET_START, settings.SMS_QUIET_END
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end


def next_morning(when: datetime) -> datetime:
    """The end of the quiet hours that contain (or follow) `when`, local time."""
    local = timezone.localtime(when)
    morning = local.replace(hour=settings.SMS_QUIET_END, minute=0, second=0, microsecond=0)
    return morning if morning > local else morning + timedelta(days=1)


def release_time(now: datetime, *, urgent: bool) -> datetime:
    """When a message written now may go out: at once, or in the morning (quiet hours)."""
    if urgent or not in_quiet_hours(now):
        return now
    return next_morning(now)


def is_opted_out(phone_index: str) -> bool:
    return bool(phone_index) and OptOut.objects.filter(phone_index=phone_index).exists()


def queue_sms(kind: str, *, phone: str, key: str, values: dict, matter=None, urgent: bool = False):
    """Write one SMS into the outbox (in the caller's transaction). Returns the row, or None
    when there is nothing to send (no phone, switched off, already queued)."""
    if not phone:
        return None
    text = template_text(kind)
    if text is None:
        return None
    if OutboxMessage.objects.filter(key=key).exists():
        return None  # the same cause for the same phone: never twice
    now = timezone.now()
    index = blind_index(phone)
    row = OutboxMessage(
        channel=OutboxMessage.Channel.SMS, kind=kind, key=key, phone=phone, phone_index=index,
        body=texts.render(text, values), matter=matter, urgent=urgent, send_after=release_time(now, urgent=urgent),
    )
    if is_opted_out(index):
        row.status, row.last_error = OutboxMessage.Status.SKIPPED, _("The number asked for no messages.")
    row.save()
    return row


@transaction.atomic
def record_opt_out(phone: str, *, via: str) -> bool:
    """No more messages to this number; the waiting ones are not sent. False if no number."""
    index = blind_index(phone)
    if not index:
        return False
    OptOut.objects.get_or_create(phone_index=index, defaults={"via": via})
    OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.SMS, phone_index=index, status=OutboxMessage.Status.PENDING
    ).update(status=OutboxMessage.Status.SKIPPED, last_error=_("The number asked for no messages."))
    return True


def handle_reply(phone: str, text: str) -> bool:
    """A resident replied to a message (through the gateway's callback): "TD" and the like
    stop further messages. Returns whether it was an opt-out."""
    word = "".join((text or "").split()).upper()
    if word not in STOP_WORDS:
        return False
    return record_opt_out(phone, via=OptOut.Via.REPLY)


def opt_out_matter(matter, *, via: str = OptOut.Via.WEB) -> bool:
    """The reporter of this matter (proved by tracking + check code) wants no messages."""
    if not matter.reporter_phone:
        return False
    return record_opt_out(matter.reporter_phone, via=via)


@transaction.atomic
def retry_message(message: OutboxMessage, *, actor) -> OutboxMessage:
    """An administrator sends a failed message once more."""
    _require_admin(actor)
    row = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if row.status != OutboxMessage.Status.FAILED:
        raise ActionError(_("Only failed messages can be sent again."))
    row.status, row.attempts, row.send_after, row.last_error = OutboxMessage.Status.PENDING, 0, timezone.now(), ""
    row.save(update_fields=["status", "attempts", "send_after", "last_error"])
    return row


# --- the sender (worker) ------------------------------------------------------------------------


def _claim(pk: int, now: datetime) -> bool:
    """Compare-and-set: take a waiting message (or one whose worker died) for this worker."""
    return bool(OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.PENDING) | Q(status=OutboxMessage.Status.SENDING, claimed_until__lt=now),
        pk=pk, send_after__lte=now,
    ).update(status=OutboxMessage.Status.SENDING, claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
             attempts=F("attempts") + 1))


def _put_back(row: OutboxMessage, *, until: datetime, error: str = "", count_attempt: bool = False) -> None:
    OutboxMessage.objects.filter(pk=row.pk, status=OutboxMessage.Status.SENDING).update(
        status=OutboxMessage.Status.PENDING, send_after=until, claimed_until=None, last_error=error[:300],
        attempts=row.attempts if count_attempt else row.attempts - 1,
    )


def _finish(row: OutboxMessage, status: str, **fields) -> None:
    OutboxMessage.objects.filter(pk=row.pk, status=OutboxMessage.Status.SENDING).update(
        status=status, claimed_until=None, **fields
    )


def _sent_today(phone_index: str, now: datetime) -> int:
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.SMS, phone_index=phone_index, status=OutboxMessage.Status.SENT,
        sent_at__gte=midnight,
    ).count()


def _address(row: OutboxMessage) -> str:
    if row.channel == OutboxMessage.Channel.SMS:
        return row.phone
    return row.recipient.email if row.recipient and row.recipient.is_active else ""


def _hold_reason(row: OutboxMessage, now: datetime) -> datetime | None:
    """When an SMS must wait (quiet hours, daily limit): the time to try again; else None."""
    if row.channel != OutboxMessage.Channel.SMS or row.urgent:
        return None
    if in_quiet_hours(now):
        return next_morning(now)
    if _sent_today(row.phone_index, now) >= settings.SMS_DAILY_LIMIT:
        tomorrow = timezone.localtime(now).replace(hour=settings.SMS_QUIET_END, minute=0, second=0, microsecond=0)
        return tomorrow + timedelta(days=1)
    return None


def send_one(pk: int, *, now: datetime | None = None, gateway=None) -> str:
    """Claim and send one message; returns its new status ('' when another worker had it)."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return ""
    row = OutboxMessage.objects.select_related("recipient").get(pk=pk)
    if row.channel == OutboxMessage.Channel.SMS and is_opted_out(row.phone_index):
        _finish(row, OutboxMessage.Status.SKIPPED, last_error=_("The number asked for no messages."))
        return OutboxMessage.Status.SKIPPED
    hold = _hold_reason(row, now)
    if hold is not None:
        _put_back(row, until=hold)
        return OutboxMessage.Status.PENDING
    to = _address(row)
    if not to:
        _finish(row, OutboxMessage.Status.SKIPPED, last_error=_("No address to send to."))
        return OutboxMessage.Status.SKIPPED
    gateway = gateway or gateways.get_gateway(row.channel)
    try:
        ref = gateway.send(gateways.Outgoing(key=row.key, to=to, text=row.body, subject=row.subject))
    except gateways.GatewayError as exc:
        if row.attempts >= settings.SMS_MAX_ATTEMPTS:
            _finish(row, OutboxMessage.Status.FAILED, last_error=str(exc)[:300], gateway=gateway.name)
            return OutboxMessage.Status.FAILED
        backoff = settings.SMS_RETRY_SECONDS * 2 ** (row.attempts - 1)
        _put_back(row, until=now + timedelta(seconds=backoff), error=str(exc), count_attempt=True)
        return OutboxMessage.Status.PENDING
    _finish(row, OutboxMessage.Status.SENT, sent_at=timezone.now(), gateway=gateway.name,
            gateway_ref=ref or "", last_error="")
    return OutboxMessage.Status.SENT


def due_messages(now: datetime, limit: int = 200) -> list[int]:
    return list(
        OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.PENDING) | Q(status=OutboxMessage.Status.SENDING, claimed_until__lt=now),
            send_after__lte=now,
        ).order_by("send_after", "pk").values_list("pk", flat=True)[:limit]
    )


def send_due(now: datetime | None = None, *, gateway=None, limit: int = 200) -> dict[str, int]:
    """Send what is due (the worker's job). Safe to run in several workers at once."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for pk in due_messages(now, limit):
        status = send_one(pk, now=now, gateway=gateway)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


# --- the daily digest ---------------------------------------------------------------------------


def send_digests(now: datetime | None = None) -> int:
    """Queue today's digest email of overdue matters for everyone who wants one (once a day,
    from NOTIFY_DIGEST_HOUR on). Returns how many emails were queued."""
    from safeharbor.notifications import queries

    now = now or timezone.now()
    today = timezone.localdate(now)
    if timezone.localtime(now).hour < settings.NOTIFY_DIGEST_HOUR:
        return 0
    queued = 0
    prefs = Preference.objects.filter(daily_digest=True, user__is_active=True).filter(
        Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today)
    ).select_related("user")
    for pref in prefs:
        with transaction.atomic():
            claimed = Preference.objects.filter(pk=pref.pk).filter(
                Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today)
            ).update(last_digest_on=today)
            if not claimed:
                continue
            digest = queries.digest_for(pref.user, now)
            if digest is None:
                continue
            OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL, kind="digest", key=f"digest:{pref.user_id}:{today.isoformat()}",
                recipient=pref.user, subject=digest["subject"], body=digest["body"],
            )
            queued += 1
    return queued
