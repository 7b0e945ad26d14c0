"""Reads of the public pages: harbors to find, the board, and what a resident may see of
their own matter (status in plain words, a timeline without staff names or internal notes,
no other person's data)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, FloatField, Prefetch, QuerySet, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safeharbor.core.models import Area, Category, Harbor, Port
from safeharbor.intake.models import Publication
from safeharbor.matters import queries as matter_queries
from safeharbor.matters.models import Attachment, Matter, MatterEvent

S = Matter.Status
A = MatterEvent.Action
EARTH_RADIUS_KM = 6371.0


# --- harbors and categories -----------------------------------------------------------------


def public_harbors() -> QuerySet[Harbor]:
    """The active harbors with what a resident needs to find and call them."""
    return (
        Harbor.objects.filter(active=True)
        .select_related("domain", "area")
        .prefetch_related(Prefetch("ports", queryset=Port.objects.order_by("kind")))
        .order_by("domain__sort_order", "name")
    )


def public_harbor(code: str) -> Harbor | None:
    return Harbor.objects.filter(code=code, active=True).select_related("domain", "area").first()


def category_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active categories grouped by domain, for a select with optgroups."""
    groups: dict[int, tuple[str, list]] = {}
    for category in Category.objects.filter(active=True).select_related("domain").order_by(
        "domain__sort_order", "domain__code", "sort_order", "code"
    ):
        groups.setdefault(category.domain_id, (category.domain.name, []))[1].append((category.pk, category.name))
    return list(groups.values())


def board_areas() -> QuerySet[Area]:
    """The sub-districts and towns: what residents filter the board by."""
    return Area.objects.filter(depth=2).order_by("path")


# --- the public board -----------------------------------------------------------------------


def board_entries(*, area: Area | None = None, lat: float | None = None, lon: float | None = None):
    """Published, not withdrawn matters, newest first; with a position, nearest first
    (haversine distance in km as `distance`, entries without a point last)."""
    entries = Publication.objects.filter(withdrawn_at__isnull=True).select_related("matter")
    if area is not None:
        entries = entries.filter(matter__area_path__startswith=area.path)
    if lat is None or lon is None:
        return entries.order_by("-published_at", "-pk")
    rlat, rlon = Radians(Value(lat, output_field=FloatField())), Radians(Value(lon, output_field=FloatField()))
    half_dlat = (Radians(F("lat")) - rlat) / 2
    half_dlon = (Radians(F("lon")) - rlon) / 2
    a = Power(Sin(half_dlat), 2) + Cos(rlat) * Cos(Radians(F("lat"))) * Power(Sin(half_dlon), 2)
    distance = 2 * EARTH_RADIUS_KM * ASin(Sqrt(a))
    return entries.annotate(distance=distance).order_by(F("distance").asc(nulls_last=True), "-published_at")


def get_publication(pk: int) -> Publication | None:
    return Publication.objects.filter(pk=pk, withdrawn_at__isnull=True).select_related("matter").first()


# --- a resident's own matter ----------------------------------------------------------------

# Status in the words a resident uses; the board says "handled" where the reporter is asked.
STATUS_WORDS = {
    S.RECEIVED: pgettext_lazy("resident status", "received"),
    S.DISPATCHED: pgettext_lazy("resident status", "passed to the responsible unit"),
    S.ACCEPTED: pgettext_lazy("resident status", "being handled"),
    S.IN_PROGRESS: pgettext_lazy("resident status", "being handled"),
    S.RETURNED: pgettext_lazy("resident status", "being passed to the right unit"),
    S.RESOLVED: pgettext_lazy("resident status", "handled, waiting for your opinion"),
    S.REOPENED: pgettext_lazy("resident status", "being handled again"),
    S.CLOSED: pgettext_lazy("resident status", "finished"),
    S.MERGED: pgettext_lazy("resident status", "handled together with the same problem"),
    S.REJECTED: pgettext_lazy("resident status", "not accepted"),
}
BOARD_STATUS_WORDS = {**STATUS_WORDS, S.RESOLVED: pgettext_lazy("resident status", "handled")}

STATUS_HINTS = {
    S.RECEIVED: gettext_lazy("Your report is registered. It will be passed to the unit responsible for it."),
    S.DISPATCHED: gettext_lazy("The responsible unit has it and will sign for it soon."),
    S.ACCEPTED: gettext_lazy("The responsible unit is working on it."),
    S.IN_PROGRESS: gettext_lazy("The responsible unit is working on it."),
    S.RETURNED: gettext_lazy("It reached a unit that is not responsible for it; it is being passed to the right one."),
    S.RESOLVED: gettext_lazy("The unit reports it handled. Please tell us below whether that is true."),
    S.REOPENED: gettext_lazy("It went back to the unit to be handled again."),
    S.CLOSED: gettext_lazy("The matter is finished. Thank you for reporting it."),
    S.REJECTED: gettext_lazy("It cannot be handled here; the reason is below."),
}


def status_words(status: str, *, board: bool = False) -> str:
    return str((BOARD_STATUS_WORDS if board else STATUS_WORDS).get(status, status))


def main_matter(matter: Matter) -> Matter:
    """The matter whose progress this reporter follows: their own, or the one theirs was
    merged into (duplicates of duplicates point at the main matter already)."""
    seen = {matter.pk}
    current = matter
    while current.status == S.MERGED and current.merged_into_id and current.merged_into_id not in seen:
        seen.add(current.merged_into_id)
        current = Matter.objects.select_related("unit", "category").get(pk=current.merged_into_id)
    return current


def deadline_words(matter: Matter) -> str:
    """When the matter should be done, in plain words ("" when no deadline applies)."""
    from safeharbor.intake.templatetags.public_tags import when

    if not matter.is_open:
        return ""
    due = matter.resolve_due_at
    if due and due < timezone.now():
        return _("The time limit for handling it passed on %(when)s; the unit is being urged to finish it.") % {
            "when": when(due)
        }
    if due:
        return _("By the rules it should be handled by %(when)s.") % {"when": when(due)}
    return _("It is usually passed to the responsible unit within one working day.")


@dataclass
class Step:
    """One line of the resident's timeline."""

    at: datetime
    title: str
    text: str = ""
    photos: list = field(default_factory=list)


def _unit_name(event: MatterEvent) -> str:
    return event.unit.name if event.unit_id else _("the responsible unit")


def _step(event: MatterEvent, *, own: bool, with_text: bool = True) -> Step | None:
    """What a resident may read of one event; None for what is not theirs to read. Never
    the actor (staff names), never an internal note: a whitelist by action."""
    photos = [a for a in event.attachments.all() if a.public] if with_text else []
    text = ""
    if event.action == A.CREATED:
        if not own:
            return None
        title = _("Your report was registered")
    elif event.action == A.DISPATCHED:
        title = _("Passed to %(unit)s") % {"unit": _unit_name(event)}  # the note is the dispatcher's instruction
    elif event.action == A.ACCEPTED:
        title = _("%(unit)s signed for it and is handling it") % {"unit": _unit_name(event)}
    elif event.action == A.NOTE:
        title, text = _("Progress"), event.note
    elif event.action == A.INFO_ADDED:
        if not own:
            return None
        title, text = _("You added information"), event.note
    elif event.action == A.RESOLVED:
        title, text = _("Handled: the result"), event.note
    elif event.action == A.FOLLOW_UP:
        if not own:
            return None
        label = Matter.Satisfaction(event.data["satisfaction"]).label if event.data.get("satisfaction") else ""
        title, text = _("Your opinion: %(satisfaction)s") % {"satisfaction": label}, event.note
    elif event.action == A.REOPENED:
        title = _("Sent back to be handled again")
    elif event.action == A.CLOSED:
        title = _("Finished")
    elif event.action == A.MERGED:
        if not own:
            return None
        title = _("Handled together with the same problem reported by others")
    elif event.action == A.REJECTED:
        title, text = _("Not accepted"), event.note
    else:
        return None
    return Step(at=event.at, title=title, text=text if with_text else "", photos=photos)


def resident_timeline(matter: Matter) -> list[Step]:
    """The reporter's timeline: their own matter's public events and, once it was merged,
    the main matter's progress (without the other reporter's words or photos)."""
    steps = [s for e in matter_queries.timeline(matter, public_only=True) if (s := _step(e, own=True))]
    main = main_matter(matter)
    if main.pk != matter.pk:
        merged_at = (
            matter.events.filter(action=A.MERGED).order_by("-at").values_list("at", flat=True).first()
            or matter.created_at
        )
        for event in matter_queries.timeline(main).filter(at__gte=merged_at):
            if event.public:
                step = _step(event, own=False)
            elif event.action == A.INFO_ADDED and event.data.get("duplicate") == matter.tracking_code:
                step = Step(at=event.at, title=_("You added information"), text=event.note,
                            photos=list(event.attachments.all()))
            else:
                step = None
            if step:
                steps.append(step)
        steps.sort(key=lambda s: s.at)
    return steps


def board_timeline(matter: Matter) -> list[Step]:
    """The public board's timeline: what happened, not what anyone wrote."""
    return [s for e in matter_queries.timeline(matter, public_only=True) if (s := _step(e, own=False, with_text=False))]


def report_photos(matter: Matter) -> QuerySet[Attachment]:
    """The photos that came with the report itself."""
    return matter.attachments.filter(event__isnull=True, public=True).order_by("pk")


def resident_attachment(matter: Matter, pk: int) -> Attachment | None:
    """An attachment this matter's reporter may open: their report's photos and the
    photos shown on their timeline; None otherwise."""
    allowed = {a.pk for a in report_photos(matter)}
    for step in resident_timeline(matter):
        allowed.update(a.pk for a in step.photos)
    return Attachment.objects.filter(pk=pk).first() if pk in allowed else None


def rating_target(matter: Matter) -> Matter | None:
    """The matter whose result this reporter may rate now, or None: their own once it is
    resolved; for a duplicate, the main matter once it is handled. One answer per round."""
    main = main_matter(matter)
    if main.resolved_at is None or main.status not in (S.RESOLVED, S.CLOSED):
        return None
    if main.pk == matter.pk and main.status != S.RESOLVED:
        return None
    if matter.follow_ups.filter(at__gte=main.resolved_at).exists():
        return None
    return main


def last_follow_up(matter: Matter):
    return matter.follow_ups.order_by("-at").first()
