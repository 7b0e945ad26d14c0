"""Reads of the matter engine: inboxes, lists with filters, the timeline. Pages, exports
and the API all start from these, and these all start from access.visible_matters."""

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from safeharbor.core import access
from safeharbor.core.models import Area
from safeharbor.matters.models import Extension, Matter, MatterEvent, Supervision

S = Matter.Status

# Inboxes: name -> how it narrows the visible matters for this user.
INBOXES = ("all", "dispatch", "unit", "mine", "new_info", "near_deadline", "overdue", "escalated", "extensions",
           "supervised")


@dataclass
class MatterFilter:
    """The filters of the matter lists, shared by pages, exports and the API."""

    status: str = ""
    category: str = ""  # category code
    domain: str = ""  # domain code
    area: int | None = None  # area id: the area and everything under it
    harbor: int | None = None
    unit: int | None = None
    source: str = ""
    urgency: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""  # text search: description, title, place, tracking code

    @classmethod
    def from_params(cls, params) -> "MatterFilter":
        """Read the filters from GET parameters; malformed values are ignored, not errors."""
        values = {}
        for f in fields(cls):
            raw = (params.get(f.name) or "").strip()
            if not raw:
                continue
            if f.name in ("area", "harbor", "unit"):
                if raw.isdigit():
                    values[f.name] = int(raw)
            elif f.name in ("date_from", "date_to"):
                try:
                    values[f.name] = date.fromisoformat(raw)
                except ValueError:
                    pass
            else:
                values[f.name] = raw[:100]
        return cls(**values)

    def apply(self, matters: QuerySet) -> QuerySet:
        if self.status:
            if self.status == "open":
                matters = matters.filter(status__in=Matter.OPEN_STATUSES)
            else:
                matters = matters.filter(status=self.status)
        if self.category:
            matters = matters.filter(category__code=self.category)
        if self.domain:
            matters = matters.filter(domain__code=self.domain)
        if self.area:
            path = Area.objects.filter(pk=self.area).values_list("path", flat=True).first()
            matters = matters.filter(area_path__startswith=path) if path else matters.none()
        if self.harbor:
            matters = matters.filter(harbor_id=self.harbor)
        if self.unit:
            matters = matters.filter(unit_id=self.unit)
        if self.source:
            matters = matters.filter(source=self.source)
        if self.urgency:
            matters = matters.filter(urgency=self.urgency)
        if self.date_from:
            matters = matters.filter(created_at__gte=_start_of(self.date_from))
        if self.date_to:
            matters = matters.filter(created_at__lt=_start_of(self.date_to + timedelta(days=1)))
        if self.q:
            # Substring search works for Chinese without segmentation: 漏水 finds 楼上漏水了.
            q = self.q
            matters = matters.filter(
                Q(description__contains=q) | Q(title__contains=q) | Q(address__contains=q)
                | Q(tracking_code__iexact=q.upper())
            )
        return matters


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def inbox_q(user, name: str, *, now=None) -> Q:
    """What narrows the visible matters to one inbox (no joins: counts stay cheap)."""
    now = now or timezone.now()
    if name == "dispatch":  # new and returned: waiting for the dispatcher
        return Q(status__in=[S.RECEIVED, S.RETURNED])
    if name == "unit":  # dispatched to my unit, waiting to be accepted
        return Q(unit_id=user.unit_id, status__in=[S.DISPATCHED, S.REOPENED])
    if name == "mine":  # what I, or my unit, are working on
        if user.unit_id:
            return Q(unit_id=user.unit_id, status__in=[S.ACCEPTED, S.IN_PROGRESS])
        return Q(assignee=user, status__in=Matter.OPEN_STATUSES)
    if name == "near_deadline":
        return Q(status__in=Matter.OPEN_STATUSES, warn_at__lte=now, due_at__gt=now)
    if name == "overdue":
        return Q(status__in=Matter.OPEN_STATUSES, due_at__lte=now)
    if name == "escalated":
        if access.is_admin(user):
            return Q(status__in=Matter.OPEN_STATUSES, escalated_to__isnull=False)
        # A list, not a subquery: SQLite then uses the escalated_to index.
        return Q(status__in=Matter.OPEN_STATUSES, escalated_to__in=list(user.areas.values_list("pk", flat=True)))
    if name == "extensions":
        return Q(pk__in=Extension.objects.filter(status=Extension.Status.REQUESTED).values("matter_id"))
    if name == "supervised":
        return Q(supervised=True)
    if name == "new_info":  # the reporter added something on the tracking page, not read yet
        return Q(new_info_at__isnull=False)
    return Q()


def inbox(user, name: str, *, now=None) -> QuerySet:
    """The matters of one inbox, for this user, before filters."""
    return access.visible_matters(user).filter(inbox_q(user, name, now=now))


def matter_list(user, inbox_name: str = "all", filters: MatterFilter | None = None, *, now=None) -> QuerySet:
    matters = inbox(user, inbox_name, now=now)
    if filters:
        matters = filters.apply(matters)
    order = ("due_at", "-created_at") if inbox_name in ("near_deadline", "overdue", "unit", "mine") else ("-created_at",)
    # The area comes by a prefetch, not a join: with the join, SQLite starts from the areas
    # and sorts every overdue matter of a district to show fifty.
    return (
        matters.select_related("category", "unit", "harbor", "domain")
        .prefetch_related(Prefetch("area", queryset=Area.objects.only("pk", "name", "path")))
        .order_by(*order)
    )


def inbox_counts(user, *, now=None) -> dict[str, int]:
    """How many matters wait in each inbox that makes sense for this user's role."""
    # One indexed count per inbox; "all" is not counted (a full count of a district is slow).
    now = now or timezone.now()
    return {name: inbox(user, name, now=now).count() for name in inbox_names_for(user) if name != "all"}


def inbox_names_for(user) -> list[str]:
    from safeharbor.core.models import User

    role = User.Role.ADMIN if access.is_admin(user) else user.role
    if role in (User.Role.DISPATCHER, User.Role.ADMIN):
        return ["dispatch", "new_info", "extensions", "near_deadline", "overdue", "escalated", "supervised", "all"]
    if role == User.Role.LEADER:
        return ["overdue", "near_deadline", "supervised", "all"]
    if user.unit_id:
        return ["unit", "mine", "new_info", "near_deadline", "overdue", "supervised", "all"]
    return ["mine", "near_deadline", "overdue", "all"]


def get_matter(user, pk: int) -> Matter:
    return access.get_visible_or_404(
        access.visible_matters(user).select_related(
            "category", "domain", "area", "unit", "harbor", "assignee", "merged_into", "created_by"
        ),
        pk=pk,
    )


def timeline(matter: Matter, *, public_only: bool = False) -> QuerySet[MatterEvent]:
    events = matter.events.select_related("actor", "unit").prefetch_related("attachments")
    return events.filter(public=True) if public_only else events


def held_durations(matter: Matter) -> list[dict]:
    """How long each unit held the matter before returning it (for scenario: misrouted)."""
    return [
        {"unit": e.unit, "seconds": e.data.get("held_seconds", 0), "at": e.at, "reason": e.note}
        for e in matter.events.filter(action=MatterEvent.Action.RETURNED).select_related("unit")
    ]


def supervision_list(user, *, status: str = "") -> QuerySet[Supervision]:
    orders = access.visible_supervisions(user).select_related("unit", "issued_by", "replied_by")
    if status:
        orders = orders.filter(status=status)
    return orders.prefetch_related("matters").order_by("-issued_at")


# --- Reads for the staff pages -------------------------------------------------------------


def filtered_count(matters: QuerySet, *, cap: int = 1000) -> int:
    """How many rows match, counted up to `cap` only: a long list stays fast at 200,000
    matters, and "more than 1000" is all a person needs to know."""
    return matters.order_by()[: cap + 1].count()


def matter_by_code(user, code: str) -> Matter | None:
    """The matter with this tracking code, if the user can see it."""
    code = (code or "").strip().upper()
    return access.visible_matters(user).filter(tracking_code=code).first() if code else None


def matters_by_ids(user, ids) -> QuerySet[Matter]:
    """The visible ones among the chosen matters (for orders on several matters at once)."""
    ids = [int(i) for i in ids if str(i).isdigit()]
    return access.visible_matters(user).filter(pk__in=ids).select_related("unit", "category", "area")


def matter_extensions(matter: Matter) -> QuerySet:
    return matter.extensions.select_related("requested_by", "decided_by").order_by("-requested_at")


def matter_supervisions(matter: Matter) -> QuerySet[Supervision]:
    return matter.supervisions.select_related("unit", "issued_by", "replied_by").order_by("-issued_at")


def matter_follow_ups(matter: Matter) -> QuerySet:
    return matter.follow_ups.select_related("recorded_by").order_by("-at")


def co_unit_notes(matter: Matter) -> QuerySet[MatterEvent]:
    """The handling notes written by the co-units (协办单位意见)."""
    return timeline(matter).filter(
        action=MatterEvent.Action.NOTE, unit__in=matter.co_units.values("pk")
    ).exclude(unit_id=matter.unit_id)


def assignable_users(user, unit=None) -> QuerySet:
    """Active staff of the member units this user sees (of one unit when given): who a
    matter can be assigned to."""
    users = access.visible_users(user).filter(is_active=True, unit__isnull=False, unit__active=True)
    if unit is not None:
        users = users.filter(unit=unit)
    return users.select_related("unit").order_by("unit__sort_order", "unit__code", "username")


def get_attachment(user, pk: int):
    """An attachment of a matter or a meeting the user can see; 404 otherwise."""
    from safeharbor.matters.models import Attachment

    attachments = Attachment.objects.filter(
        Q(matter__in=access.visible_matters(user)) | Q(meeting__in=access.visible_meetings(user))
    )
    return access.get_visible_or_404(attachments, pk=pk)


def get_supervision(user, pk: int) -> Supervision:
    return access.get_visible_or_404(supervision_list(user), pk=pk)


def supervision_matters(supervision: Supervision) -> QuerySet[Matter]:
    return supervision.matters.select_related("category", "area", "unit").order_by("due_at", "-created_at")


def meeting_list(user) -> QuerySet:
    from django.db.models import Count

    return (
        access.visible_meetings(user)
        .select_related("organizer", "area", "harbor")
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-held_at")
    )


def get_meeting(user, pk: int):
    meetings = access.visible_meetings(user).select_related("organizer", "area", "harbor", "created_by")
    return access.get_visible_or_404(meetings, pk=pk)


def meeting_decisions(user, meeting) -> list:
    """The decisions with their matter's status and deadline; `visible` says whether the
    user may open the matter (a unit attending a meeting does not see other units' tasks)."""
    decisions = list(meeting.decisions.select_related("owner_unit", "matter"))
    visible = set(
        access.visible_matters(user).filter(pk__in=[d.matter_id for d in decisions]).values_list("pk", flat=True)
    )
    for decision in decisions:
        decision.visible = decision.matter_id in visible
    return decisions


def commendation_list(user) -> QuerySet:
    return (
        access.visible_commendations(user)
        .select_related("unit", "person", "matter", "area")
        .order_by("-received_on", "-pk")
    )


def matter_files(matter: Matter) -> QuerySet:
    """Attachments that came with the report itself (not with a later note or result)."""
    return matter.attachments.filter(event__isnull=True).order_by("uploaded_at")


def matter_duplicates(matter: Matter) -> QuerySet[Matter]:
    # By pk: with the default -created_at order SQLite walks the created_at index instead
    # of the merged_into one.
    return matter.duplicates.only("pk", "tracking_code", "title", "description").order_by("pk")
