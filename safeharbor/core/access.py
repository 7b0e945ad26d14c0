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

# --- mediation ---

# --- services ---

# --- campus ---

# --- campaigns ---

# --- publicity ---

# --- surveys ---

# --- insights ---
