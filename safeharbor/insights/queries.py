"""The figures of the matter engine: counts, rates, handling times, rankings, hotspots and
report cards. Every figure is limited to what the user may see: the rollups through
access.visible_rollups(user), the matters through access.visible_matters(user), so a
sub-district leader's numbers cover their sub-district only.

Pages read the incremental rollups (insights.rollups: sums per day/month/year × area ×
category × domain × unit × harbor × channel), not the matters table; only what changes with
the clock (still open, overdue now, open past the deadline) and supervision orders are read
from the matters, the open ones by index. The `direct_*` functions compute the same figures
straight from the matters (COUNT ... FILTER / GROUP BY): the reference the tests compare the
rollups with, and the baseline of bench/dashboard.py.

The formulas are written out for users on the "how figures are computed" page
(templates/insights/methods.html); keep the two in step.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.models import Area, Category, Domain, Harbor, Unit
from safeharbor.insights import periods, rollups
from safeharbor.insights.models import DIMENSIONS, HIST_DAYS
from safeharbor.insights.periods import Period
from safeharbor.insights.registry import SUBJECT_KINDS, Figure, Section, Subject, module_sections
from safeharbor.lib import workdays
from safeharbor.matters.models import FollowUp, Matter, Supervision

S = Matter.Status
SAT = Matter.Satisfaction
OPEN = list(Matter.OPEN_STATUSES)
BASIC_SATISFACTION_SCORE = 0.9  # 基本满意 counts 0.9 in the satisfaction rate (满意 1, 不满意 0)
REPEAT_PLACE_MIN = 3
# The figures shown large at the top of a dashboard.
HEADLINE = ("received", "overdue", "response_rate", "resolution_rate", "satisfaction_rate", "composite",
            "on_time_rate", "avg_handling_days", "p90_handling_days")


# --- what is counted ------------------------------------------------------------------------


@dataclass
class Dims:
    """Narrowing of the figures to one area subtree, category, domain, unit, harbor or channel.
    Each is looked up inside the user's scope; an unknown or out-of-scope id is ignored."""

    area: Area | None = None
    category: Category | None = None
    domain: Domain | None = None
    unit: Unit | None = None
    harbor: Harbor | None = None
    source: str = ""

    @classmethod
    def from_params(cls, user, params) -> "Dims":
        def pick(queryset, value, key="pk"):
            value = (value or "").strip()
            if not value or (key == "pk" and not value.isdigit()):
                return None
            return queryset.filter(**{key: value}).first()

        source = (params.get("source") or "").strip()
        return cls(
            area=pick(access.visible_areas(user), params.get("area")),
            category=pick(access.visible_categories(user), params.get("category"), "code"),
            domain=pick(Domain.objects.all(), params.get("domain"), "code"),
            unit=pick(access.visible_units(user), params.get("unit")),
            harbor=pick(access.visible_harbors(user), params.get("harbor")),
            source=source if source in Matter.Source.values else "",
        )

    @classmethod
    def for_subject(cls, subject: Subject) -> "Dims":
        return cls(**{subject.kind: subject.obj})

    def apply(self, matters: QuerySet) -> QuerySet:
        if self.area is not None:
            matters = matters.filter(area_path__startswith=self.area.path)
        if self.category is not None:
            matters = matters.filter(category_id=self.category.pk)
        if self.domain is not None:
            matters = matters.filter(domain_id=self.domain.pk)
        if self.unit is not None:
            matters = matters.filter(unit_id=self.unit.pk)
        if self.harbor is not None:
            matters = matters.filter(harbor_id=self.harbor.pk)
        if self.source:
            matters = matters.filter(source=self.source)
        return matters

    def params(self) -> dict[str, str]:
        values = {
            "area": self.area.pk if self.area else "",
            "category": self.category.code if self.category else "",
            "domain": self.domain.code if self.domain else "",
            "unit": self.unit.pk if self.unit else "",
            "harbor": self.harbor.pk if self.harbor else "",
            "source": self.source,
        }
        return {k: str(v) for k, v in values.items() if v != ""}

    def replace(self, **changes) -> "Dims":
        return Dims(**{**self.__dict__, **changes})


def counted_matters(user, period: Period, dims: Dims | None = None) -> QuerySet:
    """The matters a figure counts: visible to the user, received in the period, narrowed
    by dims; merged duplicates left out (the main matter counts the incident once)."""
    matters = access.visible_matters(user).filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    matters = matters.exclude(status=S.MERGED)
    return (dims or Dims()).apply(matters)


def _latest_follow_up(field_name: str) -> Subquery:
    return Subquery(FollowUp.objects.filter(matter=OuterRef("pk")).order_by("-at", "-pk").values(field_name)[:1])


# Each figure's condition, used both to count (COUNT ... FILTER) and to list the matters
# behind the number (the drill-through page). `now` matters for "overdue".
FOLLOWED = ~Q(satisfaction="")
# 响应率: of the matters with a valid follow-up, those the unit accepted within the time limit.
ACCEPTED_ON_TIME = Q(accepted_at__isnull=False, accept_late=False)


def figure_conditions(now) -> dict[str, Q]:
    return {
        "received": Q(),
        "rejected": Q(status=S.REJECTED),
        "open": Q(status__in=OPEN),
        "overdue": Q(status__in=OPEN, due_at__lt=now),
        "late_open": Q(status__in=OPEN, resolve_due_at__lt=now),
        "accepted": Q(accepted_at__isnull=False),
        "accepted_on_time": Q(accepted_at__isnull=False, accept_late=False),
        "accepted_late": Q(accepted_at__isnull=False, accept_late=True),
        "resolved": Q(resolved_at__isnull=False),
        "resolved_on_time": Q(resolved_at__isnull=False, resolve_late=False),
        "resolved_late": Q(resolved_at__isnull=False, resolve_late=True),
        "followed_up": FOLLOWED,
        "responded": FOLLOWED & ACCEPTED_ON_TIME,
        "not_responded": FOLLOWED & ~ACCEPTED_ON_TIME,
        "contacted": FOLLOWED & Q(fu_contacted=True),
        "not_contacted": FOLLOWED & Q(fu_contacted=False),
        "solved": FOLLOWED & Q(fu_solved=True),
        "not_solved": FOLLOWED & Q(fu_solved=False),
        "satisfied": Q(satisfaction=SAT.SATISFIED),
        "basic": Q(satisfaction=SAT.BASIC),
        "unsatisfied": Q(satisfaction=SAT.UNSATISFIED),
        "reopened": Q(reopen_count__gt=0),
        "supervised": Q(supervised=True),
    }


FOLLOW_UP_FIGURES = {"contacted", "not_contacted", "solved", "not_solved"}


def with_follow_up(matters: QuerySet) -> QuerySet:
    """Annotate the latest follow-up's answers (was the reporter contacted, is it solved)."""
    return matters.annotate(fu_contacted=_latest_follow_up("contacted"), fu_solved=_latest_follow_up("solved"))


def count_figures(matters: QuerySet, *, now=None) -> dict[str, int]:
    """Every count figure of these matters in one aggregate query."""
    now = now or timezone.now()
    conditions = figure_conditions(now)
    matters = with_follow_up(matters).order_by()
    aggregates = {
        key: Count("pk", filter=condition) if condition else Count("pk") for key, condition in conditions.items()
    }
    return matters.aggregate(**aggregates)


def rate(part: int | float, whole: int | float) -> float | None:
    """A percentage 0-100, None when there is nothing to divide by."""
    return 100.0 * part / whole if whole else None


@dataclass(frozen=True)
class Weights:
    response: float = 0.1
    resolution: float = 0.5
    satisfaction: float = 0.4


def composite(resp: float | None, res: float | None, sat: float | None, weights: Weights) -> float | None:
    if resp is None or res is None or sat is None:
        return None
    return weights.response * resp + weights.resolution * res + weights.satisfaction * sat


def rates(counts: dict[str, int], weights: Weights | None = None) -> dict[str, float | None]:
    """The rates from the counts (each in percent; None when the denominator is zero). The
    three rates of the composite index share one denominator, the matters with a valid
    follow-up: response rate (accepted within the time limit), resolution rate (solved, says
    the reporter), satisfaction rate (满意 1, 基本满意 0.9)."""
    followed = counts["followed_up"]
    satisfaction_points = counts["satisfied"] + BASIC_SATISFACTION_SCORE * counts["basic"]
    result = {
        "response_rate": rate(counts["responded"], followed),
        "resolution_rate": rate(counts["solved"], followed),
        "satisfaction_rate": rate(satisfaction_points, followed),
        "contact_rate": rate(counts["contacted"], followed),
        "on_time_rate": rate(counts["resolved_on_time"], counts["resolved"] + counts["late_open"]),
        "reopen_rate": rate(counts["reopened"], followed),
        "follow_up_rate": rate(followed, counts["resolved"]),
    }
    result["composite"] = composite(result["response_rate"], result["resolution_rate"], result["satisfaction_rate"],
                                    weights or current_weights())
    return result


def current_weights() -> Weights:
    from safeharbor.insights.models import RankingWeights

    row = RankingWeights.objects.filter(pk=1).first()
    if row is None:
        return Weights()
    return Weights(row.response, row.resolution, row.satisfaction)


# --- handling time in working days ---------------------------------------------------------


class WorkdayCalendar:
    """Working days between two dates by one lookup each: an ordinal per date, built once
    for the span asked about (holidays and 调休 from the administrators' table included)."""

    def __init__(self):
        from safeharbor.matters.deadlines import overrides

        self.overrides = overrides()
        self.ordinals: dict[date, int] = {}
        self.first: date | None = None

    def _extend(self, start: date, end: date) -> None:
        if self.first is not None and start >= self.first and end in self.ordinals:
            return
        first = min(start, self.first or start)
        last = max(end, max(self.ordinals) if self.ordinals else end)
        self.ordinals, count, day = {}, 0, first
        while day <= last:
            if workdays.is_workday(day, self.overrides):
                count += 1
            self.ordinals[day] = count
            day += timedelta(days=1)
        self.first = first

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end], like lib.workdays.workdays_between."""
        if end <= start:
            return 0
        self._extend(start, end)
        return self.ordinals[end] - self.ordinals[start]


def handling_days(matters: QuerySet) -> list[int]:
    """Working days from receipt to resolution of each resolved matter, sorted."""
    pairs = list(matters.filter(resolved_at__isnull=False).order_by().values_list("created_at", "resolved_at"))
    if not pairs:
        return []
    tz = timezone.get_current_timezone()
    dates = [(c.astimezone(tz).date(), r.astimezone(tz).date()) for c, r in pairs]
    calendar = WorkdayCalendar()
    calendar._extend(min(c for c, _r in dates), max(r for _c, r in dates))
    return sorted(calendar.between(c, r) for c, r in dates)


def percentile(sorted_values: list[int | float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below it."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return float(sorted_values[rank - 1])


def mean(values: list[int | float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


# --- the figures of a scope ------------------------------------------------------------------


@dataclass
class MatterFigures:
    counts: dict[str, int]
    rates: dict[str, float | None]
    avg_days: float | None
    p90_days: float | None
    supervision_orders: int

    def as_dict(self) -> dict:
        return {**self.counts, **self.rates, "avg_handling_days": self.avg_days,
                "p90_handling_days": self.p90_days, "supervision_orders": self.supervision_orders}


def _supervision_orders(matters: QuerySet, period: Period | None = None) -> int:
    """Distinct supervision orders about these matters. Read from the (small) table of the
    orders' matters, not by scanning the period's matters: an order about a matter received
    in the period was issued after its start; those orders' matters are then looked up by
    primary key among `matters`."""
    links = Supervision.matters.through.objects.all()
    if period is not None:
        links = links.filter(supervision__issued_at__gte=period.start_at)
    pairs = list(links.values_list("matter_id", "supervision_id"))
    candidates = sorted({matter_id for matter_id, _order in pairs})
    counted: set[int] = set()
    for first in range(0, len(candidates), 2000):
        counted.update(matters.filter(pk__in=candidates[first:first + 2000]).order_by().values_list("pk", flat=True))
    return len({order for matter_id, order in pairs if matter_id in counted})


def direct_matter_figures(user, period: Period, dims: Dims | None = None, *, now=None) -> MatterFigures:
    """The figures straight from the matters table (the reference for the rollups)."""
    matters = counted_matters(user, period, dims)
    counts = count_figures(matters, now=now)
    days = handling_days(matters)
    return MatterFigures(counts, rates(counts), mean(days), percentile(days, 90), _supervision_orders(matters))


# --- reading the rollups -----------------------------------------------------------------------

ROLLUP_COUNTS = ("received", "rejected", "accepted", "accepted_on_time", "resolved", "resolved_on_time",
                 "followed_up", "responded", "contacted", "solved", "satisfied", "basic", "unsatisfied", "reopened",
                 "supervised")


def coarse_enough(user, dims: Dims | None, key=None) -> bool:
    """Whether the coarse rollup rows (without harbor and channel) give the same sums: no
    harbor or channel filter, no grouping by them, and a scope that does not go by harbor."""
    dims = dims or Dims()
    if dims.harbor is not None or dims.source or key in ("harbor_id", "source"):
        return False
    return not access.scope_for(user).matter_harbor_ids


def rollup_rows(user, period: Period, dims: Dims | None = None, *, years: bool = True,
                coarse: bool = False) -> QuerySet:
    """The rollup rows (in the user's scope, narrowed by dims) covering the period; the
    coarse ones (see coarse_enough) with coarse=True."""
    rollups.ensure_fresh()
    rows = access.visible_rollups(user).filter(rollups.period_q(period.start, period.end, years=years,
                                                                coarse=coarse))
    return (dims or Dims()).apply(rows).order_by()


def co_unit_rows(user, period: Period, dims: Dims | None = None) -> dict[tuple, list[int]]:
    """The matters a user sees only as a co-unit, computed directly into rollup-shaped rows
    (they are in nobody's rollup rows of that user's scope)."""
    matters = access.visible_co_unit_only_matters(user)
    matters = matters.filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    return rollups.compute_rows((dims or Dims()).apply(matters))


def _key_of(key, dims_key: tuple):
    """The group of a row key (day, *DIMENSIONS) for `key` as in sum_rollups."""
    if key is None:
        return None
    if isinstance(key, tuple):  # ("prefix", length) of the area path
        return dims_key[1][:key[1]]
    return dims_key[1 + DIMENSIONS.index(key)]


def sum_rollups(user, period: Period, dims: Dims | None, fields, key=None, *, filter_: Q | None = None,
                years: bool = True) -> dict:
    """{group: {field: sum}} of the rollups plus the co-unit-only matters. key: None (one
    total, group None), a column of DIMENSIONS, or ("prefix", n) for area paths cut at n."""
    rows = rollup_rows(user, period, dims, years=years, coarse=coarse_enough(user, dims, key))
    if filter_ is not None:
        rows = rows.filter(filter_)
    sums = {f"s_{name}": Sum(name) for name in fields}
    if key is None:
        totals = rows.aggregate(**sums)
        result = {None: {name: totals[f"s_{name}"] or 0 for name in fields}}
    else:
        rows = rows.annotate(k=Substr("area_path", 1, key[1]) if isinstance(key, tuple) else F(key))
        result = {row["k"]: {name: row[f"s_{name}"] or 0 for name in fields}
                  for row in rows.values("k").annotate(**sums)}
    for row_key, values in co_unit_rows(user, period, dims).items():
        if filter_ is not None and key == "unit_id" and row_key[1 + DIMENSIONS.index("unit_id")] is None:
            continue
        group = result.setdefault(_key_of(key, row_key), {name: 0 for name in fields})
        for name in fields:
            group[name] += values[rollups.IDX[name]]
    return result


def _live_counts(user, period: Period, dims: Dims | None, now) -> dict[str, int]:
    """What changes with the clock, from the open matters only (indexed by status)."""
    matters = counted_matters(user, period, dims).filter(status__in=OPEN).order_by()
    return matters.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)),
                             late_open=Count("pk", filter=Q(resolve_due_at__lt=now)))


def _p90_from_histogram(user, period: Period, dims: Dims | None, totals: dict) -> float | None:
    """Nearest-rank 90th percentile from the per-working-day histogram; when it falls beyond
    HIST_DAYS, the matters that took longer are read (only those) to find it exactly."""
    resolved = totals["resolved"]
    if not resolved:
        return None
    rank = max(1, math.ceil(0.9 * resolved))
    below = 0
    for days in range(HIST_DAYS + 1):
        below += totals[f"h{days}"]
        if below >= rank:
            return float(days)
    longer = counted_matters(user, period, dims).filter(
        resolved_at__gt=F("created_at") + timedelta(days=HIST_DAYS))
    tail = [days for days in handling_days(longer) if days > HIST_DAYS]
    if not tail:
        return None
    return float(tail[min(rank - below, len(tail)) - 1])


def matter_figures(user, period: Period, dims: Dims | None = None, *, now=None) -> MatterFigures:
    """Every matter figure of a scope and period, from the rollups (see module docstring)."""
    now = now or timezone.now()
    fields = ROLLUP_COUNTS + ("handling_days",) + rollups.HIST
    totals = sum_rollups(user, period, dims, fields)[None]
    c = {name: totals[name] for name in ROLLUP_COUNTS}
    c.update(_live_counts(user, period, dims, now))
    c["accepted_late"] = c["accepted"] - c["accepted_on_time"]
    c["resolved_late"] = c["resolved"] - c["resolved_on_time"]
    c["not_responded"] = c["followed_up"] - c["responded"]
    c["not_contacted"] = c["followed_up"] - c["contacted"]
    c["not_solved"] = c["followed_up"] - c["solved"]
    counts = {key: c[key] for key in figure_conditions(now)}
    avg = round(totals["handling_days"] / c["resolved"], 2) if c["resolved"] else None
    p90 = _p90_from_histogram(user, period, dims, totals)
    orders = _supervision_orders(counted_matters(user, period, dims), period)
    return MatterFigures(counts, rates(counts), avg, p90, orders)


def drill_url(figure: str, period: Period, dims: Dims | None = None, **extra) -> str:
    params = {"figure": figure, **period.params(), **(dims or Dims()).params(), **extra}
    return f"{reverse('insights:matters')}?{urlencode(params)}"


def figure_list(figures: MatterFigures, period: Period, dims: Dims | None = None) -> list[Figure]:
    """The matter figures as they appear on dashboards and report cards, in order."""
    c, r = figures.counts, figures.rates

    def link(key):
        return drill_url(key, period, dims)

    return [
        Figure("received", _("Matters received"), c["received"], url=link("received")),
        Figure("open", _("Still open"), c["open"], url=link("open")),
        Figure("overdue", _("Overdue now"), c["overdue"], url=link("overdue")),
        Figure("resolved", _("Resolved"), c["resolved"], url=link("resolved")),
        Figure("followed_up", _("With a valid follow-up"), c["followed_up"], url=link("followed_up")),
        Figure("response_rate", _("Response rate"), r["response_rate"], "percent", url=link("not_responded"),
               note=_("accepted within the time limit, of the matters with a valid follow-up")),
        Figure("resolution_rate", _("Resolution rate"), r["resolution_rate"], "percent", url=link("not_solved"),
               note=_("reporters who say the problem is solved")),
        Figure("satisfaction_rate", _("Satisfaction rate"), r["satisfaction_rate"], "percent",
               url=link("unsatisfied"), note=_("satisfied 1, basically satisfied 0.9")),
        Figure("composite", _("Composite index"), r["composite"], "score", url=link("followed_up")),
        Figure("contact_rate", _("Reporter says they were contacted"), r["contact_rate"], "percent",
               url=link("not_contacted"), note=_("asked at the follow-up; not part of the composite index")),
        Figure("accepted_late", _("Accepted late"), c["accepted_late"], url=link("accepted_late")),
        Figure("on_time_rate", _("On-time resolution rate"), r["on_time_rate"], "percent",
               url=link("resolved_late")),
        Figure("avg_handling_days", _("Average handling time"), figures.avg_days, "days", url=link("resolved")),
        Figure("p90_handling_days", _("90th-percentile handling time"), figures.p90_days, "days",
               url=link("resolved")),
        Figure("reopen_rate", _("Reopen rate"), r["reopen_rate"], "percent", url=link("reopened")),
        Figure("reopened", _("Reopened"), c["reopened"], url=link("reopened")),
        Figure("rejected", _("Rejected as not actionable"), c["rejected"], url=link("rejected")),
        Figure("supervision_orders", _("Supervision orders"), figures.supervision_orders, url=link("supervised")),
    ]


# --- breakdowns ------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    count: int
    url: str = ""
    extra: dict = field(default_factory=dict)


def _names(model, ids) -> dict:
    return {obj.pk: str(obj) for obj in model.objects.filter(pk__in=[i for i in ids if i is not None])}


BREAKDOWN_COLUMNS = {"source": "source", "category": "category_id", "domain": "domain_id", "unit": "unit_id",
                     "harbor": "harbor_id"}
BREAKDOWN_DIMENSIONS = ("source", "category", "domain", "area", "unit", "harbor")


def breakdown(user, period: Period, dims: Dims, dimension: str, *, direct: bool = False) -> list[Row]:
    """Matters received by channel, category, domain, unit, harbor or area (children of the
    focus area), largest first; each row links to the matters behind it."""
    if not direct:
        return breakdowns(user, period, dims, (dimension,))[dimension]
    if dimension == "area":
        return area_breakdown(user, period, dims, direct=True)
    column = BREAKDOWN_COLUMNS[dimension]
    matters = counted_matters(user, period, dims).order_by()
    counted = {row[column]: row["n"] for row in matters.values(column).annotate(n=Count("pk"))}
    return _breakdown_rows(period, dims, dimension, counted)


def breakdowns(user, period: Period, dims: Dims, dimensions=BREAKDOWN_DIMENSIONS) -> dict[str, list[Row]]:
    """Several breakdowns from ONE grouped read of the rollups: the rows of the period summed
    per (channel, category, domain, unit, harbor, child of the focus area), a few thousand
    groups at most, then added up per dimension here."""
    columns = [BREAKDOWN_COLUMNS[d] for d in dimensions if d != "area"]
    children, length = [], 0
    if "area" in dimensions:
        focus = focus_area(user, dims)
        if focus is not None:
            children = list(Area.objects.filter(path__startswith=focus.path, depth=focus.depth + 1).order_by("path"))
        length = len(children[0].path) if children else 0
    rows = rollup_rows(user, period, dims)
    group = list(columns)
    if length:
        rows = rows.annotate(prefix=Substr("area_path", 1, length))
        group.append("prefix")
    counted: dict[str, dict] = {d: {} for d in dimensions}

    def add(values: dict, n: int) -> None:
        for dimension in dimensions:
            key = values.get("prefix") if dimension == "area" else values[BREAKDOWN_COLUMNS[dimension]]
            if dimension == "area" and key is None:
                continue
            bucket = counted[dimension]
            bucket[key] = bucket.get(key, 0) + n

    if group:
        for values in rows.values(*group).annotate(n=Sum("received")):
            add(values, values["n"] or 0)
    for row_key, values in co_unit_rows(user, period, dims).items():
        record = {column: row_key[1 + DIMENSIONS.index(column)] for column in columns}
        if length:
            record["prefix"] = row_key[1][:length]
        add(record, values[0])
    result = {}
    for dimension in dimensions:
        if dimension == "area":
            result["area"] = sorted(
                (Row(str(child.pk), child.name, counted["area"].get(child.path, 0),
                     drill_url("received", period, dims.replace(area=child))) for child in children),
                key=lambda row: -row.count)
        else:
            result[dimension] = _breakdown_rows(period, dims, dimension, counted[dimension])
    return result


def _breakdown_rows(period: Period, dims: Dims, dimension: str, counted: dict) -> list[Row]:
    column = BREAKDOWN_COLUMNS[dimension]
    grouped = [{column: k, "n": n} for k, n in sorted(counted.items(), key=lambda kv: (-kv[1], str(kv[0]))) if n]
    keys = [row[column] for row in grouped if row[column] is not None]
    if dimension == "source":
        labels = {value: (str(label), value) for value, label in Matter.Source.choices}
    else:
        model = {"category": Category, "domain": Domain, "unit": Unit, "harbor": Harbor}[dimension]
        by_code = dimension in ("category", "domain")
        labels = {obj.pk: (str(obj), obj.code if by_code else str(obj.pk)) for obj in model.objects.filter(pk__in=keys)}
    rows = []
    for row in grouped:
        key = row[column]
        if key is None:
            rows.append(Row("", _("(none)"), row["n"]))
            continue
        label, param = labels.get(key, (str(key), str(key)))
        rows.append(Row(str(key), label, row["n"], drill_url("received", period, dims, **{dimension: param})))
    return rows


def focus_area(user, dims: Dims) -> Area | None:
    """The area whose children a breakdown or map shows: the chosen one, else the user's
    one assigned area, else the top of the tree."""
    if dims.area is not None:
        return dims.area
    scope = access.scope_for(user)
    if len(scope.area_paths) == 1:
        return Area.objects.filter(path=scope.area_paths[0]).first()
    return Area.objects.get_root_nodes().first()


def _group_by_prefix(matters: QuerySet, length: int, **aggregates) -> dict[str, dict]:
    rows = matters.order_by().annotate(prefix=Substr("area_path", 1, length)).values("prefix").annotate(**aggregates)
    return {row["prefix"]: row for row in rows}


def _received_by_prefix(user, period: Period, dims: Dims, length: int, *, direct: bool = False) -> dict[str, int]:
    if direct:
        return {k: v["n"] for k, v in _group_by_prefix(counted_matters(user, period, dims), length,
                                                        n=Count("pk")).items()}
    return {k: v["received"] for k, v in sum_rollups(user, period, dims, ("received",), ("prefix", length)).items()}


def area_breakdown(user, period: Period, dims: Dims, *, direct: bool = False) -> list[Row]:
    focus = focus_area(user, dims)
    if focus is None:
        return []
    children = list(Area.objects.filter(path__startswith=focus.path, depth=focus.depth + 1).order_by("path"))
    if not children:
        return []
    counts = _received_by_prefix(user, period, dims, len(children[0].path), direct=direct)
    rows = [
        Row(str(child.pk), child.name, counts.get(child.path, 0),
            drill_url("received", period, dims.replace(area=child)))
        for child in children
    ]
    return sorted(rows, key=lambda row: -row.count)


def monthly_trend(user, dims: Dims, *, months: int = 12, today: date | None = None,
                  direct: bool = False) -> list[Row]:
    """Matters received in each of the last `months` months, in one aggregate query."""
    today = today or timezone.localdate()
    starts = [today.replace(day=1)]
    for _i in range(months - 1):
        starts.insert(0, periods.previous_month(starts[0]))
    month_periods = [periods.month(start) for start in starts]
    if not direct:
        whole = Period(month_periods[0].start, month_periods[-1].end)
        filters = {p.key: Q(day__gte=p.start, day__lte=p.end) for p in month_periods}
        totals = rollup_rows(user, whole, dims, years=False, coarse=coarse_enough(user, dims)).aggregate(
            **{f"m{i}": Sum("received", filter=filters[p.key]) for i, p in enumerate(month_periods)})
        counts = {f"m{i}": totals[f"m{i}"] or 0 for i in range(len(month_periods))}
        for key, values in co_unit_rows(user, whole, dims).items():
            for i, p in enumerate(month_periods):
                if p.start <= key[0] <= p.end:
                    counts[f"m{i}"] += values[0]
        return [Row(p.key, p.key, counts[f"m{i}"], drill_url("received", p, dims))
                for i, p in enumerate(month_periods)]
    matters = dims.apply(
        access.visible_matters(user).filter(created_at__gte=month_periods[0].start_at,
                                            created_at__lt=month_periods[-1].end_at).exclude(status=S.MERGED)
    ).order_by()
    counts = matters.aggregate(**{
        f"m{i}": Count("pk", filter=Q(created_at__gte=p.start_at, created_at__lt=p.end_at))
        for i, p in enumerate(month_periods)
    })
    return [Row(p.key, p.key, counts[f"m{i}"], drill_url("received", p, dims)) for i, p in enumerate(month_periods)]


# --- rankings ------------------------------------------------------------------------------


@dataclass
class RankRow:
    key: str
    label: str
    received: int
    followed_up: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    composite: float | None
    rank: int | None = None
    previous_rank: int | None = None
    previous_composite: float | None = None
    url: str = ""

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous month (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def composite_change(self) -> float | None:
        if self.composite is None or self.previous_composite is None:
            return None
        return self.composite - self.previous_composite


def _rank_aggregates() -> dict:
    return {
        "received": Count("pk"),
        "followed_up": Count("pk", filter=FOLLOWED),
        "responded": Count("pk", filter=FOLLOWED & ACCEPTED_ON_TIME),
        "solved": Count("pk", filter=FOLLOWED & Q(fu_solved=True)),
        "satisfied": Count("pk", filter=Q(satisfaction=SAT.SATISFIED)),
        "basic": Count("pk", filter=Q(satisfaction=SAT.BASIC)),
    }


def _rank_row(key, label, counts: dict | None, weights: Weights, url: str) -> RankRow:
    counts = counts or dict.fromkeys(RANK_FIELDS, 0)
    followed = counts["followed_up"]
    resp = rate(counts["responded"], followed)
    res = rate(counts["solved"], followed)
    sat = rate(counts["satisfied"] + BASIC_SATISFACTION_SCORE * counts["basic"], followed)
    return RankRow(str(key), label, counts["received"], followed, resp, res, sat, composite(resp, res, sat, weights),
                   url=url)


def _assign_ranks(rows: list[RankRow]) -> list[RankRow]:
    """Highest composite first; equal composites share a rank; rows without a valid
    follow-up come last, unranked."""
    ranked = sorted((r for r in rows if r.composite is not None), key=lambda r: (-r.composite, r.label))
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row.composite != previous:
            rank, previous = position, row.composite
        row.rank = rank
    rest = sorted((r for r in rows if r.composite is None), key=lambda r: r.label)
    return ranked + rest


RANK_FIELDS = ("received", "followed_up", "responded", "solved", "satisfied", "basic")


def _area_ranking(user, period: Period, weights: Weights, direct: bool = False) -> list[RankRow]:
    levels = [Area.Level.SUBDISTRICT, Area.Level.TOWN]
    in_scope = set(access.visible_areas(user).filter(level__in=levels).values_list("pk", flat=True))
    areas = list(Area.objects.filter(level__in=levels).order_by("path"))
    counts: dict[str, dict] = {}
    for length in sorted({len(a.path) for a in areas}):
        if direct:
            counts.update(_group_by_prefix(with_follow_up(counted_matters(user, period)), length,
                                           **_rank_aggregates()))
        else:
            counts.update(sum_rollups(user, period, None, RANK_FIELDS, ("prefix", length)))
    rows = []
    for area in areas:
        if area.pk not in in_scope and area.path not in counts:
            continue
        url = drill_url("followed_up", period, Dims(area=area))
        rows.append(_rank_row(area.pk, area.name, counts.get(area.path), weights, url))
    return rows


def _unit_ranking(user, period: Period, weights: Weights, direct: bool = False) -> list[RankRow]:
    if direct:
        matters = with_follow_up(counted_matters(user, period)).filter(unit__isnull=False).order_by()
        grouped = {row["unit_id"]: row for row in matters.values("unit_id").annotate(**_rank_aggregates())}
    else:
        grouped = sum_rollups(user, period, None, RANK_FIELDS, "unit_id", filter_=Q(unit_id__isnull=False))
    names = _names(Unit, grouped)
    return [
        _rank_row(unit_id, names.get(unit_id, str(unit_id)), counts, weights,
                  drill_url("followed_up", period, Dims(unit=Unit(pk=unit_id))))
        for unit_id, counts in grouped.items()
    ]


def ranking(user, period: Period, kind: str = "area", *, weights: Weights | None = None,
            direct: bool = False) -> list[RankRow]:
    """Sub-districts/towns (kind "area") or member units (kind "unit") by the composite
    index, with their rank and composite of the previous period to compare."""
    weights = weights or current_weights()
    build = _area_ranking if kind == "area" else _unit_ranking
    rows = _assign_ranks(build(user, period, weights, direct))
    before = {row.key: row for row in _assign_ranks(build(user, period.previous(), weights, direct))}
    for row in rows:
        old = before.get(row.key)
        if old is not None:
            row.previous_rank, row.previous_composite = old.rank, old.composite
    return rows


# --- hotspots --------------------------------------------------------------------------------


def hotspot_map(user, period: Period, dims: Dims) -> dict:
    """A GeoJSON FeatureCollection of the grids under the focus area, each with the number of
    matters received in it, plus the outlines of the focus area's children for orientation."""
    focus = focus_area(user, dims)
    if focus is None:
        return {"type": "FeatureCollection", "features": [], "unplaced": 0, "total": 0, "max": 0}
    grids = list(Area.objects.filter(path__startswith=focus.path, level=Area.Level.GRID,
                                     geometry__isnull=False).order_by("path"))
    narrowed = dims.replace(area=focus)
    counts: dict[str, int] = {}
    for length in sorted({len(g.path) for g in grids}):
        counts.update(_received_by_prefix(user, period, narrowed, length))
    total = sum_rollups(user, period, narrowed, ("received",))[None]["received"]
    features = []
    for grid in grids:
        n = counts.get(grid.path, 0)
        features.append({
            "type": "Feature", "geometry": grid.geometry,
            "properties": {"kind": "grid", "id": grid.pk, "name": grid.name, "count": n,
                           "url": drill_url("received", period, dims.replace(area=grid))},
        })
    outlines = Area.objects.filter(path__startswith=focus.path, depth=focus.depth + 1, geometry__isnull=False)
    if focus.geometry:
        outlines = [focus, *outlines]
    for area in outlines:
        features.append({"type": "Feature", "geometry": area.geometry,
                         "properties": {"kind": "outline", "id": area.pk, "name": area.name}})
    placed = sum(counts.get(g.path, 0) for g in grids)
    return {"type": "FeatureCollection", "features": features, "total": total, "unplaced": total - placed,
            "max": max((counts.get(g.path, 0) for g in grids), default=0), "focus": focus.name}


def grid_ranking(geojson: dict, limit: int = 10) -> list[dict]:
    grids = [f["properties"] for f in geojson["features"] if f["properties"]["kind"] == "grid"]
    return sorted(grids, key=lambda g: -g["count"])[:limit]


# "团结路12号" / "团结小区3号楼2单元" → "团结路" / "团结小区": the place without the building.
_BUILDING = re.compile(r"\s*[0-9０-９一二三四五六七八九十]+\s*(号楼|号院|号|栋|幢|单元|楼|室|层).*$")


def place_key(address: str) -> str:
    key = _BUILDING.sub("", (address or "").strip())
    return key.strip(" ，,、-")


@dataclass
class RepeatPlace:
    place: str
    count: int
    addresses: list[str]
    categories: list[str]
    url: str


def repeat_places(user, period: Period, dims: Dims, *, minimum: int = REPEAT_PLACE_MIN,
                  limit: int = 50) -> list[RepeatPlace]:
    """Places (a compound, a road: the address without building and room) reported again and
    again in the period, most reported first."""
    matters = counted_matters(user, period, dims).exclude(address="").order_by()
    grouped = matters.values("address", "category_id").annotate(n=Count("pk"))
    places: dict[str, dict] = {}
    for row in grouped:
        key = place_key(row["address"])
        if len(key) < 2:
            continue
        place = places.setdefault(key, {"count": 0, "addresses": {}, "categories": {}})
        place["count"] += row["n"]
        place["addresses"][row["address"]] = place["addresses"].get(row["address"], 0) + row["n"]
        if row["category_id"]:
            place["categories"][row["category_id"]] = place["categories"].get(row["category_id"], 0) + row["n"]
    names = _names(Category, {c for p in places.values() for c in p["categories"]})
    result = []
    for key, place in places.items():
        if place["count"] < minimum:
            continue
        top = sorted(place["categories"].items(), key=lambda kv: -kv[1])[:3]
        result.append(RepeatPlace(
            key, place["count"], sorted(place["addresses"], key=lambda a: -place["addresses"][a])[:5],
            [f"{names.get(c, c)} {n}" for c, n in top], drill_url("received", period, dims, q=key),
        ))
    return sorted(result, key=lambda p: (-p.count, p.place))[:limit]


# --- drill-through ---------------------------------------------------------------------------


FIGURE_LABELS = {
    "received": _("received"), "open": _("still open"), "overdue": _("overdue now"),
    "late_open": _("open past the resolution deadline"), "rejected": _("rejected"),
    "accepted": _("accepted"), "accepted_on_time": _("accepted within the time limit"),
    "accepted_late": _("accepted late"), "resolved": _("resolved"),
    "resolved_on_time": _("resolved on time"), "resolved_late": _("resolved late"),
    "followed_up": _("with a valid follow-up"),
    "responded": _("followed up, accepted within the time limit"),
    "not_responded": _("followed up, not accepted within the time limit"), "contacted": _("reporter contacted"),
    "not_contacted": _("reporter not contacted"), "solved": _("solved, says the reporter"),
    "not_solved": _("not solved, says the reporter"), "satisfied": _("satisfied"),
    "basic": _("basically satisfied"), "unsatisfied": _("not satisfied"), "reopened": _("reopened"),
    "supervised": _("under supervision"),
}


def figure_matters(user, figure: str, period: Period, dims: Dims, *, q: str = "", now=None) -> QuerySet:
    """The matters behind one number of a dashboard (the same condition that counted them)."""
    now = now or timezone.now()
    conditions = figure_conditions(now)
    matters = counted_matters(user, period, dims)
    if figure in FOLLOW_UP_FIGURES:
        matters = with_follow_up(matters)
    matters = matters.filter(conditions.get(figure, Q()))
    if q:
        matters = matters.filter(address__contains=q)
    return matters.select_related("category", "unit", "area").order_by("-created_at")


# --- report cards ---------------------------------------------------------------------------


def get_subject(user, kind: str, pk: int) -> Subject:
    """The subject of a report card, if the user may see it (404 otherwise)."""
    from django.http import Http404

    if kind not in SUBJECT_KINDS:
        raise Http404
    return Subject(kind, access.get_visible_or_404(access.visible_report_subjects(user, kind), pk=pk))


def subject_choices(user) -> dict[str, list]:
    """What a user can draw a report card for, per kind."""
    areas = access.visible_report_subjects(user, "area").exclude(level__in=[Area.Level.GRID, Area.Level.COMPOUND])
    return {
        "area": list(areas.order_by("path")),
        "harbor": list(access.visible_report_subjects(user, "harbor").order_by("name")),
        "unit": list(access.visible_report_subjects(user, "unit").order_by("sort_order", "code")),
        "domain": list(access.visible_report_subjects(user, "domain")),
    }


@dataclass
class ReportCard:
    subject: Subject
    period: Period
    figures: MatterFigures
    sections: list[Section]
    generated_at: object


def matter_section(user, period: Period, subject: Subject) -> list[Figure]:
    dims = Dims.for_subject(subject)
    return figure_list(matter_figures(user, period, dims), period, dims)


def report_card(user, period: Period, subject: Subject) -> ReportCard:
    dims = Dims.for_subject(subject)
    figures = matter_figures(user, period, dims)
    sections = [Section("matters", _("Matters (接诉即办)"), figure_list(figures, period, dims))]
    sections += module_sections(user, period, subject)
    return ReportCard(subject, period, figures, sections, timezone.now())


# --- a person's own figures (home page) -------------------------------------------------------


def my_figures(user, *, now=None) -> list[Figure]:
    """A unit handler's (or anyone's) own figures for the last 30 days: what is overdue now,
    how satisfied the reporters were."""
    period = periods.last_days(30)
    dims = Dims(unit=user.unit) if user.unit_id else Dims()
    figures = matter_figures(user, period, dims, now=now)
    keep = {"received", "overdue", "satisfaction_rate", "on_time_rate", "avg_handling_days"}
    return [f for f in figure_list(figures, period, dims) if f.key in keep]


def home_figures(user, *, now=None) -> dict | None:
    """The figures a person's home page shows: a unit's staff their unit's (my overdue, my
    satisfaction), everyone else those of their scope (a sub-district leader their
    sub-district, the administrator the district); None for someone assigned to nothing."""
    scope = access.scope_for(user)
    if scope is access.NOTHING:
        return None
    period = periods.last_days(30)
    if user.unit_id:
        title = _("My unit: %(unit)s (last 30 days)") % {"unit": user.unit}
        figures = my_figures(user, now=now)
    else:
        title = _("My figures (last 30 days)")
        keep = {"received", "overdue", "satisfaction_rate", "composite", "on_time_rate"}
        figures = [f for f in figure_list(matter_figures(user, period, now=now), period) if f.key in keep]
    return {"title": title, "figures": figures}
