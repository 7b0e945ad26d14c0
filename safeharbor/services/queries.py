"""Reads of the services app: queues, public lists, matching, report figures, calendars."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from safeharbor.core import access
from safeharbor.core.models import Area, Harbor, Port
from safeharbor.services.models import (
    AidAllocation,
    Application,
    DutyRoster,
    Enrollment,
    Event,
    HotlineCall,
    JobOpening,
    SafeFamily,
    SafeFamilyCriterion,
    Service,
)

S = Application.Status


# --- staff queues ----------------------------------------------------------------------------


def application_queue(user, *, status: str = "", service=None, port=None, harbor=None, overdue: bool = False):
    qs = access.visible_applications(user).select_related("service", "harbor", "port", "matter")
    if status == "open":
        qs = qs.filter(status__in=Application.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if service is not None:
        qs = qs.filter(service=service)
    if port is not None:
        qs = qs.filter(port=port)
    if harbor is not None:
        qs = qs.filter(harbor=harbor)
    if overdue:
        qs = qs.filter(_overdue_q())
    return qs.order_by("due_at" if status == "open" else "-created_at", "-pk")


def _overdue_q() -> Q:
    """Open, past the time limit, and not paused for missing materials."""
    return Q(status__in=(S.RECEIVED, S.REVIEWING), paused_at__isnull=True, due_at__lt=timezone.now())


def queue_counts(user) -> dict:
    """The four figures over the queue in one query (one pass over the user's open rows)."""
    qs = access.visible_applications(user).filter(status__in=(*Application.OPEN_STATUSES, S.APPROVED))
    return qs.aggregate(
        open=Count("pk", filter=Q(status__in=Application.OPEN_STATUSES)),
        overdue=Count("pk", filter=_overdue_q()),
        materials=Count("pk", filter=Q(status=S.MATERIALS)),
        approved=Count("pk", filter=Q(status=S.APPROVED)),
    )


def staff_timeline(app: Application) -> list:
    return list(app.steps.select_related("actor"))


def public_timeline(app: Application) -> list:
    return list(app.steps.filter(public=True))


# --- public lists ----------------------------------------------------------------------------


def public_harbors_with_services():
    return Harbor.objects.filter(active=True, services__active=True, services__online=True).distinct()


def public_services(harbor=None):
    qs = Service.objects.filter(active=True, harbor__active=True).select_related("harbor", "port", "provider_unit")
    if harbor is not None:
        qs = qs.filter(harbor=harbor)
    return qs.order_by("harbor__name", "sort_order", "pk")


def public_jobs(harbor=None):
    """Published openings still open, with the positions already filled by placements."""
    today = timezone.localdate()
    qs = JobOpening.objects.filter(published=True).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if harbor is not None:
        qs = qs.filter(harbor=harbor)
    return qs.select_related("harbor", "port", "collected_by").annotate(
        placed=Count("placements", filter=Q(placements__status=S.DELIVERED))).annotate(
        left=F("positions") - F("placed")).order_by("-created_at", "-pk")


def public_events(harbor=None):
    qs = Event.objects.filter(public=True, ends_at__gte=timezone.now()).select_related("harbor", "port")
    if harbor is not None:
        qs = qs.filter(harbor=harbor)
    return qs.annotate(enrolled=Count("enrollments")).order_by("starts_at")


def hotlines():
    return Port.objects.exclude(hotline_number="").select_related("harbor", "owner_unit").order_by("harbor", "kind")


# --- matching jobs and people ----------------------------------------------------------------


def certified_people(user, harbor=None):
    """Applications certifying employment difficulty (approved or delivered, not expired)."""
    today = timezone.localdate()
    qs = access.visible_applications(user).filter(
        service__outcome=Service.Outcome.CERTIFICATE, status__in=(S.APPROVED, S.DELIVERED),
    ).filter(Q(certificate_valid_until__isnull=True) | Q(certificate_valid_until__gte=today))
    if harbor is not None:
        qs = qs.filter(harbor=harbor)
    return qs.select_related("service", "harbor")


def placed_id_indexes(harbor) -> set[str]:
    return set(Application.objects.filter(harbor=harbor, service__outcome=Service.Outcome.PLACEMENT,
                                          status=S.DELIVERED).exclude(id_index="").values_list("id_index", flat=True))


def job_candidates(user, job: JobOpening) -> list[Application]:
    """People certified at the job's harbor who are not placed yet, longest waiting first."""
    placed = placed_id_indexes(job.harbor)
    people = certified_people(user, job.harbor).order_by("decided_at")
    return [app for app in people if app.id_index not in placed] if job.suits_difficulty else []


# --- safe families ---------------------------------------------------------------------------


def nomination_communities(user):
    """Communities (and villages) a user may nominate families from: those in their area
    scope, and those under the harbors they work at (a port's staff have no areas)."""
    condition = Q(pk__in=access.visible_areas(user).values("pk"))
    for path in set(access.visible_service_harbors(user).values_list("area__path", flat=True)):
        condition |= Q(path__startswith=path)
    return Area.objects.filter(condition, level__in=(Area.Level.COMMUNITY, Area.Level.VILLAGE)).order_by("path")


def _family_harbors():
    """Harbors that run safe-family creation: active, with the women's federation's port."""
    return Harbor.objects.filter(active=True, ports__kind=Port.Kind.HEROINES).select_related("area").distinct()


def public_family_communities():
    """Communities a family can apply from online: those under a harbor running the creation."""
    condition = Q(pk__in=[])
    for harbor in _family_harbors():
        condition |= Q(path__startswith=harbor.area.path)
    return Area.objects.filter(condition, level__in=(Area.Level.COMMUNITY, Area.Level.VILLAGE)).order_by("path")


def harbor_for_community(area: Area) -> Harbor:
    """The nearest harbor running safe-family creation above (or at) the community."""
    harbors = [h for h in _family_harbors() if area.path.startswith(h.area.path)]
    return max(harbors, key=lambda h: len(h.area.path))


def public_criteria() -> dict:
    """The criteria in use, per harbor, to show a family what is assessed."""
    rows = SafeFamilyCriterion.objects.filter(active=True, harbor__in=_family_harbors()).select_related("harbor")
    table: dict = {}
    for criterion in rows:
        table.setdefault(criterion.harbor, []).append(criterion)
    return table


def criteria_in_use(harbor) -> set[int]:
    """Criteria some family of the harbor was assessed against (they are retired, not deleted)."""
    used: set[int] = set()
    for assessment in SafeFamily.objects.filter(harbor=harbor).exclude(assessment={}).values_list(
            "assessment", flat=True):
        used |= {int(k) for k in assessment}
    return used


def criteria_harbors(user):
    """Harbors whose safe-family criteria this user may edit."""
    from safeharbor.services.actions import CRITERIA_ROLES

    if not access.can_write(user) or not (access.is_admin(user) or user.role in CRITERIA_ROLES):
        return Harbor.objects.none()
    return access.visible_service_harbors(user).filter(ports__isnull=False).distinct().order_by("name")


def safe_families_per_community(user, *, on: date | None = None) -> list[dict]:
    on = on or timezone.localdate()
    return list(
        access.visible_safe_families(user).filter(status=SafeFamily.Status.AWARDED, valid_until__gte=on)
        .values("area__name").annotate(n=Count("pk")).order_by("-n", "area__name")
    )


# --- rota -------------------------------------------------------------------------------------


def roster_counts(roster: DutyRoster) -> list[dict]:
    """Days per organization and kind: the fairness table under the rota."""
    rows = roster.slots.values("port__name", "kind").annotate(n=Count("pk")).order_by("port__name", "kind")
    table: dict[str, dict] = {}
    for row in rows:
        table.setdefault(row["port__name"], {})[row["kind"]] = row["n"]
    return [{"port": port, "counts": [counts.get(k, 0) for k in roster.kinds]} for port, counts in table.items()]


def swap_choices(user, roster: DutyRoster):
    """The days a user may offer in a swap (their organization's upcoming days; any upcoming
    day for the harbor's staff) and the days they may ask for (other organizations' upcoming
    days). Days already in a swap waiting for approval are left out."""
    from safeharbor.services.actions import ROTA_ROLES
    from safeharbor.services.models import DutySwap

    pending = DutySwap.objects.filter(slot__roster=roster, status=DutySwap.Status.REQUESTED)
    busy = set(pending.values_list("slot_id", flat=True)) | set(pending.values_list("with_slot_id", flat=True))
    upcoming = (roster.slots.filter(date__gte=timezone.localdate()).exclude(pk__in=busy)
                .select_related("port").order_by("kind", "date"))
    if access.is_admin(user) or user.role in ROTA_ROLES:
        return upcoming, upcoming
    own = Q(port_id=user.port_id) if user.port_id else Q(pk__in=[])
    if user.unit_id:
        own |= Q(port__owner_unit_id=user.unit_id)
    return upcoming.filter(own), upcoming.exclude(own)


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def roster_ical(roster: DutyRoster, *, port=None) -> str:
    """The rota as iCalendar (all-day events), RFC 5545 with CRLF line ends."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Safe Harbor//services rota//ZH",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_ics_escape(roster.title)}", "X-WR-TIMEZONE:Asia/Shanghai"]
    slots = roster.slots.select_related("port")
    if port is not None:
        slots = slots.filter(port=port)
    for slot in slots:
        lines += [
            "BEGIN:VEVENT", f"UID:duty-{slot.pk}@safeharbor", f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{slot.date:%Y%m%d}", f"DTEND;VALUE=DATE:{slot.date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_escape(f'{slot.get_kind_display()} · {slot.port.name}')}",
            f"LOCATION:{_ics_escape(roster.harbor.name)}", "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


# --- report figures ---------------------------------------------------------------------------


def _period(start: date | None, end: date | None):
    tz = timezone.get_current_timezone()
    start = start or date(timezone.localdate().year, 1, 1)
    end = end or timezone.localdate()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def report_figures(user, *, harbor=None, port=None, start: date | None = None, end: date | None = None) -> dict:
    """The report-card figures of a harbor or port for a period, all computed from records:
    applications by service and outcome, certified, placed, trained, events and attendance,
    hotline calls, aid given."""
    since, until = _period(start, end)
    apps = access.visible_applications(user).filter(created_at__gte=since, created_at__lt=until)
    decided = access.visible_applications(user).filter(decided_at__gte=since, decided_at__lt=until)
    delivered = access.visible_applications(user).filter(delivered_at__gte=since, delivered_at__lt=until)
    events = access.visible_events(user).filter(starts_at__gte=since, starts_at__lt=until)
    calls = access.visible_hotline_calls(user).filter(at__gte=since, at__lt=until)
    aid = AidAllocation.objects.filter(resource__in=access.visible_aid_resources(user),
                                       given_at__gte=since, given_at__lt=until)
    if harbor is not None:
        apps, decided, delivered = apps.filter(harbor=harbor), decided.filter(harbor=harbor), delivered.filter(
            harbor=harbor)
        events, calls, aid = events.filter(harbor=harbor), calls.filter(port__harbor=harbor), aid.filter(
            resource__harbor=harbor)
    if port is not None:
        apps, decided, delivered = apps.filter(port=port), decided.filter(port=port), delivered.filter(port=port)
        events, calls, aid = events.filter(port=port), calls.filter(port=port), aid.filter(resource__port=port)
    by_service = []
    rows = apps.values("service__name", "status").annotate(n=Count("pk")).order_by("service__name")
    table: dict[str, dict] = {}
    for row in rows:
        table.setdefault(row["service__name"], {})[row["status"]] = row["n"]
    for name, counts in table.items():
        by_service.append({
            "service": name, "total": sum(counts.values()), "counts": counts,
            "open": sum(counts.get(k, 0) for k in Application.OPEN_STATUSES),
            "done": counts.get(S.APPROVED, 0) + counts.get(S.DELIVERED, 0), "refused": counts.get(S.REFUSED, 0),
        })
    trainings = events.filter(is_training=True)
    attendance = Enrollment.objects.filter(event__in=events)
    return {
        "since": since, "until": until - timedelta(days=1),
        "applications": apps.count(),
        "by_service": by_service,
        "certified": decided.filter(service__outcome=Service.Outcome.CERTIFICATE,
                                    status__in=(S.APPROVED, S.DELIVERED)).count(),
        "placed": delivered.filter(service__outcome=Service.Outcome.PLACEMENT).count(),
        "refused": decided.filter(status=S.REFUSED).count(),
        "events": events.filter(starts_at__lt=timezone.now()).count(),
        "trainings": trainings.filter(starts_at__lt=timezone.now()).count(),
        "enrolled": attendance.count(),
        "attended": attendance.filter(checked_in_at__isnull=False).count(),
        "trained": attendance.filter(event__is_training=True, completed=True).count(),
        "hotline_calls": calls.count(),
        "repeat_callers": calls.filter(repeat_of__isnull=False).count(),
        "aid": list(aid.values("resource__name", "resource__unit_label").annotate(
            total=Sum("quantity"), people=Count("beneficiary", distinct=True)).order_by("resource__name")),
    }


def repeat_calls(call: HotlineCall) -> list[HotlineCall]:
    return list(HotlineCall.objects.filter(phone_index=call.phone_index, port__harbor=call.port.harbor)
                .exclude(pk=call.pk).select_related("matter", "port").order_by("-at")[:10])


def earlier_matters(user, call: HotlineCall) -> list:
    """Matters this caller brought before, through any channel, that the user may see."""
    if not call.phone_index:
        return []
    return list(access.visible_matters(user).filter(reporter_phone_index=call.phone_index)
                .exclude(pk=call.matter_id).order_by("-created_at")[:10])
