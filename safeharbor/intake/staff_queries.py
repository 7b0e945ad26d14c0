"""Reads of the staff intake desks (hotline, patrol, walk-in, posters, publishing, imports).
Every one starts from safeharbor.core.access."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from safeharbor.core import access
from safeharbor.core.crypto import blind_index, normalize_phone
from safeharbor.core.models import Area, Harbor
from safeharbor.intake.models import ImportBatch, Publication
from safeharbor.matters.models import Matter

SAME_CALLER_LIMIT = 10
MIN_PHONE_DIGITS = 7
PATROL_LEVELS = (Area.Level.GRID, Area.Level.COMPOUND)


def same_caller(user, phone: str) -> QuerySet[Matter]:
    """The earlier matters of the person on this phone number that this user may see,
    newest first (by the blind index: the number itself is stored encrypted)."""
    if len(normalize_phone(phone)) < MIN_PHONE_DIGITS:
        return Matter.objects.none()
    return (
        access.visible_matters(user)
        .filter(reporter_phone_index=blind_index(phone))
        .select_related("category", "area")
        .order_by("-created_at")[:SAME_CALLER_LIMIT]
    )


def poster_harbor(user, code: str) -> Harbor:
    """A harbor for its poster: 404 outside the user's scope, like the harbor page."""
    harbors = access.visible_harbors(user).select_related("domain", "area")
    return access.get_visible_or_404(harbors, code=code)


def harbor_ports(harbor: Harbor) -> QuerySet:
    return harbor.ports.select_related("owner_unit").order_by("kind")


def patrol_areas(user) -> QuerySet[Area]:
    """The grids and compounds a grid worker may register findings in."""
    return access.visible_areas(user).filter(level__in=PATROL_LEVELS).order_by("path")


def patrol_matters(user, *, limit: int = 50) -> QuerySet[Matter]:
    """The matters of my grids: those waiting for a follow-up visit first, then the open
    ones, newest first."""
    waiting = Case(When(status=Matter.Status.RESOLVED, then=Value(0)), default=Value(1),
                   output_field=IntegerField())
    statuses = [*Matter.OPEN_STATUSES, Matter.Status.RESOLVED]
    return (
        access.visible_matters(user)
        .filter(status__in=statuses)
        .select_related("category", "area")
        .annotate(waiting=waiting)
        .order_by("waiting", "-created_at")[:limit]
    )


def visit_matter(user, pk: int) -> Matter:
    return access.get_visible_or_404(access.visible_matters(user).select_related("category", "area"), pk=pk)


def walk_in_harbors(user) -> QuerySet[Harbor]:
    return access.visible_harbors(user).filter(active=True).select_related("area").order_by("name")


def publication_for(user, pk: int) -> tuple[Matter, Publication | None]:
    """A matter (404 outside the scope) and its public board entry, if it has one."""
    matter = access.get_visible_or_404(access.visible_matters(user).select_related("category", "area"), pk=pk)
    return matter, Publication.objects.filter(matter=matter).first()


def import_batches(user) -> QuerySet[ImportBatch]:
    """Imports are configuration: administrators only."""
    if not access.is_admin(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.select_related("created_by").order_by("-created_at")
