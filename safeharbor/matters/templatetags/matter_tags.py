"""Small display helpers of the matter pages: countdowns, durations, status labels."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from safeharbor.matters.models import Matter

register = template.Library()


def format_duration(seconds: float) -> str:
    """3 天 2 小时, 5 小时 20 分钟, 12 分钟: the two largest units, as people say it."""
    minutes = round(abs(seconds) / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        if hours:
            return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
        return _("%(days)s d") % {"days": days}
    if hours:
        if minutes:
            return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)s h") % {"hours": hours}
    if minutes:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("less than a minute")


@register.filter
def countdown(due: datetime | None) -> str:
    """Time left until a deadline ("剩余 2 天 3 小时"), or how long it is overdue."""
    if not due:
        return ""
    left = (due - timezone.now()).total_seconds()
    if left < 0:
        return _("overdue by %(duration)s") % {"duration": format_duration(left)}
    return _("%(duration)s left") % {"duration": format_duration(left)}


@register.filter
def duration(seconds) -> str:
    if isinstance(seconds, timedelta):
        seconds = seconds.total_seconds()
    return format_duration(float(seconds or 0))


@register.filter
def status_label(code: str) -> str:
    try:
        return Matter.Status(code).label
    except ValueError:
        return code or ""


@register.filter
def is_past(moment: datetime | None) -> bool:
    return bool(moment and moment < timezone.now())


# Badges drawn in every row of the lists: plain functions, not template includes, so that
# a page of 50 matters renders in a few milliseconds.


@register.simple_tag
def status_badge(matter: Matter) -> str:
    html = format_html('<span class="badge status-{}">{}</span>', matter.status, matter.get_status_display())
    if matter.supervised:
        html += format_html(' <span class="badge supervised">{}</span>', _("supervised"))
    return html


@register.simple_tag
def deadline_badge(matter: Matter) -> str:
    """The running deadline as a countdown: red when overdue, amber once the warning is due."""
    if not (matter.is_open and matter.due_at):
        return format_html('<span class="muted">{}</span>', "—")
    now = timezone.now()
    state = " overdue" if matter.due_at < now else (" near" if matter.warn_at and matter.warn_at <= now else "")
    title = date_format(timezone.localtime(matter.due_at), "DATETIME_FORMAT")
    return format_html('<span class="deadline{}" title="{}">{}</span>', state, title, countdown(matter.due_at))


@register.simple_tag
def urgency_badge(matter: Matter) -> str:
    css = " urgent" if matter.urgency == "urgent" else ""
    return format_html('<span class="badge{}">{}</span>', css, matter.get_urgency_display())
