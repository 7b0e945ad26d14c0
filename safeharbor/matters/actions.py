"""Every change of a matter goes through these functions: pages, API, worker and admin.

Each one locks the row (select_for_update), checks scope, role and state, changes the
matter, writes a MatterEvent and commits atomically. Two people acting at the same moment:
the second one waits for the lock, then finds the state moved on and gets a ConflictError
saying what happened.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.crypto import blind_index
from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import Area, Category, Harbor, Unit, User
from safeharbor.lib import codes, workdays
from safeharbor.lib.inserts import insert, prepare
from safeharbor.lib.memo import memo
from safeharbor.matters import deadlines, hooks, rules
from safeharbor.matters.models import (
    Attachment,
    Commendation,
    Decision,
    Extension,
    FollowUp,
    Matter,
    MatterEvent,
    Meeting,
    Supervision,
    Urgency,
)

S = Matter.Status
A = MatterEvent.Action
MAX_TEXT = 5000


# --- helpers ------------------------------------------------------------------------------


def _lock(matter: Matter | int) -> Matter:
    pk = matter.pk if isinstance(matter, Matter) else matter
    # of=("self",): lock the matter row only. PostgreSQL refuses FOR UPDATE on the nullable
    # side of the outer joins that select_related makes for category and unit.
    return Matter.objects.select_for_update(of=("self",)).select_related("category", "unit", "area").get(pk=pk)


def _load_for(actor, matter, action: str, *, expected_status: str | None = None) -> Matter:
    """Lock the matter, then check scope (404), role (403) and state (409)."""
    locked = _lock(matter)
    if actor is not None and not access.visible_matters(actor).filter(pk=locked.pk).exists():
        raise access.Http404
    if actor is not None and not rules.role_allows(actor, locked, action):
        raise PermissionDenied(_("Your role does not allow this action on this matter."))
    if expected_status and locked.status != expected_status:
        raise ConflictError(
            _("Someone else changed this matter in the meantime: it is now “%(status)s”. Reload the page.")
            % {"status": locked.get_status_display()},
            extra={"status": locked.status},
        )
    if locked.status not in rules.STATES[action]:
        raise ConflictError(
            _("This matter is “%(status)s”; that action is not possible now.")
            % {"status": locked.get_status_display()},
            extra={"status": locked.status},
        )
    return locked


def _event(matter: Matter, actor, action: str, *, before: str = "", note: str = "", unit=None,
           data: dict | None = None, public: bool = False, at=None) -> MatterEvent:
    event = _new_event(matter, actor, action, before=before, note=note, unit=unit, data=data, public=public, at=at)
    insert(event)  # its statement built once: every change of every matter records an event
    hooks.run_event_hooks(event)
    return event


def _new_event(matter: Matter, actor, action: str, *, before: str = "", note: str = "", unit=None,
               data: dict | None = None, public: bool = False, at=None) -> MatterEvent:
    return MatterEvent(
        matter=matter, actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
        from_status=before, to_status=matter.status, note=note, unit=unit, data=data or {}, public=public,
        at=at or timezone.now(),
    )


def _save(matter: Matter, *fields: str) -> None:
    matter.updated_at = timezone.now()
    matter.save(update_fields=[*fields, "updated_at"])


def _text(value: str, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Please fill in this field."), extra={"field": field})
    if len(value) > limit:
        raise ActionError(
            _("This text is too long: at most %(n)d characters.") % {"n": limit}, extra={"field": field}
        )
    return value


def _start_clock(matter: Matter, due, start=None) -> list[str]:
    """Make `due` the running deadline and reset the sweep markers for it."""
    start = start or timezone.now()
    matter.due_at = due
    matter.warn_at = deadlines.warn_time(start, due) if due else None
    matter.warned_at = matter.overdue_at = matter.auto_supervised_at = matter.escalated_at = None
    matter.escalated_to = None
    return ["due_at", "warn_at", "warned_at", "overdue_at", "auto_supervised_at", "escalated_at", "escalated_to"]


def _stop_clock(matter: Matter) -> list[str]:
    return _start_clock(matter, None)


def _attach(matter: Matter, event: MatterEvent, files, actor, *, public=False) -> None:
    for upload in files or ():
        Attachment.objects.create(
            matter=matter, event=event, file=upload, name=upload.name[:200],
            content_type=getattr(upload, "content_type", "") or "", size=upload.size,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None, public=public,
        )


def _urgency(value: str) -> str:
    if value not in Urgency.values:
        raise ActionError(_("Choose an urgency."), extra={"field": "urgency"})
    return value


def _lapse_pending_extension(matter: Matter) -> None:
    """The matter left the unit's hands (resolved, returned) while an extension request was
    waiting: nothing is left to decide. Close the request, so that it leaves the dispatcher's
    inbox and does not block a request after a reopening."""
    now = timezone.now()
    matter.extensions.filter(status=Extension.Status.REQUESTED).update(
        status=Extension.Status.DENIED, decided_at=now,
        decision_note=_("Lapsed without a decision: the matter was %(status)s first.")
        % {"status": matter.get_status_display()},
    )


def _require_unit_member(user: User, unit: Unit) -> None:
    if user.unit_id != unit.pk:
        raise ActionError(
            _("%(name)s does not belong to %(unit)s.") % {"name": user.display_name, "unit": unit.name},
            extra={"field": "assignee"},
        )


# --- registering -------------------------------------------------------------------------


@memo(seconds=60, clear_on=(Area,))
def default_area() -> Area | None:
    """The district (the first top-level area), read once a minute per process."""
    return Area.objects.filter(depth=1).order_by("path").first()


def _default_area_for(actor) -> Area | None:
    """Where a matter registered without a place goes: the district, or, for staff who do not
    see the district, their own area (else they must choose one), so that they never register a
    matter they cannot see."""
    area = default_area()
    if actor is None or area is None or access.visible_areas(actor).filter(pk=area.pk).exists():
        return area
    roots = access.scope_for(actor).area_paths
    own = Area.objects.filter(path=roots[0]).first() if len(roots) == 1 else None
    if own is None:
        raise ActionError(_("Please fill in this field."), extra={"field": "area"})
    return own


def create_matter(
    *, actor, description: str, source: str = Matter.Source.STAFF, title: str = "",
    category: Category | None = None, area: Area | None = None, harbor: Harbor | None = None,
    address: str = "", lat: float | None = None, lon: float | None = None, anonymous: bool = False,
    reporter_name: str = "", reporter_phone: str = "", urgency: str = Urgency.NORMAL, created_at=None,
    attachments=(),
) -> tuple[Matter, str]:
    """Register a matter (受理). Returns the matter and its check code (shown once).

    `attachments`: unsaved Attachment rows (files already stored) that belong to the report
    itself; they are saved with the matter.

    Checks and reads come first and the transaction only writes: on SQLite writers take turns,
    so whatever runs inside the transaction makes every other writer wait. The tracking code
    (a billion per day) is not looked up first: the unique constraint refuses a code drawn
    twice, and then another is drawn."""
    description = _text(description, "description")
    title = _text(title, "title", required=False, limit=200)
    urgency = _urgency(urgency)
    if actor is not None:
        access.require_write(actor)  # leaders look, they do not register
    if actor is not None and area is not None and not access.visible_areas(actor).filter(pk=area.pk).exists():
        raise ActionError(_("That area is outside your area of work."), extra={"field": "area"})
    if area is None and harbor is not None:
        area = harbor.area
    if area is None:
        area = _default_area_for(actor)
    if area is None:
        raise ActionError(_("The installation has no areas yet."), extra={"field": "area"})
    created_at = created_at or timezone.now()
    day = timezone.localtime(created_at).date()
    check = codes.check_code()
    matter = Matter(
        tracking_code=codes.tracking_code(day),
        check_code_hash=blind_index(check, kind="check"), source=source, title=title, description=description,
        category=category, domain=category.domain if category else (harbor.domain if harbor else None),
        area=area, area_path=area.path, harbor=harbor, address=_text(address, "address", required=False, limit=200),
        lat=lat, lon=lon, anonymous=anonymous, reporter_name="" if anonymous else reporter_name.strip(),
        reporter_phone=reporter_phone.strip(), urgency=urgency, created_by=actor if actor else None,
        created_at=created_at, updated_at=created_at,
    )
    matter.reporter_phone_index = blind_index(matter.reporter_phone) if matter.reporter_phone else ""
    event = _new_event(matter, actor, A.CREATED, public=True, at=created_at,
                       data={"source": source, "category": category.code if category else None})
    while True:
        # Both rows' values are computed before the transaction, which then only runs them.
        rows = [prepare(matter), prepare(event, late=("matter",))]
        try:
            with transaction.atomic():
                for row in rows:
                    row.run()
                hooks.run_event_hooks(event)
                for attachment in attachments:
                    attachment.matter = matter
                Attachment.objects.bulk_create(attachments)
            return matter, check
        except IntegrityError:
            matter.pk = None
            if not Matter.objects.filter(tracking_code=matter.tracking_code).exists():
                raise  # not a tracking code drawn twice
            matter.tracking_code = codes.tracking_code(day)


def check_code_matches(matter: Matter, check: str) -> bool:
    import hmac

    return hmac.compare_digest(matter.check_code_hash, blind_index((check or "").strip(), kind="check"))


# --- dispatch, accept, return ---------------------------------------------------------------


@transaction.atomic
def dispatch_matter(
    matter: Matter, *, actor, unit: Unit, co_units=(), assignee: User | None = None,
    category: Category | None = None, urgency: str | None = None, note: str = "",
    expected_status: str | None = None,
) -> Matter:
    """Send the matter to the unit that must act (分拨/派单), or to another one (改派)."""
    matter = _load_for(actor, matter, "dispatch", expected_status=expected_status)
    if not unit.active:
        raise ActionError(_("%(unit)s is not active.") % {"unit": unit.name}, extra={"field": "unit"})
    co_units = [u for u in co_units if u.pk != unit.pk]
    if urgency:
        urgency = _urgency(urgency)
    if assignee is not None:
        _require_unit_member(assignee, unit)
    before = matter.status
    changes = {}
    if category is not None and category.pk != matter.category_id:
        changes["category"] = [matter.category.code if matter.category else None, category.code]
        matter.category, matter.domain = category, category.domain
    if urgency and urgency != matter.urgency:
        changes["urgency"] = [matter.urgency, urgency]
        matter.urgency = urgency
    if matter.unit_id != unit.pk:
        changes["unit"] = [matter.unit.code if matter.unit else None, unit.code]
    now = timezone.now()
    accept, resolve, ret = deadlines.limits_for(matter)
    matter.unit, matter.assignee, matter.status, matter.dispatched_at = unit, assignee, S.DISPATCHED, now
    # A fresh dispatch: whether the unit signs in time is judged anew (a returned matter may
    # have been signed late by the unit that sent it back).
    matter.accepted_at, matter.accept_late = None, False
    matter.accept_due_at = deadlines.add_limit(now, *accept)
    matter.resolve_due_at = deadlines.add_limit(now, *resolve)
    matter.return_due_at = deadlines.add_limit(now, *ret)
    fields = _start_clock(matter, matter.accept_due_at, now)
    _save(matter, "unit", "assignee", "status", "dispatched_at", "accepted_at", "accept_late", "accept_due_at",
          "resolve_due_at", "return_due_at", "category", "domain", "urgency", *fields)
    matter.co_units.set(co_units)
    if co_units:
        changes["co_units"] = [u.code for u in co_units]
    _event(matter, actor, A.DISPATCHED, before=before, unit=unit, note=_text(note, "note", required=False),
           data=changes, public=True)
    return matter


@transaction.atomic
def accept_matter(matter: Matter, *, actor, expected_status: str | None = None) -> Matter:
    """The unit signs for the matter (签收); the resolve clock runs from now on."""
    matter = _load_for(actor, matter, "accept", expected_status=expected_status)
    before, now = matter.status, timezone.now()
    matter.status, matter.accepted_at = S.ACCEPTED, now
    matter.accept_late = matter.accept_late or bool(matter.accept_due_at and now > matter.accept_due_at)
    if matter.assignee_id is None and actor is not None and actor.unit_id == matter.unit_id:
        matter.assignee = actor
    fields = _start_clock(matter, matter.resolve_due_at, matter.dispatched_at or now)
    _save(matter, "status", "accepted_at", "accept_late", "assignee", *fields)
    _event(matter, actor, A.ACCEPTED, before=before, unit=matter.unit, public=True)
    return matter


@transaction.atomic
def return_matter(matter: Matter, *, actor, reason: str, expected_status: str | None = None) -> Matter:
    """The unit sends a misrouted matter back (退单) with its reason, within the return limit."""
    matter = _load_for(actor, matter, "return", expected_status=expected_status)
    reason = _text(reason, "reason")
    now = timezone.now()
    if matter.return_due_at is None and not access.is_admin(actor):
        # A meeting decision was assigned to the unit at the meeting: it cannot be misrouted.
        raise ConflictError(_("This matter cannot be returned as misrouted."))
    if matter.return_due_at and now > matter.return_due_at and not access.is_admin(actor):
        raise ConflictError(
            _("The time to return this matter ended at %(when)s. Ask the dispatcher to re-dispatch it instead.")
            % {"when": timezone.localtime(matter.return_due_at).strftime("%Y-%m-%d %H:%M")}
        )
    before, unit = matter.status, matter.unit
    held = now - (matter.dispatched_at or now)
    matter.status, matter.assignee = S.RETURNED, None
    fields = _stop_clock(matter)
    _save(matter, "status", "assignee", *fields)
    _lapse_pending_extension(matter)
    _event(matter, actor, A.RETURNED, before=before, unit=unit, note=reason,
           data={"held_seconds": int(held.total_seconds())})
    return matter


@transaction.atomic
def assign_matter(matter: Matter, *, actor, assignee: User, expected_status: str | None = None) -> Matter:
    matter = _load_for(actor, matter, "assign", expected_status=expected_status)
    _require_unit_member(assignee, matter.unit)
    previous = matter.assignee
    matter.assignee = assignee
    _save(matter, "assignee")
    _event(matter, actor, A.ASSIGNED, before=matter.status, unit=matter.unit,
           data={"assignee": [previous.username if previous else None, assignee.username]})
    return matter


# --- handling -------------------------------------------------------------------------------


@transaction.atomic
def acknowledge_new_info(matter: Matter, *, actor) -> Matter:
    """The handler (or dispatcher) has read what the reporter added on the tracking page."""
    matter = _load_for(actor, matter, "note")
    if matter.new_info_at:
        matter.new_info_at = None
        _save(matter, "new_info_at")
    return matter


@transaction.atomic
def add_note(matter: Matter, *, actor, note: str, files=(), public: bool = False) -> MatterEvent:
    """A handling note (办理过程), with attachments; the first one by the responsible unit
    starts the work (in progress)."""
    matter = _load_for(actor, matter, "note")
    note = _text(note, "note")
    before = matter.status
    if matter.status == S.ACCEPTED and rules.in_responsible_unit(actor, matter):
        matter.status = S.IN_PROGRESS
        _save(matter, "status")
    event = _event(matter, actor, A.NOTE, before=before, unit=actor.unit if actor.unit_id else None,
                   note=note, public=public)
    _attach(matter, event, files, actor, public=public)
    return event


@transaction.atomic
def request_extension(matter: Matter, *, actor, days: int, reason: str) -> Extension:
    matter = _load_for(actor, matter, "request_extension")
    reason = _text(reason, "reason")
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ActionError(_("Ask for 1 to 30 more working days."), extra={"field": "days"})
    if matter.extensions.filter(status=Extension.Status.REQUESTED).exists():
        raise ConflictError(_("An extension request for this matter is already waiting for a decision."))
    extension = Extension.objects.create(matter=matter, requested_by=actor, reason=reason, days=days,
                                         old_due_at=matter.resolve_due_at)
    _event(matter, actor, A.EXTENSION_REQUESTED, before=matter.status, unit=matter.unit, note=reason,
           data={"days": days, "extension": extension.pk})
    return extension


@transaction.atomic
def decide_extension(matter: Matter, *, actor, approve: bool, note: str = "") -> Extension:
    """The dispatcher approves (the deadline moves) or denies an extension request."""
    matter = _load_for(actor, matter, "decide_extension")
    extension = matter.extensions.select_for_update().filter(status=Extension.Status.REQUESTED).first()
    if extension is None:
        raise ConflictError(_("There is no extension request waiting for a decision."))
    now = timezone.now()
    extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note.strip()
    if approve:
        base = max(matter.resolve_due_at or now, now)
        extension.status = Extension.Status.APPROVED
        extension.new_due_at = workdays.add_workdays(timezone.localtime(base), extension.days, deadlines.overrides())
        matter.resolve_due_at = extension.new_due_at
        fields = _start_clock(matter, matter.resolve_due_at, now)
        _save(matter, "resolve_due_at", *fields)
        action = A.EXTENSION_APPROVED
    else:
        extension.status = Extension.Status.DENIED
        action = A.EXTENSION_DENIED
    extension.save()
    _event(matter, actor, action, before=matter.status, unit=matter.unit, note=note.strip(),
           data={"days": extension.days, "new_due_at": extension.new_due_at.isoformat() if approve else None})
    return extension


@transaction.atomic
def resolve_matter(matter: Matter, *, actor, result: str, files=(), expected_status: str | None = None) -> Matter:
    """The unit reports it done (办结) with the result the reporter will read."""
    matter = _load_for(actor, matter, "resolve", expected_status=expected_status)
    result = _text(result, "result")
    before, now = matter.status, timezone.now()
    matter.status, matter.resolved_at, matter.result = S.RESOLVED, now, result
    matter.resolve_late = matter.resolve_late or bool(matter.resolve_due_at and now > matter.resolve_due_at)
    fields = _stop_clock(matter)
    _save(matter, "status", "resolved_at", "result", "resolve_late", *fields)
    _lapse_pending_extension(matter)
    event = _event(matter, actor, A.RESOLVED, before=before, unit=matter.unit, note=result, public=True)
    _attach(matter, event, files, actor, public=True)
    return matter


# --- follow-up, close, reopen ----------------------------------------------------------------


@transaction.atomic
def record_follow_up(
    matter: Matter, *, actor, channel: str, contacted: bool, solved: bool, satisfaction: str, comment: str = "",
) -> FollowUp:
    """回访: the reporter's verdict. Satisfied and solved closes the matter; not satisfied or
    not solved reopens it once, and a second time sends it to supervision."""
    matter = _load_for(actor, matter, "follow_up")
    if satisfaction not in Matter.Satisfaction.values:
        raise ActionError(_("Choose how satisfied the reporter is."), extra={"field": "satisfaction"})
    if channel not in FollowUp.Channel.values:
        raise ActionError(_("Choose how the reporter was asked."), extra={"field": "channel"})
    comment = _text(comment, "comment", required=False, limit=1000)
    follow_up = FollowUp.objects.create(
        matter=matter, channel=channel, recorded_by=actor if actor else None, contacted=contacted, solved=solved,
        satisfaction=satisfaction, comment=comment,
    )
    before, now = matter.status, timezone.now()
    matter.satisfaction = satisfaction
    _save(matter, "satisfaction")
    _event(matter, actor, A.FOLLOW_UP, before=before, note=comment, public=True,
           data={"contacted": contacted, "solved": solved, "satisfaction": satisfaction, "channel": channel})
    unhappy = satisfaction == Matter.Satisfaction.UNSATISFIED or not solved
    if not unhappy:
        matter.status, matter.closed_at = S.CLOSED, now
        _save(matter, "status", "closed_at")
        _event(matter, actor, A.CLOSED, before=before, public=True)
    elif matter.reopen_count == 0:
        _reopen(matter, actor, comment)
    else:
        _issue_supervisions(
            [matter], actor=None, level=Supervision.Level.KEY, origin=Supervision.Origin.FOLLOW_UP,
            reason=_("The reporter is still not satisfied after the matter was handled again."),
            reply_due=default_reply_due(),
        )
    return follow_up


def _reopen(matter: Matter, actor, comment: str) -> None:
    before, now = matter.status, timezone.now()
    accept, resolve, _ret = deadlines.limits_for(matter)
    matter.status, matter.reopen_count = S.REOPENED, matter.reopen_count + 1
    matter.resolved_at, matter.dispatched_at, matter.accepted_at = None, now, None
    matter.accept_due_at = deadlines.add_limit(now, *accept)
    matter.resolve_due_at = deadlines.add_limit(now, *resolve)
    matter.return_due_at = None  # a reopened matter cannot be returned as misrouted
    fields = _start_clock(matter, matter.accept_due_at, now)
    _save(matter, "status", "reopen_count", "resolved_at", "dispatched_at", "accepted_at", "accept_due_at",
          "resolve_due_at", "return_due_at", *fields)
    _event(matter, actor, A.REOPENED, before=before, unit=matter.unit, note=comment, public=True)


@transaction.atomic
def close_matter(matter: Matter, *, actor, note: str = "", expected_status: str | None = None) -> Matter:
    """归档 without (or after) the reporter's follow-up, e.g. when they cannot be reached."""
    matter = _load_for(actor, matter, "close", expected_status=expected_status)
    before = matter.status
    matter.status, matter.closed_at = S.CLOSED, timezone.now()
    _save(matter, "status", "closed_at")
    _event(matter, actor, A.CLOSED, before=before, note=_text(note, "note", required=False), public=True)
    return matter


@transaction.atomic
def merge_matter(matter: Matter, *, actor, into: Matter, expected_status: str | None = None) -> Matter:
    """Mark a duplicate report of the same incident; its reporter follows the main matter."""
    # Lock both in a fixed order, so that "A into B" and "B into A" at the same moment do not
    # deadlock: the second waits, then finds its matter merged.
    list(Matter.objects.select_for_update().filter(pk__in=[matter.pk, into.pk]).order_by("pk").values("pk"))
    matter = _load_for(actor, matter, "merge", expected_status=expected_status)
    target = Matter.objects.select_for_update().get(pk=into.pk)
    if target.pk == matter.pk:
        raise ActionError(_("A matter cannot be merged into itself."), extra={"field": "into"})
    if not access.visible_matters(actor).filter(pk=target.pk).exists():
        raise ActionError(_("No matter with that tracking code in your area of work."), extra={"field": "into"})
    if target.status in (S.MERGED, S.REJECTED):
        raise ActionError(_("Merge into the main matter, not into another duplicate."), extra={"field": "into"})
    before = matter.status
    matter.status, matter.merged_into = S.MERGED, target
    fields = _stop_clock(matter)
    _save(matter, "status", "merged_into", *fields)
    # Duplicates that pointed here follow to the new main matter.
    Matter.objects.filter(merged_into=matter).update(merged_into=target)
    _event(matter, actor, A.MERGED, before=before, data={"into": target.tracking_code}, public=True)
    _event(target, actor, A.MERGED, before=target.status, data={"duplicate": matter.tracking_code})
    return matter


@transaction.atomic
def unmerge_matter(matter: Matter, *, actor, expected_status: str | None = None) -> Matter:
    """Undo a merge that was wrong: the matter is on its own again, back with the dispatcher."""
    matter = _load_for(actor, matter, "unmerge", expected_status=expected_status)
    main = matter.merged_into
    matter.status, matter.merged_into = S.RECEIVED, None
    _save(matter, "status", "merged_into")
    _event(matter, actor, A.UNMERGED, before=S.MERGED, data={"from": main.tracking_code if main else None},
           public=True)
    if main is not None:
        _event(main, actor, A.UNMERGED, before=main.status, data={"duplicate": matter.tracking_code})
    return matter


@transaction.atomic
def reject_matter(matter: Matter, *, actor, reason: str, expected_status: str | None = None) -> Matter:
    """不予受理: not actionable, with the reason the reporter will read."""
    matter = _load_for(actor, matter, "reject", expected_status=expected_status)
    reason = _text(reason, "reason")
    before = matter.status
    matter.status, matter.closed_at = S.REJECTED, timezone.now()
    fields = _stop_clock(matter)
    _save(matter, "status", "closed_at", *fields)
    _event(matter, actor, A.REJECTED, before=before, note=reason, public=True)
    return matter


# --- supervision ------------------------------------------------------------------------------


def default_reply_due(now=None) -> date:
    """The reply date of a supervision order issued now (SUPERVISION_REPLY_WORKDAYS)."""
    start = timezone.localtime(now)
    return workdays.add_workdays(start, settings.SUPERVISION_REPLY_WORKDAYS, deadlines.overrides()).date()


def _issue_supervisions(matters, *, actor, level, origin, reason, reply_due) -> list[Supervision]:
    by_unit = defaultdict(list)
    for matter in matters:
        # A returned matter's unit has sent it back: nobody is responsible until re-dispatch.
        if matter.unit_id is None or matter.status == S.RETURNED:
            raise ActionError(
                _("%(code)s has no responsible unit yet: dispatch it first.") % {"code": matter.tracking_code},
                extra={"field": "matters"},
            )
        by_unit[matter.unit_id].append(matter)
    orders = []
    for unit_id, unit_matters in by_unit.items():
        order = Supervision.objects.create(
            level=level, origin=origin, unit_id=unit_id, issued_by=actor, reason=reason, reply_due=reply_due
        )
        order.matters.set(unit_matters)
        for matter in unit_matters:
            matter.supervised = True
            _save(matter, "supervised")
            _event(matter, actor, A.SUPERVISED, before=matter.status, unit=matter.unit, note=reason,
                   data={"supervision": order.pk, "level": level, "reply_due": reply_due.isoformat()})
        orders.append(order)
    return orders


@transaction.atomic
def issue_supervision(*, actor, matters, level: str, reason: str, reply_due: date) -> list[Supervision]:
    """督办 by a leader or dispatcher: one order per responsible unit of the chosen matters."""
    reason = _text(reason, "reason")
    if level not in Supervision.Level.values:
        raise ActionError(_("Choose a supervision level."), extra={"field": "level"})
    if reply_due < timezone.localdate():
        raise ActionError(_("The reply date cannot be in the past."), extra={"field": "reply_due"})
    matters = list(matters)
    if not matters:
        raise ActionError(_("Choose at least one matter."), extra={"field": "matters"})
    locked = [_load_for(actor, m, "supervise") for m in sorted(matters, key=lambda m: m.pk)]
    return _issue_supervisions(locked, actor=actor, level=level, origin=Supervision.Origin.MANUAL,
                               reason=reason, reply_due=reply_due)


def _load_supervision(actor, supervision: Supervision) -> Supervision:
    order = Supervision.objects.select_for_update().get(pk=supervision.pk)
    if not access.visible_supervisions(actor).filter(pk=order.pk).exists():
        raise access.Http404
    return order


@transaction.atomic
def reply_supervision(supervision: Supervision, *, actor, reply: str) -> Supervision:
    """The supervised unit answers what it did and when it will be finished."""
    order = _load_supervision(actor, supervision)
    if not (access.is_admin(actor) or actor.unit_id == order.unit_id) or not access.can_write(actor):
        raise PermissionDenied(_("Only the supervised unit replies to a supervision order."))
    if order.status != Supervision.Status.OPEN:
        raise ConflictError(_("This supervision order has already been answered."))
    order.reply, order.replied_by, order.replied_at = _text(reply, "reply"), actor, timezone.now()
    order.status = Supervision.Status.REPLIED
    order.save()
    for matter in order.matters.all():
        _event(matter, actor, A.SUPERVISION_REPLIED, before=matter.status, unit=order.unit, note=order.reply,
               data={"supervision": order.pk})
    return order


@transaction.atomic
def close_supervision(supervision: Supervision, *, actor) -> Supervision:
    order = _load_supervision(actor, supervision)
    if not rules.can_supervise(actor):
        raise PermissionDenied(_("Only leaders and dispatchers close supervision orders."))
    if order.status == Supervision.Status.CLOSED:
        raise ConflictError(_("This supervision order is already closed."))
    order.status, order.closed_at = Supervision.Status.CLOSED, timezone.now()
    order.save(update_fields=["status", "closed_at"])
    for matter in order.matters.all():
        if not matter.supervisions.exclude(pk=order.pk).exclude(status=Supervision.Status.CLOSED).exists():
            matter.supervised = False
            _save(matter, "supervised")
        _event(matter, actor, A.SUPERVISION_CLOSED, before=matter.status, unit=order.unit,
               data={"supervision": order.pk})
    return order


# --- meetings and commendations -----------------------------------------------------------------


@transaction.atomic
def create_meeting(*, actor, kind: str, title: str, organizer: Unit, area: Area, held_at, place: str = "",
                   attending_units=(), agenda: str = "", minutes: str = "", harbor: Harbor | None = None) -> Meeting:
    access.require_write(actor)
    if not access.visible_areas(actor).filter(pk=area.pk).exists():
        raise ActionError(_("That area is outside your area of work."), extra={"field": "area"})
    meeting = Meeting.objects.create(
        kind=kind, title=_text(title, "title", limit=200), organizer=organizer, area=area, held_at=held_at,
        place=place.strip(), agenda=agenda.strip(), minutes=minutes.strip(), harbor=harbor, created_by=actor,
    )
    meeting.attending_units.set(attending_units)
    return meeting


@transaction.atomic
def update_minutes(meeting: Meeting, *, actor, minutes: str, files=()) -> Meeting:
    access.require_write(actor)
    meeting = access.get_visible_or_404(access.visible_meetings(actor).select_for_update(), pk=meeting.pk)
    meeting.minutes = _text(minutes, "minutes", limit=50000)
    meeting.save(update_fields=["minutes"])
    for upload in files or ():
        Attachment.objects.create(meeting=meeting, file=upload, name=upload.name[:200],
                                  content_type=getattr(upload, "content_type", "") or "", size=upload.size,
                                  uploaded_by=actor)
    return meeting


@transaction.atomic
def add_decision(meeting: Meeting, *, actor, text: str, owner_unit: Unit, deadline: date) -> Decision:
    """A meeting decision becomes a matter dispatched to its owner unit, due on `deadline`."""
    access.require_write(actor)
    meeting = access.get_visible_or_404(access.visible_meetings(actor), pk=meeting.pk)
    text = _text(text, "text", limit=2000)
    try:
        matter = create_assigned_matter(
            actor=actor, source=Matter.Source.MEETING, description=text, area=meeting.area, unit=owner_unit,
            title=_("Decision of %(meeting)s") % {"meeting": meeting.title}, deadline=deadline,
            harbor=meeting.harbor, data={"meeting": meeting.pk},
        )
    except ActionError as error:
        if error.extra.get("field") == "unit":
            error.extra["field"] = "owner_unit"
        raise
    return Decision.objects.create(meeting=meeting, text=text, owner_unit=owner_unit, deadline=deadline,
                                   matter=matter)


@transaction.atomic
def create_assigned_matter(*, actor, source: str, title: str, description: str, area: Area, unit: Unit,
                           deadline: date, harbor: Harbor | None = None, data: dict | None = None) -> Matter:
    """A matter given to its unit from the start (a campaign task, a verified clue), due at the
    end of `deadline`: it lands in the unit's inbox to accept, and its deadlines, extensions
    and supervision work as for any matter. Like a meeting decision it cannot be returned as
    misrouted (the unit was chosen on purpose)."""
    access.require_write(actor)
    if not unit.active:
        raise ActionError(_("%(unit)s is not active.") % {"unit": unit.name}, extra={"field": "unit"})
    if deadline < timezone.localdate():
        raise ActionError(_("The deadline cannot be in the past."), extra={"field": "deadline"})
    matter, _check = create_matter(actor=None, description=description, title=title, source=source, area=area,
                                   harbor=harbor)
    matter.created_by = actor
    _save(matter, "created_by")
    matter.events.filter(action=A.CREATED).update(actor=actor)
    now = timezone.now()
    accept, _resolve, _ret = deadlines.limits_for(matter)
    matter.unit, matter.status, matter.dispatched_at = unit, S.DISPATCHED, now
    matter.resolve_due_at = deadlines.end_of_day(deadline)
    matter.accept_due_at = min(deadlines.add_limit(now, *accept), matter.resolve_due_at)
    matter.return_due_at = None
    fields = _start_clock(matter, matter.accept_due_at, now)
    _save(matter, "unit", "status", "dispatched_at", "accept_due_at", "resolve_due_at", "return_due_at", *fields)
    _event(matter, actor, A.DISPATCHED, before=S.RECEIVED, unit=unit,
           data={**(data or {}), "deadline": deadline.isoformat()})
    return matter


@transaction.atomic
def record_commendation(*, actor, kind: str, unit: Unit, giver: str, received_on: date, area: Area,
                        person: User | None = None, person_name: str = "", matter: Matter | None = None,
                        text: str = "") -> Commendation:
    access.require_write(actor)
    if matter is not None and not access.visible_matters(actor).filter(pk=matter.pk).exists():
        raise ActionError(_("No matter with that tracking code in your area of work."), extra={"field": "matter"})
    if received_on > timezone.localdate():
        raise ActionError(_("The date cannot be in the future."), extra={"field": "received_on"})
    return Commendation.objects.create(
        kind=kind, unit=unit, giver=_text(giver, "giver", limit=100), received_on=received_on, area=area,
        person=person, person_name=person_name.strip() or (person.display_name if person else ""),
        matter=matter, text=text.strip(), recorded_by=actor,
    )


# --- for apps that run their own case on a matter (e.g. mediation) -------------------------------
# The app has already checked its own rules (scope, role, state of its case) and holds the
# case's lock; the matter follows. No role check of the matter engine here: the caller is the
# app, on behalf of `actor` (credited in the timeline when given).


@transaction.atomic
def set_resolve_deadline(matter: Matter | int, *, due) -> Matter:
    """Make `due` the matter's resolve deadline and the running clock of the sweep (warn,
    overdue, supervise, escalate start afresh for it). Writes no event, like an extension
    decided elsewhere would not."""
    matter = _lock(matter)
    matter.resolve_due_at = due
    fields = _start_clock(matter, due)
    _save(matter, "resolve_due_at", *fields)
    return matter


@transaction.atomic
def add_linked_note(matter: Matter | int, *, actor, note: str, data: dict | None = None) -> MatterEvent:
    """A note in the matter's timeline written by a linked app (not public), whatever the
    matter's state."""
    matter = _lock(matter)
    return _event(matter, actor, A.NOTE, before=matter.status, note=note, data=data)


@transaction.atomic
def reopen_for_case(matter: Matter | int, *, actor, note: str) -> Matter:
    """Reopen a resolved matter because the linked case goes on (e.g. an agreement was not
    performed): the same reopening as after an unhappy follow-up, with fresh deadlines."""
    matter = _lock(matter)
    if matter.status != S.RESOLVED:
        raise ConflictError(
            _("This matter is “%(status)s”; that action is not possible now.") % {"status": matter.get_status_display()},
            extra={"status": matter.status},
        )
    _reopen(matter, actor, _text(note, "note", required=False))
    return matter


# --- the deadline sweep -------------------------------------------------------------------------


def _handling_area(matter: Matter) -> Area:
    """The nearest area (the matter's own, or up the tree) that has a dispatcher."""
    paths = [matter.area_path[:i] for i in range(len(matter.area_path), 0, -Area.steplen)]
    with_dispatcher = set(
        User.objects.filter(role=User.Role.DISPATCHER, is_active=True, areas__path__in=paths)
        .values_list("areas__path", flat=True)
    )
    for path in paths:
        if path in with_dispatcher:
            return Area.objects.get(path=path)
    return Area.objects.get(path=paths[-1])


def sweep_deadlines(now=None) -> dict[str, int]:
    """Warn near deadlines, mark overdue, order supervision, escalate. Idempotent: every
    step is a compare-and-set on a marker column, so running twice (or in two workers at
    once) does each thing once."""
    now = now or timezone.now()
    counts = {"warned": 0, "overdue": 0, "supervised": 0, "escalated": 0}
    # Every step starts from the partial due_at index (only open matters have a deadline).
    open_matters = Matter.objects.open().filter(due_at__isnull=False).order_by()

    for pk, due in open_matters.filter(warn_at__lte=now, due_at__gt=now, warned_at__isnull=True).values_list(
        "pk", "due_at"
    ):
        with transaction.atomic():
            if Matter.objects.filter(pk=pk, due_at=due, warned_at__isnull=True).update(warned_at=now):
                matter = Matter.objects.get(pk=pk)
                _event(matter, None, A.WARNED, before=matter.status, unit=matter.unit, at=now,
                       data={"due_at": due.isoformat()})
                counts["warned"] += 1

    for pk, due in open_matters.filter(due_at__lte=now, overdue_at__isnull=True).values_list("pk", "due_at"):
        with transaction.atomic():
            if Matter.objects.filter(pk=pk, due_at=due, overdue_at__isnull=True).update(overdue_at=now):
                matter = Matter.objects.get(pk=pk)
                _event(matter, None, A.OVERDUE, before=matter.status, unit=matter.unit, at=now,
                       data={"due_at": due.isoformat()})
                counts["overdue"] += 1

    supervise_before = now - timedelta(hours=settings.SWEEP_SUPERVISE_AFTER_HOURS)
    for pk, due in open_matters.filter(
        due_at__lte=now, overdue_at__lte=supervise_before, auto_supervised_at__isnull=True, unit__isnull=False
    ).values_list("pk", "due_at"):
        with transaction.atomic():
            if Matter.objects.filter(pk=pk, due_at=due, auto_supervised_at__isnull=True).update(
                auto_supervised_at=now
            ):
                matter = Matter.objects.get(pk=pk)
                _issue_supervisions(
                    [matter], actor=None, level=Supervision.Level.NORMAL, origin=Supervision.Origin.SWEEP,
                    reason=_("Overdue: the deadline passed at %(when)s.")
                    % {"when": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")},
                    reply_due=default_reply_due(now),
                )
                counts["supervised"] += 1

    escalate_before = now - timedelta(hours=settings.SWEEP_ESCALATE_AFTER_HOURS)
    for pk, due in open_matters.filter(
        due_at__lte=now, overdue_at__lte=escalate_before, escalated_at__isnull=True
    ).values_list(
        "pk", "due_at"
    ):
        with transaction.atomic():
            matter = Matter.objects.get(pk=pk)
            handling = _handling_area(matter)
            target = Area.objects.get_parent(handling) if handling.depth > 1 else handling
            if Matter.objects.filter(pk=pk, due_at=due, escalated_at__isnull=True).update(
                escalated_at=now, escalated_to=target
            ):
                matter.refresh_from_db()
                _event(matter, None, A.ESCALATED, before=matter.status, unit=matter.unit, at=now,
                       data={"to_area": target.name})
                counts["escalated"] += 1
    return counts
