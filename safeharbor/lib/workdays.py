"""Working days on the Chinese calendar: weekends, public holidays and adjusted working
days (调休).

Known years come from the maintained `chinese_calendar` package; years it does not know
yet (it raises NotImplementedError) fall back to Monday–Friday, and an override table
(date -> is working day) kept by administrators wins over both. Pure functions: the
caller passes the overrides.
"""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

import chinese_calendar

Overrides = Mapping[date, bool]

# When a matter arrives on a non-working day, its working-day clock starts here on the next
# working day.
WORKDAY_START = time(9, 0)


def is_workday(day: date, overrides: Overrides | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package has no data for yet
        return day.weekday() < 5


def known_by_library(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def next_workday(day: date, overrides: Overrides | None = None) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_workday(day, overrides):
        day += timedelta(days=1)
    return day


def add_workdays(start: datetime, days: int, overrides: Overrides | None = None) -> datetime:
    """`days` working days after `start`, at the same local time of day.

    Friday 15:00 + 1 → Monday 15:00; a start on a holiday counts from 09:00 on the next
    working day. `start` must be aware; the result is in the same time zone.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    if not is_workday(current.date(), overrides):
        first = next_workday(current.date(), overrides)
        current = current.replace(
            year=first.year, month=first.month, day=first.day,
            hour=WORKDAY_START.hour, minute=WORKDAY_START.minute, second=0, microsecond=0,
        )
    day = current.date()
    for _ in range(days):
        day = next_workday(day, overrides)
    return current.replace(year=day.year, month=day.month, day=day.day)


def workdays_between(start: date, end: date, overrides: Overrides | None = None) -> int:
    """Working days in (start, end]: how many working days have passed since `start`."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            count += 1
    return count
