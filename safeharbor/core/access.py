"""The one doorway to data: what a user may see and change.

`scope_for(user)` computes a user's data scope once per request (area subtrees ∪ unit ∪
harbor ∪ port ∪ school). Every page, export and API endpoint gets its queryset from a
`visible_*` function here, and single objects through `get_visible_or_404`, so that an
object outside the scope answers 404 exactly like one that does not exist.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from safeharbor.core.models import Area, Category, Harbor, Port, School, Unit, User

Role = User.Role

# Roles whose scope is the area subtrees they are assigned to.
AREA_ROLES = {Role.DISPATCHER, Role.LEADER, Role.GRID_WORKER, Role.MEDIATOR}
# Roles that may look but not change operational data.
READ_ONLY_ROLES = {Role.LEADER}


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    area_paths: tuple[str, ...] = ()  # roots of the area subtrees in scope
    unit_ids: frozenset[int] = frozenset()
    harbor_ids: frozenset[int] = frozenset()
    port_ids: frozenset[int] = frozenset()
    school_ids: frozenset[int] = frozenset()
    # Harbors whose matters they see (harbor and school staff; port staff see their unit's).
    matter_harbor_ids: frozenset[int] = frozenset()
    read_only: bool = True

    def area_q(self, field: str = "area") -> Q:
        """Q for rows whose `field` (an Area FK) lies in one of the subtrees."""
        prefix = f"{field}__path__startswith" if field else "path__startswith"
        if not self.area_paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{prefix: path}) for path in self.area_paths))


NOTHING = Scope()


def _roots(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor in the set."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(root) for root in kept):
            kept.append(path)
    return tuple(kept)


def scope_for(user) -> Scope:
    """Compute (and cache on the user object) what this user may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_safeharbor_scope", None)
    if cached is not None:
        return cached

    if user.is_superuser or user.role == Role.ADMIN:
        scope = Scope(everything=True, read_only=False)
    else:
        # Area subtrees: explicit assignments (dispatcher, leader, grid worker, mediator...).
        paths = set(user.areas.values_list("path", flat=True))
        unit_ids = {user.unit_id} if user.unit_id else set()
        harbor_ids = {user.harbor_id} if user.harbor_id else set()
        port_ids = {user.port_id} if user.port_id else set()
        school_ids = {user.school_id} if user.school_id else set()
        if user.port_id:  # port staff work inside their port's harbor
            harbor_ids.add(Port.objects.values_list("harbor_id", flat=True).get(pk=user.port_id))
        if user.school_id:  # school staff belong to the school's unit and its harbor(s)
            school = School.objects.get(pk=user.school_id)
            unit_ids.add(school.unit_id)
            harbor_ids.update(Harbor.objects.filter(school_id=school.pk).values_list("pk", flat=True))
        if not (paths or unit_ids or harbor_ids or port_ids or school_ids):
            # Assigned to nothing yet: sees nothing (not even the district-wide units).
            user._safeharbor_scope = NOTHING
            return NOTHING
        scope = Scope(
            area_paths=_roots(paths),
            unit_ids=frozenset(unit_ids),
            harbor_ids=frozenset(harbor_ids),
            port_ids=frozenset(port_ids),
            school_ids=frozenset(school_ids),
            matter_harbor_ids=frozenset(harbor_ids if user.role != Role.PORT_STAFF else ()),
            read_only=user.role in READ_ONLY_ROLES,
        )
    user._safeharbor_scope = scope
    return scope


def can_write(user) -> bool:
    return not scope_for(user).read_only


def require_write(user) -> None:
    """Read-only users (leaders) get 403 on writes they can otherwise see."""
    if not can_write(user):
        raise PermissionDenied


def is_admin(user) -> bool:
    return scope_for(user).everything


# --- visible_* : the querysets every page, export and API view starts from ------------


def visible_areas(user) -> QuerySet[Area]:
    scope = scope_for(user)
    if scope.everything:
        return Area.objects.all()
    harbor_area_ids = Harbor.objects.filter(
        Q(pk__in=scope.harbor_ids) | Q(host_unit_id__in=scope.unit_ids)
    ).values("area_id")
    school_area_ids = School.objects.filter(pk__in=scope.school_ids).values("area_id")
    return Area.objects.filter(
        scope.area_q(field="")  # the assigned subtrees
        | Q(pk__in=harbor_area_ids)  # the area of a harbor they staff or their unit hosts
        | Q(pk__in=school_area_ids)  # the area of their school
    )


def visible_units(user) -> QuerySet[Unit]:
    scope = scope_for(user)
    if scope.everything:
        return Unit.objects.all()
    if scope is NOTHING:
        return Unit.objects.none()
    return Unit.objects.filter(
        Q(area__isnull=True)  # district-wide member units: every staff member works with them
        | scope.area_q()  # units based in an area of their subtrees
        | Q(pk__in=scope.unit_ids)  # their own unit (and school unit)
    )


def visible_harbors(user) -> QuerySet[Harbor]:
    scope = scope_for(user)
    if scope.everything:
        return Harbor.objects.all()
    return Harbor.objects.filter(
        scope.area_q()  # harbors in their area subtrees
        | Q(host_unit_id__in=scope.unit_ids)  # harbors their unit hosts
        | Q(pk__in=scope.harbor_ids)  # the harbor they staff (or their port's/school's)
    )


def visible_ports(user) -> QuerySet[Port]:
    return Port.objects.filter(harbor__in=visible_harbors(user))


def visible_categories(user) -> QuerySet[Category]:
    if scope_for(user) is NOTHING:
        return Category.objects.none()
    return Category.objects.all()  # configuration every staff member routes by


def visible_schools(user) -> QuerySet[School]:
    scope = scope_for(user)
    if scope.everything:
        return School.objects.all()
    return School.objects.filter(scope.area_q() | Q(pk__in=scope.school_ids) | Q(unit_id__in=scope.unit_ids))


def visible_users(user) -> QuerySet[User]:
    scope = scope_for(user)
    if scope.everything:
        return User.objects.all()
    if scope is NOTHING:
        return User.objects.none()
    harbors = visible_harbors(user).values("pk")
    return User.objects.filter(
        Q(pk=user.pk)  # themselves
        | Q(unit_id__in=scope.unit_ids)  # colleagues of their unit
        | Q(school_id__in=scope.school_ids)  # colleagues at their school
        | Q(harbor_id__in=harbors)  # staff of the harbors they see
        | Q(port__harbor_id__in=harbors)  # staff of those harbors' ports
        | scope.area_q(field="areas")  # people assigned to areas in their subtrees
        | scope.area_q(field="unit__area")  # members of units based in their subtrees
        | scope.area_q(field="school__area")  # staff of schools in their subtrees
    ).distinct()


def visible_matters(user) -> QuerySet:
    from safeharbor.matters.models import Matter

    scope = scope_for(user)
    if scope.everything:
        return Matter.objects.all()
    if scope is NOTHING:
        return Matter.objects.none()
    condition = Q(pk__in=[])
    # LIKE 'path%', deliberately not an index range: lists are read newest first, and a
    # range would make SQLite collect a whole district's rows to sort them (bench/matters.py).
    for path in scope.area_paths:
        condition |= Q(area_path__startswith=path)  # matters in their area subtrees
    if scope.unit_ids:
        condition |= Q(unit_id__in=scope.unit_ids)  # matters their unit is responsible for
        condition |= Q(  # matters their unit works on as a co-unit
            pk__in=Matter.co_units.through.objects.filter(unit_id__in=scope.unit_ids).values("matter_id")
        )
    if scope.matter_harbor_ids:
        condition |= Q(harbor_id__in=scope.matter_harbor_ids)  # matters brought to their harbor
    return Matter.objects.filter(condition)


def visible_supervisions(user) -> QuerySet:
    from safeharbor.matters.models import Supervision

    scope = scope_for(user)
    if scope.everything:
        return Supervision.objects.all()
    if scope is NOTHING:
        return Supervision.objects.none()
    return Supervision.objects.filter(
        Q(unit_id__in=scope.unit_ids)  # orders addressed to their unit
        | Q(pk__in=Supervision.matters.through.objects.filter(  # orders about matters they can see
            matter__in=visible_matters(user)).values("supervision_id"))
    )


def visible_meetings(user) -> QuerySet:
    from safeharbor.matters.models import Meeting

    scope = scope_for(user)
    if scope.everything:
        return Meeting.objects.all()
    if scope is NOTHING:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        scope.area_q()  # meetings held for an area of their subtrees
        | Q(organizer_id__in=scope.unit_ids)  # meetings their unit organized
        | Q(pk__in=Meeting.attending_units.through.objects.filter(  # meetings their unit attended
            unit_id__in=scope.unit_ids).values("meeting_id"))
        | Q(harbor_id__in=scope.harbor_ids)  # meetings of their harbor (a school's joint meetings)
    )


def visible_commendations(user) -> QuerySet:
    from safeharbor.matters.models import Commendation

    scope = scope_for(user)
    if scope.everything:
        return Commendation.objects.all()
    if scope is NOTHING:
        return Commendation.objects.none()
    return Commendation.objects.filter(scope.area_q() | Q(unit_id__in=scope.unit_ids))


def get_visible_or_404(queryset: QuerySet, **lookup):
    """One object from a visible_* queryset; out of scope is indistinguishable from missing."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Module scopes ---------------------------------------------------------------------------
# Each module's visible_* functions live below, in its own section, built from scope_for().
# Import module models inside the functions (core must not import the module apps at load).

# --- notifications ---

# What a notification may point at, and the visible_* queryset its target must be in.
# Modules add theirs with NOTIFICATION_TARGETS[label] = fn; unknown labels fall back to
# visible_<model>s in this module when it exists.
NOTIFICATION_TARGETS: dict = {}


def _notification_target_scope(label: str):
    if label in NOTIFICATION_TARGETS:
        return NOTIFICATION_TARGETS[label]
    builtin = {"matters.matter": visible_matters, "matters.supervision": visible_supervisions,
               "matters.meeting": visible_meetings}
    if label in builtin:
        return builtin[label]
    return globals().get(f"visible_{label.rsplit('.', 1)[-1]}s")


def visible_notifications(user) -> QuerySet:
    """The user's own notifications whose object they may still open (a notification never
    reveals a matter that left their scope)."""
    from safeharbor.notifications.models import Notification

    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    own = Notification.objects.filter(recipient_id=user.pk)
    if scope_for(user).everything:
        return own
    # order_by(): without it the model's ordering columns join the DISTINCT and a label
    # comes back once per notification (one scope subquery each).
    labels = own.exclude(target_label="").order_by().values_list("target_label", flat=True).distinct()
    condition = Q(target_label="")  # about nothing in particular
    for label in labels:
        visible = _notification_target_scope(label)
        if visible is None:
            condition |= Q(target_label=label)  # no scope known for it: the notifier chose the recipient
        else:
            condition |= Q(target_label=label, target_pk__in=visible(user).values("pk"))  # still in scope
    return own.filter(condition)

# --- mediation ---


def visible_mediation_cases(user) -> QuerySet:
    """Mediators: their areas, committees and cases; dispatchers and leaders: their areas;
    harbor staff: cases of their harbor; member units: cases they co-mediate. Others: none."""
    from safeharbor.mediation.models import Case, Member

    scope = scope_for(user)
    if scope.everything:
        return Case.objects.all()
    if scope is NOTHING:
        return Case.objects.none()
    condition = Q(pk__in=[])
    if user.role in {Role.MEDIATOR, Role.DISPATCHER, Role.LEADER}:
        condition |= scope.area_q()  # cases in their area subtrees
    if user.role == Role.MEDIATOR:
        committees = list(Member.objects.filter(user=user).values_list("committee_id", flat=True))
        condition |= Q(committee_id__in=committees)  # cases of the committees they sit on
        condition |= Q(pk__in=Case.mediators.through.objects.filter(user_id=user.pk).values("case_id"))  # theirs
    if user.role == Role.HARBOR_STAFF:
        condition |= Q(harbor_id__in=scope.harbor_ids) | Q(created_by=user)  # brought to their harbor
    if user.role == Role.UNIT_HANDLER and scope.unit_ids:
        condition |= Q(pk__in=Case.joint_units.through.objects.filter(  # joint mediation their unit is in
            unit_id__in=scope.unit_ids).values("case_id"))
    return Case.objects.filter(condition)


def visible_mediation_parties(user) -> QuerySet:
    from safeharbor.mediation.models import Party

    return Party.objects.filter(case__in=visible_mediation_cases(user))


def visible_mediation_committees(user) -> QuerySet:
    """Committees whose area lies in the user's scope or above it (a community mediator
    works with the sub-district and district committees too), and those they sit on."""
    from safeharbor.mediation.models import Committee

    scope = scope_for(user)
    if scope.everything:
        return Committee.objects.all()
    if scope is NOTHING:
        return Committee.objects.none()
    ancestors = {path[:i] for path in scope.area_paths for i in range(Area.steplen, len(path) + 1, Area.steplen)}
    return Committee.objects.filter(
        scope.area_q()  # committees inside their area subtrees
        | Q(area__path__in=ancestors)  # committees of the areas above them
        | Q(members__user=user)  # committees they sit on
    ).distinct()


# --- services ---


def _services_q(user, harbor: str = "harbor", port: str = "port"):
    """Rows of the services app a user sees, as a Q over their `harbor` and `port` fields;
    None means everything."""
    scope = scope_for(user)
    if scope.everything:
        return None
    # Resolved on the small harbor and port tables as uncorrelated subqueries, so the rows
    # are filtered on their own indexed foreign keys, without joins under the OR.
    harbors = Q(pk__in=[])
    for path in scope.area_paths:
        harbors |= Q(area__path__startswith=path)  # harbors in their subtrees
    if scope.matter_harbor_ids:
        harbors |= Q(pk__in=scope.matter_harbor_ids)  # the harbor they staff
    if scope.unit_ids:
        harbors |= Q(host_unit_id__in=scope.unit_ids)  # harbors their unit hosts
    # their own port, their organization's ports
    ports = Q(pk__in=scope.port_ids) | Q(owner_unit_id__in=scope.unit_ids)
    return (Q(**{f"{harbor}_id__in": Harbor.objects.filter(harbors).values("pk")})
            | Q(**{f"{port}_id__in": Port.objects.filter(ports).values("pk")}))


def _services_filter(user, queryset, own_unit_field: str = ""):
    """Rows of the user's harbors/ports; with `own_unit_field`, also the rows whose unit there is
    the user's own (the provider unit of a service or application, the unit that collected a job)."""
    scope = scope_for(user)
    if scope is NOTHING:
        return queryset.none()
    condition = _services_q(user)
    if condition is None:
        return queryset
    if own_unit_field:
        condition |= Q(**{f"{own_unit_field}_id__in": scope.unit_ids})
    return queryset.filter(condition)


def visible_services(user) -> QuerySet:
    from safeharbor.services.models import Service

    return _services_filter(user, Service.objects.all(), "provider_unit")


def visible_applications(user) -> QuerySet:
    from safeharbor.services.models import Application

    return _services_filter(user, Application.objects.all(), "provider_unit")  # e.g. the HR bureau


def visible_jobs(user) -> QuerySet:
    from safeharbor.services.models import JobOpening

    return _services_filter(user, JobOpening.objects.all(), "collected_by")


def visible_events(user) -> QuerySet:
    from safeharbor.services.models import Event

    return _services_filter(user, Event.objects.all())


def visible_safe_families(user) -> QuerySet:
    from safeharbor.services.models import SafeFamily

    return _services_filter(user, SafeFamily.objects.all())


def visible_hotline_calls(user) -> QuerySet:
    from safeharbor.services.models import HotlineCall

    return HotlineCall.objects.filter(port__in=visible_service_ports(user))


def visible_service_ports(user) -> QuerySet[Port]:
    """The ports whose services, hotline, events and aid a user works with."""
    scope = scope_for(user)
    if scope is NOTHING:
        return Port.objects.none()
    if scope.everything:
        return Port.objects.all()
    condition = Q(pk__in=scope.port_ids) | Q(owner_unit_id__in=scope.unit_ids)  # their port, their org's
    condition |= Q(harbor_id__in=scope.matter_harbor_ids) | Q(harbor__host_unit_id__in=scope.unit_ids)
    for path in scope.area_paths:
        condition |= Q(harbor__area__path__startswith=path)  # ports of harbors in their subtrees
    return Port.objects.filter(condition)


def visible_service_harbors(user) -> QuerySet[Harbor]:
    """Harbors a user works at for services: those they see, plus those where their unit
    provides a service or runs a port (the HR bureau at a community harbor)."""
    from safeharbor.services.models import Service

    return Harbor.objects.filter(
        Q(pk__in=visible_harbors(user).values("pk"))
        | Q(pk__in=Service.objects.filter(pk__in=visible_services(user).values("pk")).values("harbor_id"))
        | Q(pk__in=visible_service_ports(user).values("harbor_id"))
    )


def visible_rosters(user) -> QuerySet:
    from safeharbor.services.models import DutyRoster

    return DutyRoster.objects.filter(harbor__in=Harbor.objects.filter(ports__in=visible_service_ports(user)))


def visible_beneficiaries(user) -> QuerySet:
    """The shared beneficiary records of the harbors whose ports they work in."""
    from safeharbor.services.models import Beneficiary

    return Beneficiary.objects.filter(harbor__in=Harbor.objects.filter(ports__in=visible_service_ports(user)))


def visible_aid_resources(user) -> QuerySet:
    from safeharbor.services.models import AidResource

    return AidResource.objects.filter(harbor__in=Harbor.objects.filter(ports__in=visible_service_ports(user)))

# --- campus ---


# The education bureau (taxonomy unit code "education") oversees every school's campus safety.
EDUCATION_UNIT = "education"


def visible_campus_schools(user) -> QuerySet[School]:
    """Schools for the campus pages: those of visible_schools, and every school for the staff
    of the education bureau (aggregates only, like everybody outside the psychology team)."""
    scope = scope_for(user)
    if scope.everything:
        return School.objects.all()
    if scope is not NOTHING and user.unit_id and user.unit.code == EDUCATION_UNIT:
        return School.objects.all()  # the education bureau: all schools of the installation
    return visible_schools(user)


def _campus_school_q(user, field: str = "school") -> Q:
    """Rows of the schools the user sees on the campus pages."""
    return Q(**{f"{field}__in": visible_campus_schools(user).values("pk")})


def visible_campus(user, model) -> QuerySet:
    """Campus records tied to a school (rooms, gates, terms, incidents, activities, ...)."""
    if scope_for(user).everything:
        return model.objects.all()
    return model.objects.filter(_campus_school_q(user))


def visible_school_classes(user) -> QuerySet:
    from safeharbor.campus.models import SchoolClass

    if scope_for(user).everything:
        return SchoolClass.objects.all()
    return SchoolClass.objects.filter(_campus_school_q(user, "grade__school"))


def visible_own_school_classes(user) -> QuerySet:
    """Classes of the user's own school (pupils' names, such as psychology monitors)."""
    from safeharbor.campus.models import SchoolClass

    scope = scope_for(user)
    if scope.everything:
        return SchoolClass.objects.all()
    return SchoolClass.objects.filter(grade__school_id__in=scope.school_ids)


def visible_hazards(user) -> QuerySet:
    from safeharbor.campus.models import Hazard

    scope = scope_for(user)
    if scope.everything:
        return Hazard.objects.all()
    return Hazard.objects.filter(
        _campus_school_q(user)  # hazards around the schools they see
        | Q(matter__unit_id__in=scope.unit_ids)  # hazards their unit has to rectify
    )


def visible_guards(user) -> QuerySet:
    """Guards (names and phones of volunteers): the school's own staff only, and admins."""
    from safeharbor.campus.models import Guard

    scope = scope_for(user)
    if scope.everything:
        return Guard.objects.all()
    return Guard.objects.filter(school_id__in=scope.school_ids)


def visible_psych_cases(user) -> QuerySet:
    """Individual psychology records: the strictest rule of the platform. Only the school's
    psychology teachers and its designated school leader; not administrators, not the
    district, not the school's other staff (they see aggregates)."""
    from safeharbor.campus.models import PsychCase

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return PsychCase.objects.none()
    condition = Q(school__campus__designated_leader=user)  # the school's designated leader
    if user.role == Role.PSYCH_TEACHER and user.school_id:
        condition |= Q(school_id=user.school_id)  # psychology teachers of the pupil's school
    return PsychCase.objects.filter(condition)

# --- campaigns ---


def visible_campaigns(user) -> QuerySet:
    from safeharbor.campaigns.models import Campaign

    scope = scope_for(user)
    if scope.everything:
        return Campaign.objects.all()
    if scope is NOTHING:
        return Campaign.objects.none()
    return Campaign.objects.filter(
        scope.area_q()  # campaigns run in an area of their subtrees
        | Q(lead_unit_id__in=scope.unit_ids)  # campaigns their unit leads
        | Q(pk__in=Campaign.participating_units.through.objects.filter(  # campaigns their unit takes part in
            unit_id__in=scope.unit_ids).values("campaign_id"))
    )


def visible_progress_reports(user) -> QuerySet:
    from safeharbor.campaigns.models import ProgressReport

    scope = scope_for(user)
    if scope.everything:
        return ProgressReport.objects.all()
    if scope is NOTHING:
        return ProgressReport.objects.none()
    return ProgressReport.objects.filter(
        Q(unit_id__in=scope.unit_ids)  # their own unit's reports
        | Q(campaign__lead_unit_id__in=scope.unit_ids)  # every report of a campaign their unit leads
        | scope.area_q(field="campaign__area")  # reports of campaigns run in their subtrees
    )


def visible_bulletins(user) -> QuerySet:
    """Bulletins of the campaigns they see; drafts only for those who manage the campaign."""
    from safeharbor.campaigns.models import Bulletin

    scope = scope_for(user)
    if scope.everything:
        return Bulletin.objects.all()
    if scope is NOTHING:
        return Bulletin.objects.none()
    return Bulletin.objects.filter(campaign__in=visible_campaigns(user)).filter(
        Q(status=Bulletin.Status.PUBLISHED)  # published circulars go to every participant
        | Q(campaign__lead_unit_id__in=scope.unit_ids)  # drafts: the lead unit
        | scope.area_q(field="campaign__area")  # drafts: the campaign's area staff
    )


def visible_clues(user) -> QuerySet:
    from safeharbor.campaigns.models import Clue

    scope = scope_for(user)
    if scope.everything:
        return Clue.objects.all()
    if scope is NOTHING:
        return Clue.objects.none()
    return Clue.objects.filter(
        Q(campaign__lead_unit_id__in=scope.unit_ids)  # clues of a campaign their unit leads
        | scope.area_q(field="campaign__area")  # clues of campaigns run in their subtrees
    )

# --- publicity ---


def visible_materials(user) -> QuerySet:
    """The materials library: every staff member uses it (it is public material)."""
    from safeharbor.publicity.models import Material

    if scope_for(user) is NOTHING:
        return Material.objects.none()
    return Material.objects.all()


def visible_activities(user) -> QuerySet:
    from safeharbor.publicity.models import Activity

    scope = scope_for(user)
    if scope.everything:
        return Activity.objects.all()
    if scope is NOTHING:
        return Activity.objects.none()
    return Activity.objects.filter(
        scope.area_q()  # activities held in their area subtrees
        | Q(organizer_id__in=scope.unit_ids)  # activities their unit organized
        | Q(pk__in=Activity.units.through.objects.filter(  # activities their unit joined
            unit_id__in=scope.unit_ids).values("activity_id"))
        | Q(harbor_id__in=scope.harbor_ids)  # activities of their harbor
    )

# --- surveys ---


def visible_surveys(user) -> QuerySet:
    from safeharbor.surveys.models import Survey

    scope = scope_for(user)
    if scope.everything:
        return Survey.objects.all()
    if scope is NOTHING:
        return Survey.objects.none()
    return Survey.objects.filter(
        scope.area_q()  # questionnaires about an area of their subtrees
        | Q(owner_unit_id__in=scope.unit_ids)  # questionnaires their unit runs
    )


# --- insights ---


def visible_report_subjects(user, kind: str) -> QuerySet:
    """What a user may draw a report card (平安成绩单) for; the figures on it are further
    limited to visible_matters(user), so a leader sees only their area's share of a unit."""
    from safeharbor.core.models import Domain

    if kind == "harbor":
        return visible_harbors(user)  # harbors of their subtrees, unit, or staff post
    if kind == "unit":
        return visible_units(user)  # their unit, units based in their subtrees, district-wide units
    if kind == "area":
        return visible_areas(user)  # their subtrees (and their harbor's or school's area)
    if kind == "domain" and scope_for(user) is not NOTHING:
        return Domain.objects.all()  # the ten fields: taxonomy every staff member works in
    return Area.objects.none()


def visible_rollups(user) -> QuerySet:
    """The rows of the figures rollups (insights.Rollup) of the matters visible_matters(user)
    would return by area subtree, responsible unit or harbor. Matters a user sees only as a
    co-unit are not in any row of theirs: see visible_co_unit_only_matters."""
    from safeharbor.insights.models import Rollup

    scope = scope_for(user)
    if scope.everything:
        return Rollup.objects.all()
    if scope is NOTHING:
        return Rollup.objects.none()
    condition = Q(pk__in=[])
    for path in scope.area_paths:
        condition |= Q(area_path__startswith=path)
    if scope.unit_ids:
        condition |= Q(unit_id__in=scope.unit_ids)
    if scope.matter_harbor_ids:
        condition |= Q(harbor_id__in=scope.matter_harbor_ids)
    return Rollup.objects.filter(condition)


def visible_co_unit_only_matters(user) -> QuerySet:
    """Matters a user sees only because their unit works on them as a co-unit (outside their
    area subtrees, not their unit's, not their harbor's): figures count them directly."""
    from safeharbor.matters.models import Matter

    scope = scope_for(user)
    if scope.everything or scope is NOTHING or not scope.unit_ids:
        return Matter.objects.none()
    other = Q(unit_id__in=scope.unit_ids)
    for path in scope.area_paths:
        other |= Q(area_path__startswith=path)
    if scope.matter_harbor_ids:
        other |= Q(harbor_id__in=scope.matter_harbor_ids)
    co = Matter.co_units.through.objects.filter(unit_id__in=scope.unit_ids).values("matter_id")
    return Matter.objects.filter(pk__in=co).exclude(other)
