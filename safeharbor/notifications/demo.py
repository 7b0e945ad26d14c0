"""Demo data: what the last days of the demo district's matters told staff and residents.

The demo history is written in bulk (without the event hooks), so this replays the hooks
for the recent events: the bell of the demo accounts fills with the notifications they
would have had, and the outbox with the SMS residents would have received. Idempotent:
notifications carry the time of their event, outbox rows the event's key.
"""

from datetime import timedelta

from django.utils import timezone, translation

from safeharbor.matters.models import MatterEvent
from safeharbor.notifications import actions, gateways, matter_hooks
from safeharbor.notifications.models import Notification, OutboxMessage

STAFF_DAYS = 7
SMS_DAYS = 3
MAX_EVENTS = 600


def _recent(days: int, actions_: list[str]):
    since = timezone.now() - timedelta(days=days)
    return (MatterEvent.objects.filter(at__gte=since, action__in=actions_)
            .select_related("matter", "matter__unit", "matter__assignee", "unit", "actor")
            .order_by("-at", "-pk")[:MAX_EVENTS])


def _replay_staff(now) -> int:
    created = 0
    for event in _recent(STAFF_DAYS, list(matter_hooks.STAFF)):
        if Notification.objects.filter(created_at=event.at).exists():
            continue  # replayed before
        first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with translation.override("zh-hans"):
            matter_hooks.STAFF[event.action](event, event.matter)
        new = Notification.objects.filter(pk__gt=first)
        # Older ones were read already; the last two days are still unread.
        read_at = event.at + timedelta(hours=2) if event.at < now - timedelta(days=2) else None
        created += new.update(created_at=event.at, read_at=read_at)
    return created


def _replay_sms(now) -> int:
    before = OutboxMessage.objects.count()
    for event in _recent(SMS_DAYS, list(matter_hooks.REPORTER_KINDS)):
        with translation.override("zh-hans"):
            matter_hooks.resident_messages(event, event.matter)
    new = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS, status=OutboxMessage.Status.PENDING,
                                       send_after__lte=now)
    for pk in new.values_list("pk", flat=True):
        actions.send_one(pk, now=now, gateway=gateways.OutboxGateway())
    return OutboxMessage.objects.count() - before


def load_demo() -> str:
    now = timezone.now()
    staff = _replay_staff(now)
    sms = _replay_sms(now)
    return f"{staff} notifications, {sms} outbox messages"
