"""Reads of the notifications app: who should hear about something."""

from django.db.models import Q

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
    return user.notifications.filter(read_at__isnull=True).count()
