"""Writes of the notifications app.

`notify` is the one entry point every module uses to tell staff something. Keep its
signature stable: modules call it inside their own transactions (the rows commit or roll
back with the change they announce).
"""

from collections.abc import Iterable

from safeharbor.notifications.models import Notification


def target_of(obj) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


def notify(recipients: Iterable, kind: str, message: str, url: str = "", obj=None) -> list[Notification]:
    """Create one notification per distinct active recipient; returns them."""
    seen: set[int] = set()
    rows = []
    target = target_of(obj)
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, message=str(message)[:300], url=url, target=target))
    return Notification.objects.bulk_create(rows)
