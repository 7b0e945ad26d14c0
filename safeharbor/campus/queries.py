"""Reads of the campus app: school overviews, coverage, safety record, report card, and the
audited reads of psychology records."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.campus import actions
from safeharbor.campus.models import (
    CampusProfile,
    Gate,
    GuardDuty,
    GuardShift,
    Hazard,
    Incident,
    MeetingPlan,
    PsychActivity,
    PsychCase,
    PsychLesson,
    Room,
    RoomBooking,
    SchoolClass,
    Term,
)
from safeharbor.core import access
from safeharbor.core.actions import record_audit
from safeharbor.core.models import AuditLog, School
from safeharbor.matters.models import Decision, Matter, Meeting

SMALL = 5  # counts below this are shown as "<5" outside the psychology team


def suppress(count: int) -> str:
    """Aggregates of minors' psychology records: 1–4 would point at a child, so "<5"."""
    return f"<{SMALL}" if 0 < count < SMALL else str(count)


def school_list(user) -> QuerySet[School]:
    return access.visible_campus_schools(user).select_related("unit", "area").order_by("unit__sort_order", "pk")


@dataclass
class SchoolRow:
    school: School
    days_without_accident: int
    crimes_this_year: int
    open_hazards: int
    open_psych_cases: str  # suppressed below 5


def school_overview(user, *, today=None) -> list[SchoolRow]:
    """The district's list of schools with their key figures, in a fixed number of queries."""
    today = today or timezone.localdate()
    schools = list(school_list(user))
    ids = [s.pk for s in schools]
    since = dict(CampusProfile.objects.filter(school_id__in=ids).values_list("school_id", "records_since"))
    last_accident = dict(Incident.objects.filter(school_id__in=ids, safety_accident=True)
                         .values_list("school_id").annotate(m=Max("occurred_at")))
    crimes = dict(Incident.objects.filter(school_id__in=ids, crime_case=True, occurred_at__year=today.year)
                  .values_list("school_id").annotate(n=Count("pk")))
    hazards_open = dict(Hazard.objects.filter(school_id__in=ids).exclude(status=Hazard.Status.RECTIFIED)
                        .values_list("school_id").annotate(n=Count("pk")))
    psych_open = dict(PsychCase.objects.filter(school_id__in=ids, status=PsychCase.Status.OPEN)
                      .values_list("school_id").annotate(n=Count("pk")))
    rows = []
    for school in schools:
        start = since.get(school.pk) or today
        if school.pk in last_accident:
            start = max(start, timezone.localtime(last_accident[school.pk]).date())
        rows.append(SchoolRow(school, max((today - start).days, 0), crimes.get(school.pk, 0),
                              hazards_open.get(school.pk, 0), suppress(psych_open.get(school.pk, 0))))
    return rows


def get_school(user, pk) -> School:
    return access.get_visible_or_404(access.visible_campus_schools(user).select_related("unit", "area"), pk=pk)


def profile(school: School) -> CampusProfile:
    return CampusProfile.objects.filter(school=school).select_related(
        "safety_officer", "psych_lead", "designated_leader").first() or CampusProfile(school=school)


def classes(school: School) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.filter(grade__school=school).select_related("grade").order_by("grade__order", "name")


def grade_summary(school: School) -> list[dict]:
    rows = {}
    for c in classes(school):
        row = rows.setdefault(c.grade_id, {"grade": c.grade, "classes": 0, "students": 0})
        row["classes"] += 1
        row["students"] += c.student_count
    return list(rows.values())


def rooms(school: School) -> QuerySet[Room]:
    return school.rooms.all()


def upcoming_bookings(school: School, *, now=None) -> QuerySet[RoomBooking]:
    now = now or timezone.now()
    return (RoomBooking.objects.filter(room__school=school, cancelled=False, ends_at__gte=now)
            .select_related("room", "booked_by").order_by("starts_at"))


# --- joint meetings ---------------------------------------------------------------------------------


def school_meetings(school: School) -> QuerySet[Meeting]:
    """The school's own joint meetings, and the district's (or sub-district's) school-surroundings
    joint meetings held for all the schools of an area above it."""
    area_path = school.area.path
    steps = school.area.steplen
    above = [area_path[:i] for i in range(steps, len(area_path) + 1, steps)]
    return (Meeting.objects.filter(
        Q(harbor__school=school)  # held at the school's harbor
        | Q(organizer=school.unit)  # organized by the school
        | Q(kind=Meeting.Kind.SCHOOL_SURROUNDINGS, harbor__isnull=True, area__path__in=above),  # area-wide
        kind__in=actions.JOINT_KINDS,
    ).select_related("organizer").annotate(decision_count=Count("decisions")).order_by("-held_at"))


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    return day


@dataclass
class PlanStatus:
    plan: MeetingPlan
    last_held: date | None
    next_due: date
    overdue: bool


def meeting_plans(school: School, *, today=None) -> list[PlanStatus]:
    today = today or timezone.localdate()
    rows = []
    for plan in school.meeting_plans.all().order_by("kind"):
        last = school_meetings(school).filter(kind=plan.kind).aggregate(m=Max("held_at"))["m"]
        last_day = timezone.localtime(last).date() if last else None
        due = _add_months(last_day, plan.every_months) if last_day else plan.first_on
        rows.append(PlanStatus(plan, last_day, due, due < today))
    return rows


def open_decisions(school: School) -> QuerySet[Decision]:
    """The school-level view: every decision of its joint meetings, open ones first."""
    return (Decision.objects.filter(meeting__in=school_meetings(school).values("pk"))
            .select_related("meeting", "owner_unit", "matter")
            .order_by("matter__closed_at", "deadline"))


# --- hazards ------------------------------------------------------------------------------------------


def hazards(user, school: School, *, status: str = "") -> QuerySet[Hazard]:
    qs = access.visible_hazards(user).filter(school=school).select_related("matter", "matter__unit", "recurrence_of")
    if status == "recurring":
        qs = qs.filter(recurrence_of__isnull=False)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-reported_at")


def get_hazard(user, pk) -> Hazard:
    qs = access.visible_hazards(user).select_related("school", "school__unit", "matter", "matter__unit",
                                                     "recurrence_of")
    return access.get_visible_or_404(qs, pk=pk)


def hazard_points(hazard_list) -> list[dict]:
    return [{"id": h.pk, "lat": h.lat, "lon": h.lon, "kind": h.get_kind_display(), "status": h.status,
             "label": h.get_status_display(), "recurring": h.recurring, "address": h.address,
             "distance": h.distance_m} for h in hazard_list if h.lat is not None]


# --- guard posts --------------------------------------------------------------------------------------


@dataclass
class ShiftRow:
    shift: GuardShift
    duties: list
    needed: int

    @property
    def covered(self) -> bool:
        return len(self.duties) >= self.needed

    @property
    def signed_in(self) -> int:
        return sum(1 for d in self.duties if d.signed_in_at)


def shifts_on(school: School, day: date) -> list[ShiftRow]:
    shifts = (GuardShift.objects.filter(gate__school=school, date=day).select_related("gate")
              .prefetch_related("duties__guard").order_by("gate__name", "slot"))
    order = {"morning": 0, "noon": 1, "afternoon": 2}
    rows = [ShiftRow(s, list(s.duties.all()), s.gate.people_per_slot) for s in shifts]
    return sorted(rows, key=lambda r: (r.shift.gate.name, order.get(r.shift.slot, 9)))


def uncovered_shifts(school: School, *, start: date, days: int = 14) -> QuerySet[GuardShift]:
    from django.db.models import F

    return (GuardShift.objects.filter(gate__school=school, date__gte=start, date__lt=start + timedelta(days=days))
            .annotate(n=Count("duties")).filter(n__lt=F("gate__people_per_slot"))
            .select_related("gate").order_by("date", "slot"))


def guard_coverage(school: School, *, today=None, days: int = 30) -> dict:
    """Over the last `days`: shifts held, shifts fully staffed, sign-in rate."""
    today = today or timezone.localdate()
    shifts = GuardShift.objects.filter(gate__school=school, date__lt=today, date__gte=today - timedelta(days=days))
    duties = GuardDuty.objects.filter(shift__in=shifts)
    total, signed = duties.count(), duties.filter(signed_in_at__isnull=False).count()
    return {"shifts": shifts.count(), "duties": total, "signed_in": signed,
            "rate": round(100 * signed / total) if total else None}


def gates(school: School) -> QuerySet[Gate]:
    return school.gates.all()


def terms(school: School) -> QuerySet[Term]:
    return school.terms.all()


# --- psychology ---------------------------------------------------------------------------------------


def school_weeks(start: date, end: date) -> list[date]:
    """Mondays of the weeks between start and end that have at least one school day."""
    days = actions.school_days(start, end)
    return sorted({actions.week_of(d) for d in days})


@dataclass
class Coverage:
    weeks: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # (class, set of weeks held, list of missing weeks)
    missing_total: int = 0
    possible: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * (self.possible - self.missing_total) / self.possible) if self.possible else None


def current_term(school: School, today=None) -> Term | None:
    today = today or timezone.localdate()
    return (school.terms.filter(starts_on__lte=today, ends_on__gte=today).first()
            or school.terms.filter(starts_on__lte=today).order_by("-starts_on").first())


def lesson_coverage(school: School, *, start: date | None = None, end: date | None = None, today=None) -> Coverage:
    """Every class, every school week (up to last week): which weeks had no psychology lesson."""
    today = today or timezone.localdate()
    term = current_term(school, today)
    start = start or (term.starts_on if term else today - timedelta(weeks=8))
    end = end or min(term.ends_on if term else today, actions.week_of(today) - timedelta(days=1))
    weeks = school_weeks(start, end) if end >= start else []
    held: dict[int, set] = {}
    for class_id, week in PsychLesson.objects.filter(
            school_class__grade__school=school, week__in=weeks).values_list("school_class_id", "week"):
        held.setdefault(class_id, set()).add(week)
    coverage = Coverage(weeks=weeks)
    for c in classes(school):
        done = held.get(c.pk, set())
        missing = [w for w in weeks if w not in done]
        coverage.rows.append((c, done, missing))
        coverage.missing_total += len(missing)
        coverage.possible += len(weeks)
    return coverage


def monitor_gaps(school: School) -> list[SchoolClass]:
    return [c for c in classes(school) if not c.psych_monitor]


def activities(school: School) -> QuerySet[PsychActivity]:
    return school.psych_activities.all()


def recent_lessons(school: School, limit: int = 20) -> QuerySet[PsychLesson]:
    return (PsychLesson.objects.filter(school_class__grade__school=school)
            .select_related("school_class__grade", "teacher").order_by("-held_on", "-pk")[:limit])


def psych_summary(school: School) -> dict:
    """What everybody who sees the school may see: counts only, small ones suppressed."""
    open_cases = PsychCase.objects.filter(school=school, status=PsychCase.Status.OPEN)
    by_risk = dict(open_cases.values_list("risk").annotate(n=Count("pk")))
    by_kind = dict(open_cases.values_list("kind").annotate(n=Count("pk")))
    year = timezone.localdate().year
    return {
        "by_risk": [(label, suppress(by_risk.get(code, 0))) for code, label in PsychCase.Risk.choices],
        "by_kind": [(label, suppress(by_kind.get(code, 0))) for code, label in PsychCase.Kind.choices],
        "open": suppress(open_cases.count()),
        "this_year": suppress(PsychCase.objects.filter(school=school, opened_at__year=year).count()),
    }


def can_read_cases(user, school: School) -> bool:
    """The school's psychology teachers and its designated leader (the rule of
    access.visible_psych_cases, asked for one school)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return actions.is_psych_teacher(user, school) or CampusProfile.objects.filter(
        school=school, designated_leader=user).exists()


def psych_cases(user, school: School, *, ip: str | None = None) -> QuerySet[PsychCase]:
    """The individual records of a school, for the people allowed; the list read is audited."""
    if not can_read_cases(user, school):
        return PsychCase.objects.none()
    cases = access.visible_psych_cases(user).filter(school=school).select_related("school_class__grade")
    record_audit(actor=user, action=AuditLog.Action.REVEAL, target_type="campus.psychcase", target_id="*",
                 target_repr=str(school)[:200], field="list", reason=_("listed the psychology cases"), ip=ip)
    return cases.order_by("status", "-opened_at")


def read_case(user, pk, *, ip: str | None = None) -> PsychCase:
    """Open one psychology record. Every read is audited; so is every refused attempt, which
    answers 404 like a record that does not exist."""
    try:
        case = access.visible_psych_cases(user).select_related("school", "school_class__grade").get(pk=pk)
    except (PsychCase.DoesNotExist, ValueError, TypeError) as exc:
        record_audit(actor=user, action=AuditLog.Action.DENIED, target_type="campus.psychcase",
                     target_id=str(pk)[:40], reason=_("tried to open a psychology case"), ip=ip)
        raise Http404 from exc
    record_audit(actor=user, action=AuditLog.Action.REVEAL, target=case, field="record",
                 reason=_("opened the psychology case"), ip=ip)
    return case


def case_reads(case: PsychCase) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(target_type="campus.psychcase", target_id=str(case.pk)).select_related("actor")


# --- safety record and report card ----------------------------------------------------------------


def safety_record(school: School, *, today=None) -> dict:
    today = today or timezone.localdate()
    since = profile(school).records_since
    incidents = school.incidents.all()
    last_accident = incidents.filter(safety_accident=True).aggregate(m=Max("occurred_at"))["m"]
    last_crime = incidents.filter(crime_case=True).aggregate(m=Max("occurred_at"))["m"]

    def days_since(moment) -> int:
        start = timezone.localtime(moment).date() if moment else since
        return max((today - max(start, since)).days, 0)

    year = incidents.filter(occurred_at__year=today.year)
    return {
        "since": since,
        "days_without_accident": days_since(last_accident),
        "days_without_crime": days_since(last_crime),
        "last_accident": last_accident,
        "last_crime": last_crime,
        "accidents_this_year": year.filter(safety_accident=True).count(),
        "crimes_this_year": year.filter(crime_case=True).count(),
        "incidents_this_year": year.count(),
        "by_kind": list(year.values("kind").annotate(n=Count("pk")).order_by("-n")),
    }


def incidents(school: School) -> QuerySet[Incident]:
    return school.incidents.select_related("recorded_by")


def report_card(user, school: School, *, today=None) -> dict:
    today = today or timezone.localdate()
    hazard_qs = Hazard.objects.filter(school=school)
    decisions = open_decisions(school)
    coverage = lesson_coverage(school, today=today)
    class_list = list(classes(school))
    return {
        "classes": len(class_list) or school.class_count,
        "students": sum(c.student_count for c in class_list) or school.student_count,
        "grades": grade_summary(school),
        "monitor_gaps": sum(1 for c in class_list if not c.psych_monitor),
        "lesson_coverage": coverage.percent,
        "lesson_missing": coverage.missing_total,
        "activities_this_year": school.psych_activities.filter(starts_on__year=today.year).count(),
        "festival": school.psych_activities.filter(kind=PsychActivity.Kind.FESTIVAL, starts_on__year=today.year)
        .first(),
        "hazards_open": hazard_qs.exclude(status=Hazard.Status.RECTIFIED).count(),
        "hazards_rectified": hazard_qs.filter(status=Hazard.Status.RECTIFIED).count(),
        "hazards_recurring": hazard_qs.filter(recurrence_of__isnull=False).count(),
        "decisions_total": decisions.count(),
        "decisions_open": decisions.filter(matter__status__in=Matter.OPEN_STATUSES).count(),
        "decisions_overdue": decisions.filter(matter__status__in=Matter.OPEN_STATUSES,
                                              matter__due_at__lt=timezone.now()).count(),
        "meetings_this_year": school_meetings(school).filter(held_at__year=today.year).count(),
        "plans": meeting_plans(school, today=today),
        "guards": guard_coverage(school, today=today),
        "uncovered_next_week": uncovered_shifts(school, start=today, days=7).count(),
        "safety": safety_record(school, today=today),
        "psych": psych_summary(school),
        "rooms": school.rooms.count(),
    }
