"""How figures read on screen, in PDF and in Excel (Chinese conventions: 92.5%, 3.2 天)."""

from django.utils.translation import gettext as _


def format_value(value, kind: str = "count") -> str:
    if value is None:
        return "–"
    if kind == "percent":
        return f"{value:.1f}%"
    if kind == "days":
        return _("%(days)s working days") % {"days": f"{value:.1f}"}
    if kind == "calendar_days":
        return _("%(days)s days") % {"days": f"{value:,}"}
    if kind == "money":
        return _("¥%(amount)s") % {"amount": f"{value:,.2f}"}
    if kind == "score":
        return f"{value:.2f}"
    if kind == "count":
        return f"{value:,}"
    return str(value)


def subject_kind_label(kind: str) -> str:
    return {
        "harbor": _("Harbor"),
        "unit": _("Member unit"),
        "area": _("Area"),
        "domain": _("Domain"),
    }.get(kind, kind)
