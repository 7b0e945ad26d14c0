"""Reads of the mediation app: case lists (high risk first) and the statistics that feed the
justice bureau's monthly people's-mediation report and the report cards."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Case as When_
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from safeharbor.core import access
from safeharbor.core.models import Area
from safeharbor.mediation.models import Agreement, Case, Committee

RISK_ORDER = When_(
    When(risk_level=Case.Risk.HIGH, then=Value(0)), When(risk_level=Case.Risk.MEDIUM, then=Value(1)),
    default=Value(2), output_field=IntegerField(),
)
OPEN_FIRST = When_(When(status__in=Case.OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField())


def case_list(user, *, status: str = "", kind: str = "", committee: str = "", risk: str = "", q: str = "") -> QuerySet:
    """The user's cases: open before concluded, high risk first, newest first."""
    cases = access.visible_mediation_cases(user).select_related("committee", "area", "matter")
    if status == "open":
        cases = cases.filter(status__in=Case.OPEN_STATUSES)
    elif status:
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    if committee:
        cases = cases.filter(committee_id=committee if str(committee).isdigit() else None)
    if risk:
        cases = cases.filter(risk_level=risk)
    if q:
        cases = cases.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(matter__tracking_code__iexact=q))
    return cases.annotate(open_first=OPEN_FIRST, risk_order=RISK_ORDER).order_by(
        "open_first", "risk_order", "-created_at")


def follow_ups_due(user, today: date | None = None) -> QuerySet:
    """Agreements whose performance deadline has come and that nobody has visited yet."""
    today = today or timezone.localdate()
    return (access.visible_mediation_cases(user)
            .filter(status=Case.Status.AGREED, performance="", agreement__performance_deadline__lte=today)
            .select_related("agreement", "committee"))


# --- statistics ---------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    registered: int = 0
    mediated: int = 0  # concluded by mediation: agreement or no agreement
    succeeded: int = 0
    written: int = 0
    oral: int = 0
    performed: int = 0
    confirmed: int = 0
    amount: Decimal = Decimal("0")
    high_risk: int = 0
    high_risk_defused: int = 0
    declined: int = 0
    by_kind: dict = field(default_factory=dict)

    @property
    def success_rate(self) -> float | None:
        return self.succeeded / self.mediated if self.mediated else None


@dataclass
class Statistics:
    start: date
    end: date
    group: str
    rows: list[Row]
    total: Row


GROUPS = ("committee", "area", "kind")
AGREED = Q(agreement__isnull=False)
HIGH = Q(risk_level=Case.Risk.HIGH)
# Counted in the database, one GROUP BY per figure set (bench/mediation.py).
FIGURES = {
    "registered": Count("pk"),
    "mediated": Count("pk", filter=AGREED | Q(status=Case.Status.FAILED) | ~Q(failure_reason="")),
    "succeeded": Count("pk", filter=AGREED),
    "written": Count("pk", filter=Q(agreement__form=Agreement.Form.WRITTEN)),
    "oral": Count("pk", filter=Q(agreement__form=Agreement.Form.ORAL)),
    "performed": Count("pk", filter=Q(performance=Case.Performance.PERFORMED)),
    "confirmed": Count("pk", filter=Q(confirmation=Case.Confirmation.CONFIRMED)),
    "amount": Sum("amount"),
    "high_risk": Count("pk", filter=HIGH),
    "high_risk_defused": Count("pk", filter=HIGH & AGREED),
    "declined": Count("pk", filter=Q(status=Case.Status.DECLINED)),
}


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.max, tzinfo=tz))


def _row(label: str, values: dict) -> Row:
    row = Row(label=label, **{name: values.get(name) or 0 for name in FIGURES})
    row.amount = Decimal(row.amount or 0)
    return row


def statistics(user, *, start: date, end: date, group: str = "committee") -> Statistics:
    """Cases registered in [start, end] in the user's scope, per committee, area
    (sub-district or town) or type. Outcomes count as they stand today."""
    if group not in GROUPS:
        group = "committee"
    low, high = period_bounds(start, end)
    cases = access.visible_mediation_cases(user).filter(created_at__gte=low, created_at__lte=high).order_by()
    key = {"committee": F("committee__name"), "kind": F("kind"),
           "area": Substr("area__path", 1, 2 * Area.steplen)}[group]
    cases = cases.annotate(group_key=key)
    labels = _labels(group)
    rows: dict = {}
    for values in cases.values("group_key").annotate(**FIGURES):
        rows[values["group_key"]] = _row(labels(values["group_key"]), values)
    for values in cases.values("group_key", "kind").annotate(n=Count("pk")):
        rows[values["group_key"]].by_kind[values["kind"]] = values["n"]
    total = _row("", cases.aggregate(**FIGURES))
    for row in rows.values():
        for kind, n in row.by_kind.items():
            total.by_kind[kind] = total.by_kind.get(kind, 0) + n
    return Statistics(start, end, group, sorted(rows.values(), key=lambda r: (-r.registered, r.label)), total)


def _labels(group: str):
    if group == "kind":
        kinds = dict(Case.Kind.choices)
        return lambda value: str(kinds.get(value, value))
    if group == "area":
        names = dict(Area.objects.filter(depth=2).values_list("path", "name"))
        return lambda value: names.get(value, value or "—")
    return lambda value: value or "—"


def committees_for(user) -> QuerySet:
    return access.visible_mediation_committees(user).select_related("area", "unit")


def committee_load(committee: Committee) -> dict[str, int]:
    cases = committee.cases.all()
    return {
        "open": cases.filter(status__in=Case.OPEN_STATUSES).count(),
        "agreed": cases.filter(Q(status=Case.Status.AGREED) | Q(agreement__isnull=False)).count(),
        "total": cases.count(),
    }


def overdue_state(case: Case, now: datetime | None = None) -> dict | None:
    """For the case page: how late an open case is (working days past its time limit), what
    the matter engine's sweep has done about it (overdue marked, supervision ordered,
    escalated to an area) and which committee it would go to if escalated. None when the
    case is not overdue."""
    from safeharbor.lib import workdays
    from safeharbor.matters import deadlines
    from safeharbor.matters.models import Supervision
    from safeharbor.mediation.actions import escalation_target

    now = now or timezone.now()
    if not case.is_open or case.due_at is None or case.due_at >= now:
        return None
    due_day = timezone.localtime(case.due_at).date()
    state = {
        "due_at": case.due_at,
        "workdays_late": max(workdays.workdays_between(due_day, timezone.localdate(now), deadlines.overrides()), 0),
        "marked_at": None, "supervisions": [], "escalated_to": None,
        "escalation_target": escalation_target(case),
    }
    matter = case.matter
    if matter is not None:
        state["marked_at"] = matter.overdue_at
        state["escalated_to"] = matter.escalated_to
        state["supervisions"] = list(matter.supervisions.filter(status=Supervision.Status.OPEN)
                                     .order_by("-issued_at")[:3])
    return state


def follow_up_state(case: Case, today: date | None = None) -> dict | None:
    """For the case page: the agreement's performance deadline has come and no visit is
    recorded yet (with when the mediators were reminded)."""
    agreement = getattr(case, "agreement", None)
    today = today or timezone.localdate()
    if (case.status != Case.Status.AGREED or case.performance or agreement is None
            or agreement.performance_deadline > today):
        return None
    return {"deadline": agreement.performance_deadline, "days": (today - agreement.performance_deadline).days,
            "reminded_at": agreement.follow_up_reminded_at}
