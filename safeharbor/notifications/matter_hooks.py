"""Who hears about a matter event: staff by notification, residents by SMS (outbox).

`on_matter_event` is registered with matters.hooks and runs inside the transaction that
records the event, so the notifications and outbox rows commit or roll back with it.
Messages are written in the installation's language (they are stored, not rendered later).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from safeharbor.core.models import User
from safeharbor.matters.models import Matter, MatterEvent, Supervision, Urgency
from safeharbor.notifications import actions, texts
from safeharbor.notifications.models import Notification
from safeharbor.notifications.queries import area_staff, unit_members

A = MatterEvent.Action


def on_matter_event(event: MatterEvent) -> None:
    handler, matter = STAFF.get(event.action), event.matter
    if handler is None and _reporter_kind(event, matter) is None and event.action not in ME_TOO_ACTIONS:
        return  # nobody to tell (e.g. an anonymous report, a handling note)
    with translation.override(settings.LANGUAGE_CODE):
        if handler is not None:
            handler(event, matter)
        resident_messages(event, matter)


# --- staff -----------------------------------------------------------------------------------


def _matter_url(matter: Matter) -> str:
    return reverse("matters:detail", args=[matter.pk])


def _unit_staff(unit, actor=None):
    """The people of a unit who handle its matters (leaders look, they are not told to act)."""
    qs = unit_members(unit).exclude(role=User.Role.LEADER)
    return qs.exclude(pk=actor.pk) if actor is not None else qs


def _handlers(matter: Matter):
    """Who holds the matter: its handler when assigned, else the unit's staff."""
    if matter.assignee_id and matter.assignee.is_active:
        return [matter.assignee]
    return list(_unit_staff(matter.unit))


def _label(matter: Matter) -> str:
    return f"{matter.tracking_code} {matter.summary}"


def _notify_once(recipients, kind: str, message: str, url: str, obj) -> None:
    """Notify, skipping those who already have this kind about this object (a supervision
    order about several matters is one notification, not one per matter)."""
    already = set(Notification.objects.filter(kind=kind, target=actions.target_of(obj)).values_list(
        "recipient_id", flat=True))
    actions.notify([u for u in recipients if u.pk not in already], kind, message, url=url, obj=obj)


def dispatched(event, matter):
    if event.unit is None:
        return
    if event.data.get("meeting"):
        kind = "decision_assigned"
        message = _("A meeting decision was assigned to %(unit)s: %(matter)s") % {
            "unit": event.unit.name, "matter": _label(matter)}
    else:
        kind = "matter_arrived"
        message = _("New matter for %(unit)s to accept: %(matter)s") % {"unit": event.unit.name, "matter": _label(matter)}
    actions.notify(_unit_staff(event.unit, event.actor), kind, message, url=_matter_url(matter), obj=matter)


def reopened(event, matter):
    if matter.unit is None:
        return
    message = _("Reopened, back to %(unit)s to accept again: %(matter)s") % {
        "unit": matter.unit.name, "matter": _label(matter)}
    actions.notify(_unit_staff(matter.unit, event.actor), "matter_arrived", message, url=_matter_url(matter),
                   obj=matter)


def returned(event, matter):
    """To the dispatcher who sent it (else the dispatchers of its area)."""
    last = matter.events.filter(action=A.DISPATCHED, at__lte=event.at).exclude(actor=None).order_by("-at", "-pk")
    dispatcher = last.first().actor if last.exists() else None
    recipients = [dispatcher] if dispatcher is not None and dispatcher.is_active else list(area_staff(matter.area))
    unit = event.unit.name if event.unit else "-"
    message = _("%(unit)s returned %(matter)s: %(reason)s") % {
        "unit": unit, "matter": _label(matter), "reason": event.note[:120]}
    actions.notify(recipients, "matter_returned", message, url=_matter_url(matter), obj=matter)


def warned(event, matter):
    message = _("Deadline near (%(due)s): %(matter)s") % {"due": _due(event), "matter": _label(matter)}
    actions.notify(_handlers(matter), "deadline_near", message, url=_matter_url(matter), obj=matter)


def overdue(event, matter):
    message = _("Deadline passed (%(due)s): %(matter)s") % {"due": _due(event), "matter": _label(matter)}
    actions.notify(_handlers(matter), "deadline_passed", message, url=_matter_url(matter), obj=matter)


def escalated(event, matter):
    area = matter.escalated_to
    if area is None:
        return
    recipients = User.objects.filter(
        is_active=True, role__in=[User.Role.DISPATCHER, User.Role.LEADER], areas=area
    ).distinct()
    message = _("Overdue and escalated to %(area)s: %(matter)s") % {"area": area.name, "matter": _label(matter)}
    actions.notify(recipients, "escalated", message, url=_matter_url(matter), obj=matter)


def _due(event) -> str:
    from datetime import datetime

    from django.utils import timezone

    raw = event.data.get("due_at")
    if not raw:
        return "-"
    return timezone.localtime(datetime.fromisoformat(raw)).strftime("%m-%d %H:%M")


def _order(event) -> Supervision | None:
    pk = event.data.get("supervision")
    return Supervision.objects.select_related("issued_by", "unit").filter(pk=pk).first() if pk else None


def supervised(event, matter):
    order = _order(event)
    if order is None:
        return
    message = _("%(level)s for %(unit)s, reply by %(due)s: %(reason)s") % {
        "level": order.get_level_display(), "unit": order.unit.name,
        "due": order.reply_due.strftime("%Y-%m-%d"), "reason": order.reason[:120]}
    _notify_once(_unit_staff(order.unit, event.actor), "supervision_order", message,
                 reverse("matters:supervision_detail", args=[order.pk]), order)


def supervision_replied(event, matter):
    order = _order(event)
    if order is None:
        return
    issuer = order.issued_by
    recipients = [issuer] if issuer is not None and issuer.is_active else list(area_staff(matter.area))
    message = _("%(unit)s replied to the supervision order: %(reply)s") % {
        "unit": order.unit.name, "reply": order.reply[:150]}
    _notify_once(recipients, "supervision_reply", message,
                 reverse("matters:supervision_detail", args=[order.pk]), order)


STAFF = {
    A.DISPATCHED: dispatched,
    A.REOPENED: reopened,
    A.RETURNED: returned,
    A.WARNED: warned,
    A.OVERDUE: overdue,
    A.ESCALATED: escalated,
    A.SUPERVISED: supervised,
    A.SUPERVISION_REPLIED: supervision_replied,
}


# --- residents ---------------------------------------------------------------------------------

REPORTER_KINDS = {
    A.CREATED: "received",
    A.DISPATCHED: "dispatched",
    A.RESOLVED: "resolved",
    A.REOPENED: "reopened",
}
ME_TOO_ACTIONS = {A.DISPATCHED: "dispatched", A.RESOLVED: "resolved", A.REOPENED: "reopened"}


def _reporter_kind(event, matter) -> str | None:
    """The text message this event sends its reporter, if they gave a phone and their name."""
    kind = REPORTER_KINDS.get(event.action)
    return kind if kind and matter.reporter_phone and not matter.anonymous else None


def resident_messages(event, matter) -> None:
    kind = _reporter_kind(event, matter)
    urgent = matter.urgency == Urgency.URGENT
    if kind:
        unit = event.unit or matter.unit
        actions.queue_sms(
            kind, phone=matter.reporter_phone, key=f"event:{event.pk}:reporter", matter=matter, urgent=urgent,
            values={"code": matter.tracking_code, "link": texts.track_link(matter.tracking_code), "track": texts.track_link(),
                    "unit": unit.name_zh if unit else "相关单位"},
        )
    if event.action in ME_TOO_ACTIONS:
        me_too_messages(event, matter, urgent)


def me_too_messages(event, matter, urgent: bool) -> None:
    """Progress to the residents who pressed 我也遇到 on the matter's board entry and left a
    phone number (one message per number, never to the reporter twice)."""
    from safeharbor.intake.models import MeToo, Publication

    publication = Publication.objects.filter(matter=matter).first()
    if publication is None:
        return
    reporter_index = matter.reporter_phone_index
    seen = {reporter_index} if reporter_index else set()
    for me_too in MeToo.objects.filter(publication=publication).exclude(phone_index="").order_by("pk"):
        if me_too.phone_index in seen:
            continue
        seen.add(me_too.phone_index)
        actions.queue_sms(
            "me_too", phone=me_too.phone, key=f"event:{event.pk}:metoo:{me_too.phone_index[:16]}", matter=matter,
            urgent=urgent, values={"title": publication.title, "status": texts.PROGRESS_WORDS[ME_TOO_ACTIONS[event.action]],
                                   "link": texts.board_link(publication.pk)},
        )
