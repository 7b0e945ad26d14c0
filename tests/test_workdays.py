"""Deadlines on the Chinese working-day calendar, as the unit sees them on a matter.

2026 (from chinese_calendar): Mid-Autumn Sep 25-27 off, National Day Oct 1-7 off,
Sunday Sep 20 and Saturday Oct 10 are adjusted working days (调休). 2027 is not in the
library yet: Monday-Friday, plus whatever the administrators put in the holiday table.
"""

from datetime import date, datetime

import pytest
from django.utils import timezone

from safeharbor.core.models import Holiday
from safeharbor.lib import workdays
from safeharbor.matters import actions, deadlines
from safeharbor.matters.models import DeadlinePolicy, Matter
from tests.factories import CategoryFactory, MatterFactory
from tests.tools import TZ, at


def local(value: datetime) -> str:
    return timezone.localtime(value, TZ).strftime("%Y-%m-%d %H:%M")


# --- the calendar itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-09-19", False),  # Saturday before the 调休 Sunday
        ("2026-09-20", True),  # Sunday, 调休 working day for National Day
        ("2026-09-25", False),  # Mid-Autumn Festival (a Friday)
        ("2026-09-30", True),
        ("2026-10-01", False),
        ("2026-10-05", False),  # a Monday inside the holiday
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday, 调休 working day
        ("2026-10-11", False),  # an ordinary Sunday
    ],
)
def test_is_workday_2026(day, working):
    assert workdays.known_by_library(date.fromisoformat(day))
    assert workdays.is_workday(date.fromisoformat(day)) is working


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ("2026-09-30 10:00", 0, "2026-09-30 10:00"),
        ("2026-09-30 10:00", 1, "2026-10-08 10:00"),  # the whole holiday is skipped
        ("2026-09-30 10:00", 2, "2026-10-09 10:00"),
        ("2026-09-30 10:00", 3, "2026-10-10 10:00"),  # the 调休 Saturday counts
        ("2026-09-30 10:00", 5, "2026-10-13 10:00"),  # Oct 8, 9, 10, 12, 13
        ("2026-10-09 16:30", 1, "2026-10-10 16:30"),  # Friday + 1 = the working Saturday
        ("2026-10-10 16:30", 1, "2026-10-12 16:30"),  # working Saturday + 1 = Monday
        ("2026-09-18 17:00", 1, "2026-09-20 17:00"),  # Friday + 1 = the working Sunday
        ("2026-09-24 11:00", 1, "2026-09-28 11:00"),  # over the Mid-Autumn Festival
        # Arriving on a non-working day: the clock starts at 09:00 on the next working day.
        ("2026-10-03 15:20", 0, "2026-10-08 09:00"),
        ("2026-10-03 15:20", 1, "2026-10-09 09:00"),
        ("2026-10-01 00:10", 5, "2026-10-14 09:00"),
        ("2026-10-11 20:00", 1, "2026-10-13 09:00"),  # an ordinary Sunday
        ("2026-09-19 10:00", 1, "2026-09-21 09:00"),  # Saturday → starts on the 调休 Sunday
    ],
)
def test_add_workdays_across_national_day(start, days, due):
    assert local(workdays.add_workdays(at(start), days)) == due


def test_add_workdays_keeps_the_time_zone_and_refuses_negative():
    due = workdays.add_workdays(at("2026-09-30 10:00"), 1)
    assert due.tzinfo is not None and due.utcoffset().total_seconds() == 8 * 3600
    with pytest.raises(ValueError):
        workdays.add_workdays(at("2026-09-30 10:00"), -1)


def test_next_workday():
    assert workdays.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert workdays.next_workday(date(2026, 10, 9)) == date(2026, 10, 10)
    assert workdays.next_workday(date(2026, 10, 10)) == date(2026, 10, 12)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-09-30", "2026-10-08", 1),
        ("2026-09-30", "2026-10-13", 5),
        ("2026-10-01", "2026-10-07", 0),  # all holiday
        ("2026-10-09", "2026-10-12", 2),  # the working Saturday and Monday
        ("2026-09-18", "2026-09-21", 2),  # the working Sunday and Monday
        ("2026-10-08", "2026-10-08", 0),
        ("2026-10-13", "2026-10-08", 0),  # backwards: nothing has passed
    ],
)
def test_workdays_between(start, end, count):
    assert workdays.workdays_between(date.fromisoformat(start), date.fromisoformat(end)) == count


def test_workdays_between_agrees_with_add_workdays():
    start = at("2026-09-14 09:30")
    for n in range(0, 30):
        due = workdays.add_workdays(start, n)
        assert workdays.workdays_between(start.date(), due.date()) == n


# --- years the library does not know: Monday-Friday plus the holiday table -----------------


def test_2027_falls_back_to_monday_to_friday():
    assert not workdays.known_by_library(date(2027, 1, 8))
    assert workdays.is_workday(date(2027, 1, 8))  # Friday
    assert not workdays.is_workday(date(2027, 1, 9))  # Saturday
    assert local(workdays.add_workdays(at("2027-01-08 15:00"), 1)) == "2027-01-11 15:00"
    assert local(workdays.add_workdays(at("2027-01-09 15:00"), 1)) == "2027-01-12 09:00"


def test_overrides_win_in_pure_functions():
    overrides = {date(2027, 1, 11): False, date(2027, 1, 9): True}
    assert not workdays.is_workday(date(2027, 1, 11), overrides)
    assert workdays.is_workday(date(2027, 1, 9), overrides)
    assert local(workdays.add_workdays(at("2027-01-08 15:00"), 1, overrides)) == "2027-01-09 15:00"
    assert local(workdays.add_workdays(at("2027-01-08 15:00"), 2, overrides)) == "2027-01-12 15:00"
    assert workdays.workdays_between(date(2027, 1, 8), date(2027, 1, 12), overrides) == 2


def test_holiday_table_wins_for_2027(db):
    Holiday.objects.create(date=date(2027, 1, 11), is_workday=False, name="本地节日")  # a Monday off
    Holiday.objects.create(date=date(2027, 1, 16), is_workday=True, name="调休上班")  # a Saturday on
    assert not deadlines.is_workday(date(2027, 1, 11))
    assert deadlines.is_workday(date(2027, 1, 16))
    # Friday + 1: Monday is off → Tuesday.
    assert local(deadlines.add_limit(at("2027-01-08 15:00"), 1, "workdays")) == "2027-01-12 15:00"
    # Friday + 1: the Saturday is a working day.
    assert local(deadlines.add_limit(at("2027-01-15 15:00"), 1, "workdays")) == "2027-01-16 15:00"
    # Arriving on the holiday Monday: starts Tuesday 09:00.
    assert local(deadlines.add_limit(at("2027-01-11 08:00"), 1, "workdays")) == "2027-01-13 09:00"


def test_holiday_table_wins_over_the_library(db):
    # The district gives Oct 8 off too (e.g. a local festival) and makes Oct 11 a working Sunday.
    Holiday.objects.create(date=date(2026, 10, 8), is_workday=False, name="区内放假")
    Holiday.objects.create(date=date(2026, 10, 11), is_workday=True, name="区内调休")
    assert local(deadlines.add_limit(at("2026-09-30 10:00"), 1, "workdays")) == "2026-10-09 10:00"
    assert local(deadlines.add_limit(at("2026-09-30 10:00"), 3, "workdays")) == "2026-10-11 10:00"


def test_a_new_holiday_row_applies_at_once(db):
    """An administrator adds a holiday: the next deadline computed in this process uses it,
    without waiting for the cache to expire."""
    assert local(deadlines.add_limit(at("2027-01-08 15:00"), 1, "workdays")) == "2027-01-11 15:00"
    row = Holiday.objects.create(date=date(2027, 1, 11), is_workday=False, name="临时放假")
    assert local(deadlines.add_limit(at("2027-01-08 15:00"), 1, "workdays")) == "2027-01-12 15:00"
    row.delete()
    assert local(deadlines.add_limit(at("2027-01-08 15:00"), 1, "workdays")) == "2027-01-11 15:00"


# --- deadlines of a real matter --------------------------------------------------------------


@pytest.fixture
def category(org):
    return CategoryFactory(code="city.road", name_zh="道路破损", domain=org.domain, default_unit=org.police,
                           accept_days=1, resolve_days=5)


def _dispatch(org, alice, **kwargs) -> Matter:
    matter = MatterFactory(actor=alice, area=org.grid, **kwargs)
    actions.dispatch_matter(matter, actor=alice, unit=org.police)
    matter.refresh_from_db()
    return matter


def test_matter_dispatched_before_national_day(org, alice, category, time_machine):
    time_machine.move_to(at("2026-09-30 10:00"))
    matter = _dispatch(org, alice, category=category)
    assert local(matter.accept_due_at) == "2026-10-08 10:00"  # 1 working day
    assert local(matter.return_due_at) == "2026-10-08 10:00"
    assert local(matter.resolve_due_at) == "2026-10-13 10:00"  # 5 working days
    assert matter.due_at == matter.accept_due_at


def test_matter_without_category_uses_the_policy_defaults(org, alice, time_machine):
    time_machine.move_to(at("2026-09-30 10:00"))
    normal = _dispatch(org, alice)
    assert local(normal.resolve_due_at) == "2026-10-13 10:00"  # general: 5 working days
    complex_ = _dispatch(org, alice, urgency="complex")
    # 15 working days: Oct 8, 9, 10, 12-16, 19-23, 26, 27.
    assert local(complex_.resolve_due_at) == "2026-10-27 10:00"
    assert workdays.workdays_between(date(2026, 9, 30), complex_.resolve_due_at.date()) == 15


def test_matter_arriving_on_a_holiday(org, alice, category, time_machine):
    time_machine.move_to(at("2026-10-03 15:20"))
    matter = _dispatch(org, alice, category=category)
    assert local(matter.accept_due_at) == "2026-10-09 09:00"
    assert local(matter.resolve_due_at) == "2026-10-14 09:00"  # from Oct 8 09:00: Oct 9, 10, 12, 13, 14


def test_matter_dispatched_on_the_working_saturday(org, alice, category, time_machine):
    time_machine.move_to(at("2026-10-10 11:00"))
    matter = _dispatch(org, alice, category=category)
    assert local(matter.accept_due_at) == "2026-10-12 11:00"  # Saturday counts as today, not as Monday
    assert local(matter.resolve_due_at) == "2026-10-16 11:00"


def test_matter_in_2027_with_holiday_rows(org, alice, category, time_machine):
    Holiday.objects.create(date=date(2027, 1, 11), is_workday=False, name="本地节日")
    Holiday.objects.create(date=date(2027, 1, 16), is_workday=True, name="调休上班")
    time_machine.move_to(at("2027-01-08 15:00"))
    matter = _dispatch(org, alice, category=category)
    assert local(matter.accept_due_at) == "2027-01-12 15:00"
    assert local(matter.resolve_due_at) == "2027-01-16 15:00"  # 12, 13, 14, 15, working Saturday 16


def test_urgent_hours_run_around_the_clock(org, alice, time_machine):
    time_machine.move_to(at("2026-10-01 23:00"))  # night of a public holiday
    matter = _dispatch(org, alice, urgency="urgent")
    assert local(matter.accept_due_at) == "2026-10-02 00:00"
    assert local(matter.resolve_due_at) == "2026-10-02 01:00"  # 2 hours, holiday or not
    utility = _dispatch(org, alice, urgency="utility")
    assert local(utility.resolve_due_at) == "2026-10-02 23:00"  # 24 hours


def test_urgent_limits_win_over_the_category(org, alice, category, time_machine):
    time_machine.move_to(at("2026-10-03 10:00"))
    matter = _dispatch(org, alice, category=category, urgency="urgent")
    assert local(matter.resolve_due_at) == "2026-10-03 12:00"


def test_policy_table_is_editable(org, alice, time_machine):
    # The defaults are rows of the policy table (seeded by a migration); the admin edits one.
    DeadlinePolicy.objects.update_or_create(urgency="complex", defaults={
        "accept_amount": 4, "accept_unit": "hours", "resolve_amount": 10, "resolve_unit": "workdays",
        "return_amount": 2, "return_unit": "hours",
    })
    time_machine.move_to(at("2026-09-30 10:00"))
    matter = _dispatch(org, alice, urgency="complex")
    assert local(matter.accept_due_at) == "2026-09-30 14:00"
    assert local(matter.return_due_at) == "2026-09-30 12:00"
    assert local(matter.resolve_due_at) == "2026-10-20 10:00"  # 10 working days


def test_end_of_day_deadline():
    assert local(deadlines.end_of_day(date(2026, 10, 9))) == "2026-10-09 23:59"
