"""Incremental rollups of the matter figures: what the dashboards, rankings and report cards
read instead of scanning the matters table.

Every figure counts the matters *received* in a period, so each matter belongs to exactly one
day: the local date (Asia/Shanghai) of its created_at. For each day there are Rollup rows per
area × category × domain × unit × harbor × channel with the counters of the matters received
that day as they stand now (accepted, resolved, followed up, reopened...) and a histogram of
their handling times. Month and year rows hold the sums of their days, so a period is read as
its whole years + whole months + remaining days (see `period_q`).

Keeping them right:

- every matter event (matters.hooks) marks the matter's day pending (`mark_matter`), inside
  the transaction of the change: a late follow-up, a reopening, a merge, a change of category
  or unit re-marks the day the matter was received, however long ago;
- `refresh_pending` recomputes each pending day from the matters (a day is ~a thousand
  matters, a few tens of ms) and applies the difference to its month and year rows; the worker
  runs it periodically (insights.tasks) and pages run it first for a handful of pending days,
  so figures are current right after an action;
- `rebuild(since)` recomputes everything from a date (`safeharbor manage rebuild_rollups`),
  for bulk imports that bypass the events, moved area paths, or changed holiday tables.

What is not in the rollups because it changes with the clock, not with events: "still open",
"overdue now" and "open past the resolution deadline" (read from the open matters only, by
index), and supervision orders (distinct orders over several matters cannot be summed).

Coarse rows: the same sums again per day/month/year × area × category × domain × unit, without
harbor and channel (grains "D", "M", "Y"; harbor_id NULL, source ""), several times fewer rows.
Readers use them whenever no harbor or channel is filtered or grouped by and the user's scope
does not go by harbor (insights.queries.coarse_enough); they are kept in step by the same
deltas and rebuilt from the fine day rows.

Rebuild: the day rows are computed in the database by one INSERT ... SELECT ... GROUP BY
(`_days_in_database`, working days from a temporary calendar table) on PostgreSQL, and on
SQLite when the time zone has one UTC offset over the years rebuilt; otherwise in Python a
month at a time (`compute_rows`, which the incremental refresh always uses). The
tests compare a rebuild with the incrementally kept rows on both databases.

Percentile: the histogram has one exact column per working day 0..HIST_DAYS; a 90th percentile
beyond that is found exactly by reading the few matters that took longer (`p90`).
"""

import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from safeharbor.insights.models import (
    COUNTERS,
    DIMENSIONS,
    HIST,
    HIST_DAYS,
    Rollup,
    RollupPending,
    RollupState,
)
from safeharbor.matters.models import FollowUp, Matter

FIELDS = COUNTERS + HIST
IDX = {name: i for i, name in enumerate(FIELDS)}
G = Rollup.Grain
COARSE = {G.DAY: G.COARSE_DAY, G.MONTH: G.COARSE_MONTH, G.YEAR: G.COARSE_YEAR}
HARBOR, SOURCE = DIMENSIONS.index("harbor_id"), DIMENSIONS.index("source")


def coarse_key(key: tuple) -> tuple:
    """The coarse row a fine row (*DIMENSIONS) adds into: no harbor, no channel."""
    key = list(key)
    key[HARBOR], key[SOURCE] = None, ""
    return tuple(key)


def coarse_deltas(deltas: dict[tuple, list[int]]) -> dict[tuple, list[int]]:
    result: dict[tuple, list[int]] = {}
    for key, delta in deltas.items():
        into = result.setdefault(coarse_key(key), [0] * len(FIELDS))
        for i, value in enumerate(delta):
            into[i] += value
    return {key: delta for key, delta in result.items() if any(delta)}
S = Matter.Status
SAT = Matter.Satisfaction


def _inline_limit() -> int:
    return getattr(settings, "INSIGHTS_INLINE_REFRESH_DAYS", 5)


def local_day(moment: datetime) -> date:
    return moment.astimezone(timezone.get_current_timezone()).date()


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


# --- marking ---------------------------------------------------------------------------------


def mark_days(days) -> None:
    """Mark days pending (upsert: a new token each time, so a refresh in flight keeps them).

    One plain statement: it runs inside the transaction of every matter change, where on
    SQLite every other writer waits, and the ORM's bulk upsert costs several times as much."""
    ops = connection.ops
    marked_at = ops.adapt_datetimefield_value(timezone.now())
    rows = [(ops.adapt_datefield_value(day), uuid.uuid4().hex, marked_at) for day in set(days)]
    if rows:
        table = ops.quote_name(RollupPending._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (day, token, marked_at) VALUES (%s, %s, %s) ON CONFLICT (day)"
                " DO UPDATE SET token = excluded.token, marked_at = excluded.marked_at",
                rows,
            )


def on_matter_event(event) -> None:
    """matters.hooks: any event may change a figure of the day the matter was received."""
    mark_days([local_day(event.matter.created_at)])


# --- computing the rows of matters -------------------------------------------------------------


class Calendar:
    """Working days between local dates by one lookup: an ordinal per date (holidays and 调休
    of the administrators' table included, like lib.workdays.workdays_between), grown a year
    at a time as dates outside it come up."""

    def __init__(self):
        from safeharbor.matters.deadlines import overrides

        self.overrides = overrides()
        self.ordinals: dict[date, int] = {}
        self.first = self.last = None

    def _cover(self, start: date, end: date) -> None:
        from safeharbor.lib import workdays

        first = min(start, self.first or start) - timedelta(days=31)
        last = max(end, self.last or end) + timedelta(days=366)
        self.ordinals, count, day = {}, 0, first
        while day <= last:
            count += workdays.is_workday(day, self.overrides)
            self.ordinals[day] = count
            day += timedelta(days=1)
        self.first, self.last = first, last

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        if end <= start:
            return 0
        if start not in self.ordinals or end not in self.ordinals:
            self._cover(start, end)
        return self.ordinals[end] - self.ordinals[start]


def compute_rows(matters: QuerySet, calendar: Calendar | None = None) -> dict[tuple, list[int]]:
    """The day rows of these matters: {(day, *DIMENSIONS): counters}, merged ones left out.
    Reads the matters' columns (dates already local, from the database) and their follow-ups
    (the latest answer counts); no per-matter query."""
    calendar = calendar or Calendar()
    tz = timezone.get_current_timezone()
    matters = matters.exclude(status=S.MERGED).order_by().annotate(
        received_on=TruncDate("created_at", tzinfo=tz), resolved_on=TruncDate("resolved_at", tzinfo=tz),
        was_accepted=ExpressionWrapper(Q(accepted_at__isnull=False), output_field=BooleanField()),
    )
    columns = ("pk", "received_on", *DIMENSIONS, "status", "was_accepted", "accept_late", "resolved_on",
               "resolve_late", "satisfaction", "reopen_count", "supervised")
    records = list(matters.values_list(*columns))
    if not records:
        return {}
    latest = {}
    followed = [record[0] for record in records if record[13]]
    for first in range(0, len(followed), 5000):
        follow_ups = FollowUp.objects.filter(matter_id__in=followed[first:first + 5000]).order_by("matter_id", "at",
                                                                                                   "pk")
        for matter_id, contacted, solved in follow_ups.values_list("matter_id", "contacted", "solved"):
            latest[matter_id] = (contacted, solved)
    rows: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(FIELDS))
    handling, hist0, responded = IDX["handling_days"], IDX["h0"], IDX["responded"]
    for (pk, created, area_path, category_id, domain_id, unit_id, harbor_id, source, status, accepted,
         accept_late, resolved_on, resolve_late, satisfaction, reopen_count, supervised) in records:
        row = rows[(created, area_path, category_id, domain_id, unit_id, harbor_id, source)]
        row[0] += 1  # received
        if status == S.REJECTED:
            row[1] += 1
        if accepted:
            row[2] += 1
            row[3] += not accept_late
        if resolved_on is not None:
            row[4] += 1
            row[5] += not resolve_late
            days = calendar.between(created, resolved_on)
            row[handling] += days
            if days <= HIST_DAYS:
                row[hist0 + days] += 1
        if satisfaction:
            row[6] += 1
            row[responded] += bool(accepted and not accept_late)
            contacted, solved = latest.get(pk, (False, False))
            row[7] += bool(contacted)
            row[8] += bool(solved)
            row[9] += satisfaction == SAT.SATISFIED
            row[10] += satisfaction == SAT.BASIC
            row[11] += satisfaction == SAT.UNSATISFIED
        if reopen_count:
            row[12] += 1
        if supervised:
            row[13] += 1
    return dict(rows)


def matters_received(first: date, last: date) -> QuerySet:
    """All matters received from day `first` to day `last` (inclusive)."""
    return Matter.objects.filter(created_at__gte=day_start(first), created_at__lt=day_start(last + timedelta(days=1)))


# --- writing ------------------------------------------------------------------------------------


def _lock_state(*, wait: bool = True) -> RollupState | None:
    """Lock the one state row (every rollup writer does); None when busy and not waiting."""
    RollupState.objects.get_or_create(pk=1)
    try:
        with transaction.atomic():  # a savepoint: a refused lock must not spoil the transaction
            return RollupState.objects.select_for_update(nowait=not wait).get(pk=1)
    except DatabaseError:  # "could not obtain lock" (PostgreSQL; SQLite serializes writers anyway)
        if wait:
            raise
        return None


def _row_object(grain: str, day: date, key: tuple, values: list[int]) -> Rollup:
    row = Rollup(grain=grain, day=day, **dict(zip(DIMENSIONS, key, strict=True)))
    for name, value in zip(FIELDS, values, strict=True):
        setattr(row, name, value)
    return row


def _existing(grain: str, day: date) -> dict[tuple, tuple[int, list[int]]]:
    return {
        tuple(values[1:1 + len(DIMENSIONS)]): (values[0], list(values[1 + len(DIMENSIONS):]))
        for values in Rollup.objects.filter(grain=grain, day=day).values_list("pk", *DIMENSIONS, *FIELDS)
    }


def _apply_delta(grain: str, day: date, deltas: dict[tuple, list[int]]) -> None:
    """Add per-key differences to the month or year rows (creating/removing rows as needed)."""
    if not deltas:
        return
    existing = _existing(grain, day)
    # A changed row is replaced (deleted and inserted again): two statements for any number of
    # rows, where bulk_update would build a CASE expression per row and field (~40x slower).
    create, delete = [], []
    for key, delta in deltas.items():
        if key in existing:
            pk, values = existing[key]
            values = [a + b for a, b in zip(values, delta, strict=True)]
            delete.append(pk)
            if values[0] > 0:
                create.append(_row_object(grain, day, key, values))
        elif delta[0] > 0:
            create.append(_row_object(grain, day, key, delta))
    for first in range(0, len(delete), 500):  # no relations or signals: one DELETE per batch
        Rollup.objects.filter(pk__in=delete[first:first + 500]).delete()
    Rollup.objects.bulk_create(create, batch_size=500)


def refresh_day(day: date, calendar: Calendar | None = None) -> int:
    """Recompute one day from the matters and carry the change into its month and year rows;
    returns the number of rows that changed. Call with the state row locked."""
    new = {key[1:]: values for key, values in compute_rows(matters_received(day, day), calendar).items()}
    old = _existing(G.DAY, day)
    deltas: dict[tuple, list[int]] = {}
    for key in set(new) | set(old):
        after = new.get(key, [0] * len(FIELDS))
        before = old[key][1] if key in old else [0] * len(FIELDS)
        if after != before:
            deltas[key] = [a - b for a, b in zip(after, before, strict=True)]
    if not deltas:
        return 0
    coarse = coarse_deltas(deltas)
    for grain, first in ((G.DAY, day), (G.MONTH, month_start(day)), (G.YEAR, date(day.year, 1, 1))):
        _apply_delta(grain, first, deltas)
        _apply_delta(COARSE[grain], first, coarse)
    return len(deltas)


def refresh_pending(*, limit: int | None = None, wait: bool = True) -> int:
    """Bring the pending days up to date (oldest marks first); returns how many were done.
    With wait=False, gives up at once when another writer holds the rollups."""
    pending = list(RollupPending.objects.order_by("marked_at").values_list("day", "token")[:limit])
    if not pending:
        return 0
    calendar = Calendar()
    done = 0
    for day, token in pending:
        with transaction.atomic():
            state = _lock_state(wait=wait)
            if state is None:
                return done
            refresh_day(day, calendar)
            # Only if nobody marked it again meanwhile (their change may not be in what we read).
            RollupPending.objects.filter(day=day, token=token).delete()
            state.refreshed_at = timezone.now()
            state.save(update_fields=["refreshed_at"])
        done += 1
    return done


def ensure_fresh() -> int:
    """Before a page reads the rollups: catch up on a few pending days at once (the worker
    does the rest); returns how many days are still waiting."""
    limit = _inline_limit()
    if limit and RollupPending.objects.exists():
        refresh_pending(limit=limit, wait=False)
    return pending_count()


def pending_count() -> int:
    return RollupPending.objects.count()


def _insert_days(rows: dict[tuple, list[int]]) -> None:
    """Write day rows {(day, *DIMENSIONS): counters}: COPY on PostgreSQL, bulk inserts elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        columns = ["grain", "day", *DIMENSIONS, *FIELDS]
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {Rollup._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                for key, values in rows.items():
                    copy.write_row((G.DAY, *key, *values))
        return
    Rollup.objects.bulk_create([_row_object(G.DAY, key[0], key[1:], values) for key, values in rows.items()],
                               batch_size=2000)


def _insert_sums(grain: str, source_grain: str, first: date, after: date | None = None, *,
                 day: date | None = None, coarse: bool = False) -> None:
    """Rows of `grain` as the sums of the `source_grain` rows from `first` (to `after`), in one
    INSERT ... SELECT ... GROUP BY: each on `day` when given (a month's or a year's rows), else
    per day (coarse day rows); `coarse` drops the harbor and the channel."""
    table = Rollup._meta.db_table
    kept = [d for d in DIMENSIONS if not (coarse and d in ("harbor_id", "source"))]
    dims, sums = ", ".join(kept), ", ".join(f"SUM({name})" for name in FIELDS)
    dropped = ", harbor_id, source" if coarse else ""
    select_dropped = ", NULL, ''" if coarse else ""
    where, params = "grain = %s AND day >= %s", [source_grain, first]
    if after is not None:
        where, params = where + " AND day < %s", [*params, after]
    group = dims if day is not None else f"day, {dims}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (grain, day, {dims}{dropped}, {', '.join(FIELDS)}) "
            f"SELECT %s, {'%s' if day is not None else 'day'}, {dims}{select_dropped}, {sums} FROM {table} "
            f"WHERE {where} GROUP BY {group}",
            [grain, *([day] if day is not None else []), *params],
        )


def _sum_into(grain: str, first: date, after: date, source_grain: str) -> None:
    """Rows of `grain` for [first, after) as the sums of the `source_grain` rows."""
    _insert_sums(grain, source_grain, first, after, day=first)


def _coarse_days(first: date) -> None:
    """Coarse day rows from `first` as the sums of the fine day rows (one statement)."""
    _insert_sums(G.COARSE_DAY, G.DAY, first, coarse=True)


def _fixed_offset_minutes(first: date, last: date) -> int | None:
    """The current time zone's UTC offset in minutes if it was the same all through
    [first, last] (Asia/Shanghai since 1992), else None (a daylight-saving zone)."""
    tz = timezone.get_current_timezone()
    offsets = {tz.utcoffset(datetime(year, month, 1, 12)) for year in range(first.year, last.year + 1)
               for month in range(1, 13)}
    return int(offsets.pop().total_seconds() // 60) if len(offsets) == 1 else None


def _days_in_database(first: date, last: date, calendar: Calendar) -> int:
    """The day rows of the matters received from `first` to `last`, computed and written by
    one INSERT ... SELECT ... GROUP BY, the same counts as compute_rows (the tests compare a
    rebuild with the rows kept up by compute_rows). Working days come from a temporary table
    of the calendar's ordinals. PostgreSQL converts to local dates with AT TIME ZONE; SQLite
    with the zone's fixed offset (the caller checks there is one). Returns the rows written."""
    from safeharbor.matters.models import Matter

    calendar.between(first - timedelta(days=1), max(last, timezone.localdate()) + timedelta(days=1))
    table, matters, follow_ups = Rollup._meta.db_table, Matter._meta.db_table, FollowUp._meta.db_table
    postgres = connection.vendor == "postgresql"
    params = {"grain": G.DAY, "start": day_start(first), "end": day_start(last + timedelta(days=1)),
              "merged": S.MERGED, "rejected": S.REJECTED, "satisfied": SAT.SATISFIED, "basic": SAT.BASIC,
              "unsatisfied": SAT.UNSATISFIED}
    latest = f"FROM {follow_ups} f WHERE f.matter_id = x.id ORDER BY f.at DESC, f.id DESC LIMIT 1"
    if postgres:
        params["tz"] = timezone.get_current_timezone_name()

        def local_date(column):
            return f"({column} AT TIME ZONE %(tz)s)::date"

        fu_contacted, fu_solved = "fu.contacted", "fu.solved"
        extra_columns = ""
        lateral = f"""LEFT JOIN LATERAL (
                SELECT f.contacted, f.solved FROM {follow_ups} f WHERE f.matter_id = m.id AND m.satisfaction <> ''
                ORDER BY f.at DESC, f.id DESC LIMIT 1
            ) fu ON true"""
        greatest = "GREATEST"
    else:  # SQLite: the latest follow-up by correlated subqueries, only for followed-up matters
        params["offset"] = f"{_fixed_offset_minutes(first, last):+d} minutes"
        params["start"] = connection.ops.adapt_datetimefield_value(params["start"])
        params["end"] = connection.ops.adapt_datetimefield_value(params["end"])

        def local_date(column):
            return f"date({column}, %(offset)s)"

        fu_contacted, fu_solved = "m.fu_contacted", "m.fu_solved"
        extra_columns = (f", CASE WHEN x.satisfaction <> '' THEN (SELECT f.contacted {latest}) END AS fu_contacted"
                         f", CASE WHEN x.satisfaction <> '' THEN (SELECT f.solved {latest}) END AS fu_solved")
        lateral = ""
        greatest = "MAX"
    followed = "m.satisfaction <> ''"
    on_time = "m.accepted_at IS NOT NULL AND NOT m.accept_late"
    resolved = "m.resolved_at IS NOT NULL"
    counts = {
        "received": "COUNT(*)",
        "rejected": "COUNT(*) FILTER (WHERE m.status = %(rejected)s)",
        "accepted": "COUNT(*) FILTER (WHERE m.accepted_at IS NOT NULL)",
        "accepted_on_time": f"COUNT(*) FILTER (WHERE {on_time})",
        "resolved": f"COUNT(*) FILTER (WHERE {resolved})",
        "resolved_on_time": f"COUNT(*) FILTER (WHERE {resolved} AND NOT m.resolve_late)",
        "followed_up": f"COUNT(*) FILTER (WHERE {followed})",
        "contacted": f"COUNT(*) FILTER (WHERE {followed} AND {fu_contacted})",
        "solved": f"COUNT(*) FILTER (WHERE {followed} AND {fu_solved})",
        "satisfied": "COUNT(*) FILTER (WHERE m.satisfaction = %(satisfied)s)",
        "basic": "COUNT(*) FILTER (WHERE m.satisfaction = %(basic)s)",
        "unsatisfied": "COUNT(*) FILTER (WHERE m.satisfaction = %(unsatisfied)s)",
        "reopened": "COUNT(*) FILTER (WHERE m.reopen_count > 0)",
        "supervised": "COUNT(*) FILTER (WHERE m.supervised)",
        "handling_days": f"COALESCE(SUM(m.days) FILTER (WHERE {resolved}), 0)",
        "responded": f"COUNT(*) FILTER (WHERE {followed} AND {on_time})",
        **{f"h{i}": f"COUNT(*) FILTER (WHERE {resolved} AND m.days = {i})" for i in range(HIST_DAYS + 1)},
    }
    assert list(counts) == list(FIELDS)
    dims = ", ".join(f"m.{name}" for name in DIMENSIONS)
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("CREATE TEMPORARY TABLE insights_calendar (day date PRIMARY KEY, n integer) "
                           "ON COMMIT DROP")
            with cursor.cursor.copy("COPY insights_calendar (day, n) FROM STDIN") as copy:
                for day, n in calendar.ordinals.items():
                    copy.write_row((day, n))
        else:
            cursor.execute("CREATE TEMPORARY TABLE insights_calendar (day text PRIMARY KEY, n integer)")
            cursor.executemany("INSERT INTO insights_calendar (day, n) VALUES (%s, %s)",
                               [(day.isoformat(), n) for day, n in calendar.ordinals.items()])
        cursor.execute(
            f"""INSERT INTO {table} (grain, day, {', '.join(DIMENSIONS)}, {', '.join(FIELDS)})
            SELECT %(grain)s, m.received_on, {dims}, {', '.join(counts.values())}
            FROM (
                SELECT x.*, {local_date("x.created_at")} AS received_on,
                       {greatest}(cr.n - cc.n, 0) AS days{extra_columns}
                FROM {matters} x
                LEFT JOIN insights_calendar cc ON cc.day = {local_date("x.created_at")}
                LEFT JOIN insights_calendar cr ON cr.day = {local_date("x.resolved_at")}
                WHERE x.created_at >= %(start)s AND x.created_at < %(end)s AND x.status <> %(merged)s
            ) m
            {lateral}
            GROUP BY m.received_on, {dims}""",
            params,
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE insights_calendar")
    return written


def rebuild(since: date | None = None, *, stdout=None) -> dict:
    """Recompute every rollup from `since` (default: the first matter) from the matters.
    Day rows from `since`, month rows from its month, year rows from its year."""
    first_matter = Matter.objects.order_by("created_at").values_list("created_at", flat=True).first()
    today = timezone.localdate()
    if since is None:
        since = local_day(first_matter) if first_matter else today
    pending = dict(RollupPending.objects.filter(day__gte=since).values_list("day", "token"))
    calendar = Calendar()
    counts = {"days": 0, "months": 0, "years": 0, "matters": 0}
    with transaction.atomic():
        state = _lock_state()
        month0, year0 = month_start(since), date(since.year, 1, 1)
        Rollup.objects.filter(grain__in=[G.DAY, G.COARSE_DAY], day__gte=since).delete()
        Rollup.objects.filter(grain__in=[G.MONTH, G.COARSE_MONTH], day__gte=month0).delete()
        Rollup.objects.filter(grain__in=[G.YEAR, G.COARSE_YEAR], day__gte=year0).delete()
        last = max(today, local_day(Matter.objects.order_by("-created_at").values_list("created_at", flat=True)
                                    .first() or timezone.now()))
        in_database = connection.vendor == "postgresql" or (
            connection.vendor == "sqlite" and _fixed_offset_minutes(since, last) is not None)
        chunk = since
        while chunk <= last and not in_database:  # in Python, a month of matters at a time
            end = min(next_month(chunk) - timedelta(days=1), last)
            rows = compute_rows(matters_received(chunk, end), calendar)
            _insert_days(rows)
            counts["days"] += len(rows)
            counts["matters"] += sum(values[0] for values in rows.values())
            if stdout:
                stdout.write(f"{chunk:%Y-%m}: {len(rows)} day rows\n")
            chunk = end + timedelta(days=1)
        if in_database:  # all of it in the database, in one statement
            counts["days"] = _days_in_database(since, last, calendar)
            counts["matters"] = Rollup.objects.filter(grain=G.DAY, day__gte=since).aggregate(
                n=Sum("received"))["n"] or 0
            if stdout:
                stdout.write(f"{since} – {last}: {counts['days']} day rows\n")
        _coarse_days(since)
        month = month0
        while month <= last:
            _sum_into(G.MONTH, month, next_month(month), G.DAY)
            _sum_into(G.COARSE_MONTH, month, next_month(month), G.COARSE_DAY)
            month = next_month(month)
        for year in range(year0.year, last.year + 1):
            _sum_into(G.YEAR, date(year, 1, 1), date(year + 1, 1, 1), G.MONTH)
            _sum_into(G.COARSE_YEAR, date(year, 1, 1), date(year + 1, 1, 1), G.COARSE_MONTH)
        for day, token in pending.items():
            RollupPending.objects.filter(day=day, token=token).delete()
        state.rebuilt_at = state.refreshed_at = timezone.now()
        state.save(update_fields=["rebuilt_at", "refreshed_at"])
    counts["months"] = Rollup.objects.filter(grain=G.MONTH, day__gte=month0).count()
    counts["years"] = Rollup.objects.filter(grain=G.YEAR, day__gte=year0).count()
    return counts


# --- reading -----------------------------------------------------------------------------------


def period_parts(start: date, end: date, *, years: bool = True) -> list[tuple[str, date, date]]:
    """[start, end] as whole years, whole months and day ranges: [(grain, first, last)]."""
    parts: list[tuple[str, date, date]] = []
    day = start
    while day <= end:
        if years and day.month == 1 and day.day == 1 and date(day.year, 12, 31) <= end:
            parts.append((G.YEAR, day, date(day.year, 12, 31)))
            day = date(day.year + 1, 1, 1)
        elif day.day == 1 and next_month(day) - timedelta(days=1) <= end:
            parts.append((G.MONTH, day, next_month(day) - timedelta(days=1)))
            day = next_month(day)
        else:
            last = min(end, next_month(day) - timedelta(days=1))
            if parts and parts[-1][0] == G.DAY and parts[-1][2] == day - timedelta(days=1):
                parts[-1] = (G.DAY, parts[-1][1], last)
            else:
                parts.append((G.DAY, day, last))
            day = last + timedelta(days=1)
    return parts


def period_q(start: date, end: date, *, years: bool = True, coarse: bool = False) -> Q:
    """The rollup rows that together cover the matters received from start to end (the
    coarse ones, without harbor and channel, with coarse=True)."""
    by_grain: dict[str, list] = defaultdict(list)
    ranges = []
    for grain, first, last in period_parts(start, end, years=years):
        if grain == G.DAY:
            ranges.append(Q(grain=COARSE[grain] if coarse else grain, day__gte=first, day__lte=last))
        else:
            by_grain[COARSE[grain] if coarse else grain].append(first)
    condition = Q(pk__in=[])
    for grain, days in by_grain.items():
        condition |= Q(grain=grain, day__in=days)
    for part in ranges:
        condition |= part
    return condition
