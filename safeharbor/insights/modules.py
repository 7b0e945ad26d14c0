"""The other modules' figures on the report card (平安成绩单), registered from insights' own
AppConfig.ready() through insights.registry: mediation, services, campus, publicity and
campaigns. Each reads its module through that module's own queries.py (its figure
definitions and functions) and its core/access.py scope, so a sub-district leader sees only
their sub-district's disputes, services, schools, activities and tasks.

How each kind of subject maps onto a module's records:

| module      | area (subtree)            | harbor            | unit                    | domain              |
|-------------|---------------------------|-------------------|-------------------------|---------------------|
| mediation   | the case's area           | the case's harbor | the committee's guiding | the harbor's domain |
|             |                           |                   | unit                    |                     |
| services    | harbors in the area       | the harbor        | harbors the unit hosts  | harbors of domain   |
| campus      | schools in the area       | the harbor's      | the school (a unit)     | schools of the      |
|             |                           | school            |                         | domain's harbors    |
| publicity   | the activity's area       | the harbor        | the organizer           | the harbor's domain |
| campaigns   | the campaign's area       | –                 | the task's owner unit   | –                   |

A module that is not installed, or has nothing for the subject, leaves its section out.
"""

from datetime import datetime, time, timedelta

from django.apps import apps
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeharbor.core import access
from safeharbor.insights.registry import Figure, register_figures


def _installed(label: str) -> bool:
    return apps.is_installed(f"safeharbor.{label}")


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def _percent(part, whole) -> float | None:
    return 100.0 * part / whole if whole else None


# --- mediation ----------------------------------------------------------------------------------


def mediation_figures(user, period, subject) -> list[Figure]:
    """Disputes registered in the period and their outcomes as they stand today (the justice
    bureau's monthly statistics, mediation.queries.statistics, for one subject)."""
    from safeharbor.mediation import queries as mq

    lookup = subject.lookup(area_field="area", unit_field="committee__unit", harbor_field="harbor",
                            domain_field="harbor__domain")
    cases = access.visible_mediation_cases(user).filter(created_at__gte=period.start_at,
                                                        created_at__lt=period.end_at, **lookup).order_by()
    values = cases.aggregate(**mq.FIGURES)
    row = mq.Row(label="", **{name: values.get(name) or 0 for name in mq.FIGURES})
    if not row.registered:
        return []
    stats = _url("mediation:stats", f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}")
    rate = row.success_rate
    return [
        Figure("disputes_registered", _("Disputes registered"), row.registered, url=stats),
        Figure("disputes_mediated", _("Disputes mediated"), row.mediated, url=stats),
        Figure("mediation_success_rate", _("Mediation success rate"), None if rate is None else 100.0 * rate,
               "percent", note=_("agreements reached ÷ disputes mediated")),
        Figure("agreements_performed", _("Agreements performed"), row.performed),
        Figure("mediation_amount", _("Amount in dispute (yuan)"), round(float(row.amount), 2), "money"),
        Figure("high_risk_defused", _("High-risk disputes defused"), row.high_risk_defused,
               note=_("%(n)s high-risk disputes registered") % {"n": row.high_risk}),
    ]


# --- services ------------------------------------------------------------------------------------


def _service_harbors(user, subject) -> list:
    """The harbors of the subject at which the user works with services."""
    from safeharbor.core.models import Harbor

    if subject.kind == "harbor":
        harbors = Harbor.objects.filter(pk=subject.pk)
    elif subject.kind == "area":
        harbors = Harbor.objects.filter(area__path__startswith=subject.obj.path)
    elif subject.kind == "unit":
        harbors = Harbor.objects.filter(host_unit_id=subject.pk)
    else:
        harbors = Harbor.objects.filter(domain_id=subject.pk)
    from safeharbor.core.models import Port
    from safeharbor.services.models import Event, Service

    # Only harbors with a service, an event or a port can have any of these figures.
    active = (Q(pk__in=Service.objects.values("harbor_id")) | Q(pk__in=Event.objects.values("harbor_id"))
              | Q(pk__in=Port.objects.values("harbor_id")))
    harbors = harbors.filter(active, pk__in=access.visible_service_harbors(user).values("pk"))
    return list(harbors.order_by("pk"))


SERVICE_SUMS = ("applications", "certified", "placed", "trained", "events", "trainings", "enrolled", "attended",
                "hotline_calls")


def services_figures(user, period, subject) -> list[Figure]:
    """services.queries.report_figures for each harbor of the subject, added up."""
    from safeharbor.services import queries as sq

    totals = dict.fromkeys(SERVICE_SUMS, 0)
    delivered = 0
    for harbor in _service_harbors(user, subject):
        figures = sq.report_figures(user, harbor=harbor, start=period.start, end=period.end)
        for name in SERVICE_SUMS:
            totals[name] += figures[name]
        delivered += sum(row["done"] for row in figures["by_service"])
    if not any(totals.values()):
        return []
    return [
        Figure("service_applications", _("Service applications"), totals["applications"],
               url=_url("services:application_list")),
        Figure("services_delivered", _("Services delivered"), delivered,
               note=_("applications of the period approved or delivered")),
        Figure("people_certified", _("People certified"), totals["certified"],
               note=_("employment difficulty and other certificates")),
        Figure("people_placed", _("People placed in jobs"), totals["placed"]),
        Figure("people_trained", _("People trained"), totals["trained"], note=_("completed a training")),
        Figure("events_held", _("Events held"), totals["events"], url=_url("services:event_list"),
               note=_("%(n)s of them trainings") % {"n": totals["trainings"]}),
        Figure("event_attendance", _("Event attendance"), totals["attended"],
               note=_("%(n)s signed up") % {"n": totals["enrolled"]}),
        Figure("hotline_calls", _("Hotline calls"), totals["hotline_calls"]),
    ]


# --- campus --------------------------------------------------------------------------------------


def _schools(user, subject) -> list:
    schools = access.visible_campus_schools(user)
    if subject.kind == "area":
        schools = schools.filter(area__path__startswith=subject.obj.path)
    elif subject.kind == "unit":
        schools = schools.filter(unit_id=subject.pk)
    elif subject.kind == "harbor":
        schools = schools.filter(harbors__pk=subject.pk)
    else:
        schools = schools.filter(harbors__domain_id=subject.pk)
    return list(schools.distinct().select_related("unit").order_by("pk"))


def _days_without(incidents, as_of, since) -> int:
    """Days from the last incident on or before as_of (or from the start of the records) to
    as_of, counted as campus.queries.safety_record counts them for today."""
    end_of_day = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    last = incidents.filter(occurred_at__lt=end_of_day).order_by("-occurred_at").values_list(
        "occurred_at", flat=True).first()
    start = timezone.localtime(last).date() if last else since
    return max((as_of - max(start, since)).days, 0)


def campus_figures(user, period, subject) -> list[Figure]:
    """Campus safety of the subject's schools: days without a safety accident at the end of the
    period (the fewest over the schools), safety accidents and crime cases in the period."""
    from safeharbor.campus import queries as cq

    schools = _schools(user, subject)
    if not schools:
        return []
    as_of = min(period.end, timezone.localdate())
    accidents = crimes = 0
    fewest_days, clean = None, 0
    for school in schools:
        records = cq.incidents(school)
        since = cq.profile(school).records_since
        days = _days_without(records.filter(safety_accident=True), as_of, since)
        fewest_days = days if fewest_days is None else min(fewest_days, days)
        in_period = records.filter(occurred_at__gte=period.start_at, occurred_at__lt=period.end_at)
        school_accidents = in_period.filter(safety_accident=True).count()
        school_crimes = in_period.filter(crime_case=True).count()
        accidents += school_accidents
        crimes += school_crimes
        clean += not (school_accidents or school_crimes)
    single = len(schools) == 1
    figures = [
        Figure("safe_days", _("Days without a safety accident"), fewest_days, "calendar_days",
               note="" if single else _("the fewest among %(n)s schools") % {"n": len(schools)}),
        Figure("safety_accidents", _("Campus safety accidents"), accidents),
        Figure("crime_cases", _("Criminal and public-order cases"), crimes),
    ]
    if not single:
        figures.append(Figure("schools_clean", _("Schools with no accident and no crime"), clean,
                              note=_("of %(n)s schools") % {"n": len(schools)}))
    if single:
        figures[0].url = reverse("campus:incidents", args=[schools[0].pk])
    return figures


# --- publicity -----------------------------------------------------------------------------------


def publicity_figures(user, period, subject) -> list[Figure]:
    """publicity.queries.totals of the activities held in the period."""
    from safeharbor.publicity import queries as pq

    lookup = subject.lookup(area_field="area", unit_field="organizer", harbor_field="harbor",
                            domain_field="harbor__domain")
    activities = pq.filter_period(access.visible_activities(user), period.start, period.end).filter(**lookup)
    totals = pq.totals(activities)
    if not totals["activities"]:
        return []
    return [
        Figure("publicity_activities", _("Publicity activities"), totals["activities"]),
        Figure("people_reached", _("People reached"), totals["people"]),
        Figure("copies_distributed", _("Copies of material distributed"), totals["copies"]),
    ]


# --- campaigns -----------------------------------------------------------------------------------


def campaign_figures(user, period, subject) -> list[Figure]:
    """Tasks of the campaigns the user sees whose deadline falls in the period: done (their
    matter resolved or closed) and overdue (not done, deadline passed)."""
    from safeharbor.campaigns import queries as cq
    from safeharbor.campaigns.models import CampaignTask

    if subject.kind == "area":
        where = Q(campaign__area__path__startswith=subject.obj.path)
    elif subject.kind == "unit":
        where = Q(owner_unit_id=subject.pk)
    else:
        return []
    tasks = CampaignTask.objects.filter(campaign__in=access.visible_campaigns(user)).filter(
        where, deadline__gte=period.start, deadline__lte=period.end)
    today = timezone.localdate()
    counts = tasks.order_by().aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(matter__status__in=cq.DONE_STATUSES)),
        overdue=Count("pk", filter=~Q(matter__status__in=cq.DONE_STATUSES) & Q(deadline__lt=today)),
    )
    if not counts["total"]:
        return []
    return [
        Figure("campaign_tasks", _("Campaign tasks due"), counts["total"], url=_url("campaigns:list")),
        Figure("campaign_tasks_done", _("Campaign tasks done"), counts["done"]),
        Figure("campaign_tasks_overdue", _("Campaign tasks overdue"), counts["overdue"]),
        Figure("campaign_task_rate", _("Campaign tasks done on the roadmap"),
               _percent(counts["done"], counts["total"]), "percent"),
    ]


MODULES = (
    ("mediation", gettext_lazy("Disputes mediated (人民调解)"), mediation_figures, 20),
    ("services", gettext_lazy("Services (港湾服务)"), services_figures, 30),
    ("campus", gettext_lazy("Campus safety (平安校园)"), campus_figures, 40),
    ("publicity", gettext_lazy("Publicity (普法宣传)"), publicity_figures, 60),
    ("campaigns", gettext_lazy("Campaigns (专项行动)"), campaign_figures, 70),
)


def register_all() -> None:
    """From InsightsConfig.ready(): each installed module's section (by key, so twice is fine)."""
    for key, label, fn, order in MODULES:
        if _installed(key):
            register_figures(key, label, fn, order=order)
