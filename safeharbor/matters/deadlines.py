"""Deadlines of matters: the policy table plus the working-day calendar."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from safeharbor.core.models import Holiday
from safeharbor.lib import workdays
from safeharbor.lib.memo import memo
from safeharbor.matters.models import DeadlinePolicy, LimitUnit, Urgency

# 12345-style defaults, editable in the admin (DeadlinePolicy): (amount, unit) for accept,
# resolve and return. `normal` resolve/accept limits come from the matter's category.
DEFAULT_POLICIES = {
    Urgency.URGENT: ((1, LimitUnit.HOURS), (2, LimitUnit.HOURS), (1, LimitUnit.HOURS)),
    Urgency.UTILITY: ((2, LimitUnit.HOURS), (24, LimitUnit.HOURS), (2, LimitUnit.HOURS)),
    Urgency.NORMAL: ((1, LimitUnit.WORKDAYS), (5, LimitUnit.WORKDAYS), (1, LimitUnit.WORKDAYS)),
    Urgency.COMPLEX: ((1, LimitUnit.WORKDAYS), (15, LimitUnit.WORKDAYS), (1, LimitUnit.WORKDAYS)),
}

@memo(seconds=60, clear_on=(Holiday,))
def overrides() -> dict[date, bool]:
    """The administrators' holiday table, read once a minute per process (at once in the
    process where it was edited)."""
    return dict(Holiday.objects.values_list("date", "is_workday"))


def add_limit(start: datetime, amount: int, unit: str) -> datetime:
    start = timezone.localtime(start)
    if unit == LimitUnit.HOURS:
        return start + timedelta(hours=amount)
    return workdays.add_workdays(start, amount, overrides())


def _policy(urgency: str):
    row = DeadlinePolicy.objects.filter(urgency=urgency).first()
    if row:
        return (
            (row.accept_amount, row.accept_unit),
            (row.resolve_amount, row.resolve_unit),
            (row.return_amount, row.return_unit),
        )
    return DEFAULT_POLICIES[Urgency(urgency)]


def limits_for(matter):
    """(accept, resolve, return) limits as (amount, unit) for this matter."""
    accept, resolve, ret = _policy(matter.urgency)
    if matter.urgency == Urgency.NORMAL and matter.category_id:
        category = matter.category
        accept = (category.accept_days, LimitUnit.WORKDAYS)
        resolve = (category.resolve_days, LimitUnit.WORKDAYS)
    return accept, resolve, ret


def warn_time(start: datetime, due: datetime) -> datetime:
    """When to warn that a deadline is near: the last quarter of the span, at most
    SWEEP_WARN_HOURS before it."""
    span = due - start
    lead = min(span / 4, timedelta(hours=settings.SWEEP_WARN_HOURS))
    return due - lead


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.max.time().replace(microsecond=0)))


def is_workday(day: date) -> bool:
    return workdays.is_workday(day, overrides())
