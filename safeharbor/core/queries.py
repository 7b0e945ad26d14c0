"""Reads of the core app that span relations."""

from django.conf import settings
from django.db.models import Count, Prefetch, Q

from safeharbor.core import access
from safeharbor.core.models import Area, AuditLog, Harbor, Port


def harbor_list(user, *, domain: str = "", area: Area | None = None, q: str = ""):
    harbors = (
        access.visible_harbors(user)
        .select_related("domain", "area", "host_unit")
        .prefetch_related(Prefetch("ports", queryset=Port.objects.select_related("owner_unit")))
        .filter(active=True)
    )
    if domain:
        harbors = harbors.filter(domain__code=domain)
    if area is not None:
        harbors = harbors.filter(area__path__startswith=area.path)
    if q:
        harbors = harbors.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return harbors.order_by("domain__sort_order", "name")


def area_tree(user):
    """Visible areas down to community level, in tree order, with harbor counts."""
    return (
        access.visible_areas(user)
        .exclude(level__in=[Area.Level.GRID, Area.Level.COMPOUND])
        .annotate(harbor_count=Count("harbors", distinct=True))
        .order_by("path")
    )


def visible_ancestors(user, area: Area) -> list[Area]:
    ancestors = Area.objects.get_ancestors(area)
    return list(access.visible_areas(user).filter(pk__in=ancestors.values("pk")).order_by("depth"))


def area_children(user, area: Area):
    return (
        access.visible_areas(user)
        .filter(path__startswith=area.path, depth=area.depth + 1)
        .order_by("path")
    )


def harbor_detail(user, code: str) -> Harbor:
    return access.get_visible_or_404(
        access.visible_harbors(user).select_related("domain", "area", "host_unit", "school__unit"), code=code
    )


def audit_entries(user, *, action: str = ""):
    if not access.is_admin(user):
        return AuditLog.objects.none()
    entries = AuditLog.objects.select_related("actor")
    if action:
        entries = entries.filter(action=action)
    return entries


# --- two-factor log-in ---


def confirmed_totp(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_allowed(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or user.role in settings.TWO_FACTOR_ROLES
    )
