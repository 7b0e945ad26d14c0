"""Periods of the figures: a month, a year, the last 30 days, or any range of dates.

Every figure of a period counts the matters *received* in it (created_at in
[start 00:00, end + 1 day 00:00) Asia/Shanghai), whatever happened to them later.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

MAX_DAYS = 366 * 6


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    key: str = ""  # what the period selector shows: "2026-05", "2026", "last30", "" for a custom range

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """Exclusive end: the first moment after the period."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def label(self) -> str:
        if len(self.key) == 7:
            return _("%(year)s-%(month)s") % {"year": self.start.year, "month": f"{self.start.month:02d}"}
        if len(self.key) == 4:
            return _("year %(year)s") % {"year": self.start.year}
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def params(self) -> dict[str, str]:
        """GET parameters that select this period again (for links)."""
        if self.key and self.key != "last30":
            return {"period": self.key}
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}

    def previous(self) -> "Period":
        if len(self.key) == 7:
            return month(previous_month(self.start))
        if len(self.key) == 4:
            return year(self.start.year - 1)
        days = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=days), self.start - timedelta(days=1))


def month(day: date) -> Period:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period(first, nxt - timedelta(days=1), f"{first:%Y-%m}")


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def year(value: int) -> Period:
    return Period(date(value, 1, 1), date(value, 12, 31), f"{value:04d}")


def last_days(days: int, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today - timedelta(days=days - 1), today, "last30" if days == 30 else "")


def from_params(params, *, default: str = "last30", today: date | None = None) -> Period:
    """Read ?period=YYYY-MM | YYYY | last30, or ?date_from=&date_to=; bad input falls back to
    the default, never an error."""
    today = today or timezone.localdate()
    raw = (params.get("month") or params.get("period") or "").strip()
    start_raw, end_raw = (params.get("date_from") or "").strip(), (params.get("date_to") or "").strip()
    if not raw and (start_raw or end_raw):
        try:
            start = date.fromisoformat(start_raw) if start_raw else None
            end = date.fromisoformat(end_raw) if end_raw else today
        except ValueError:
            start = end = None
        if start and end and start <= end and (end - start).days <= MAX_DAYS:
            return Period(start, end)
    raw = raw or default
    try:
        if len(raw) == 7:
            return month(date.fromisoformat(raw + "-01"))
        if len(raw) == 4 and raw.isdigit():
            return year(int(raw))
    except ValueError:
        pass
    if raw == "month":
        return month(today)
    if raw == "year":
        return year(today.year)
    return last_days(30, today)
