"""Reads of the services app: queues, public lists, matching, report figures, calendars."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from safeharbor.core import access
from safeharbor.core.models import Harbor, Port
from safeharbor.services.models import (
    AidAllocation,
    Application,
    DutyRoster,
    Enrollment,
    Event,
    HotlineCall,
    JobOpening,
    SafeFamily,
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
        qs = qs.filter(status__in=Application.OPEN_STATUSES, due_at__lt=timezone.now())
    return qs.order_by("due_at" if status == "open" else "-created_at", "-pk")


def queue_counts(user) -> dict:
    qs = access.visible_applications(user)
    return {
        "open": qs.filter(status__in=Application.OPEN_STATUSES).count(),
        "overdue": qs.filter(status__in=Application.OPEN_STATUSES, due_at__lt=timezone.now()).count(),
        "materials": qs.filter(status=S.MATERIALS).count(),
        "approved": qs.filter(status=S.APPROVED).count(),
    }


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
    today = timezone.localdate()
    qs = JobOpening.objects.filter(published=True).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if harbor is not None:
        qs = qs.filter(harbor=harbor)
    return qs.select_related("harbor", "port", "collected_by")


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
