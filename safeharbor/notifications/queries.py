"""Reads of the notifications app: who should hear about something, and what a user sees."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.models import User


def unit_members(unit, roles=None):
    """Active staff of a unit (optionally only some roles)."""
    if unit is None:
        return User.objects.none()
    qs = User.objects.filter(is_active=True, unit=unit)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs


def area_staff(area, roles=(User.Role.DISPATCHER,)):
    """Active users of these roles whose assigned areas contain `area` (the area or an ancestor)."""
    if area is None:
        return User.objects.none()
    prefixes = [area.path[:i] for i in range(area.steplen, len(area.path) + 1, area.steplen)]
    return User.objects.filter(is_active=True, role__in=roles).filter(
        Q(areas__path__in=prefixes)
    ).distinct()


def unread_count(user) -> int:
    return access.visible_notifications(user).filter(read_at__isnull=True).count()


def visible_notification(user, pk):
    return access.get_visible_or_404(access.visible_notifications(user), pk=pk)


def notification_list(user, *, kind: str = "", unread: bool = False):
    qs = access.visible_notifications(user)
    if kind:
        qs = qs.filter(kind=kind)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs


def kinds_used(user) -> list[str]:
    return sorted(set(user.notifications.values_list("kind", flat=True).distinct()))


def outbox_list(*, status: str = "", channel: str = "", kind: str = ""):
    from safeharbor.notifications.models import OutboxMessage

    qs = OutboxMessage.objects.select_related("matter", "recipient")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def outbox_counts() -> dict[str, int]:
    from django.db.models import Count

    from safeharbor.notifications.models import OutboxMessage

    return dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


DIGEST_ROWS = 30


def digest_for(user, now=None) -> dict | None:
    """The daily digest email: the overdue matters in the user's scope (None: nothing overdue)."""
    now = now or timezone.now()
    overdue = access.visible_matters(user).overdue(now).select_related("unit").order_by("due_at")
    count = overdue.count()
    if not count:
        return None
    lines = [
        _("%(count)d matters in your area of work are overdue (as of %(when)s):")
        % {"count": count, "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")}, "",
    ]
    for matter in overdue[:DIGEST_ROWS]:
        lines.append(_("%(code)s %(summary)s — %(unit)s, due %(due)s") % {
            "code": matter.tracking_code, "summary": matter.summary, "unit": matter.unit.name if matter.unit else "-",
            "due": timezone.localtime(matter.due_at).strftime("%Y-%m-%d %H:%M"),
        })
    if count > DIGEST_ROWS:
        lines.append(_("… and %(n)d more.") % {"n": count - DIGEST_ROWS})
    lines += ["", f"{settings.PUBLIC_BASE_URL}{reverse('matters:list')}?inbox=overdue"]
    return {
        "subject": f"[{settings.SITE_NAME}] " + _("Overdue matters: %(count)d") % {"count": count},
        "body": "\n".join(lines), "count": count,
    }
