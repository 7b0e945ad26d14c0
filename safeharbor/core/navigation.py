"""The main navigation, per role. Apps add their entries with `register`."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safeharbor.core import access


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset = field(default_factory=frozenset)  # empty: every staff role
    admin_only: bool = False
    order: int = 50


ITEMS: list[NavItem] = []


def register(label, url_name, *, roles=(), admin_only=False, order=50) -> None:
    ITEMS.append(NavItem(label, url_name, frozenset(roles), admin_only, order))
    ITEMS.sort(key=lambda item: item.order)


def items_for(user, current_path: str) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    admin = access.is_admin(user)
    result = []
    for item in ITEMS:
        if item.admin_only and not admin:
            continue
        if item.roles and user.role not in item.roles and not admin:
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        result.append({"label": item.label, "url": url, "active": active})
    return result


register(_("Home"), "home", order=0)
register(_("Harbors"), "harbor_list", order=60)
register(_("Areas"), "area_list", order=70)
register(_("Member units"), "unit_list", order=80)
register(_("People"), "user_list", order=85)
register(_("Audit log"), "audit_list", admin_only=True, order=95)
