"""Writes of the intake channels. Everything a resident submits becomes a Matter through
matters.actions.create_matter in one transaction, with its photos, or nothing does."""

import hashlib
import hmac
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.crypto import blind_index
from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import Area, Category, Harbor
from safeharbor.intake.models import MeToo, Publication
from safeharbor.intake.uploads import clean_photos
from safeharbor.matters import actions as matter_actions
from safeharbor.matters.models import Attachment, Matter, MatterEvent

MAX_REPORT_CHARS = 2000
TRACKING_CODE_LENGTH = 13


def _area_at(lat: float | None, lon: float | None) -> Area | None:
    """The deepest area whose geometry contains the point (None when outside them all)."""
    if lat is None or lon is None:
        return None
    from safeharbor.intake.geo import deepest_area_containing

    return deepest_area_containing(lat, lon)


@transaction.atomic
def submit_report(
    *, description: str, source: str = Matter.Source.WEB, category: Category | None = None,
    harbor: Harbor | None = None, address: str = "", lat: float | None = None, lon: float | None = None,
    photos=(), anonymous: bool = False, name: str = "", phone: str = "", actor=None,
    area: Area | None = None, urgency: str = "normal",
) -> tuple[Matter, str]:
    """A report from a resident (web, QR) or registered for one by staff (hotline, patrol,
    walk-in). Returns the matter and the check code to give the resident."""
    description = (description or "").strip()
    if not description:
        raise ActionError(_("Please describe what happened."), extra={"field": "description"})
    if len(description) > MAX_REPORT_CHARS:
        raise ActionError(
            _("Please keep the description under %(n)d characters.") % {"n": MAX_REPORT_CHARS},
            extra={"field": "description"},
        )
    if (lat is None) != (lon is None):
        raise ActionError(_("The map point is incomplete; pick it again."), extra={"field": "location"})
    point_area = _area_at(lat, lon)
    if lat is not None and point_area is None:
        raise ActionError(
            _("That point is outside the district. Pick a place inside the map's outline, or leave the map empty."),
            extra={"field": "location"},
        )
    phone = (phone or "").strip()
    if phone and not (7 <= len("".join(c for c in phone if c.isdigit())) <= 13):
        raise ActionError(_("That phone number does not look right."), extra={"field": "phone"})
    photos = clean_photos(photos)
    if area is None:
        # The most precise place we know: the map point, else the harbor's area.
        area = point_area or (harbor.area if harbor else None)
    matter, check = matter_actions.create_matter(
        actor=actor, description=description, source=source, category=category, area=area, harbor=harbor,
        address=address, lat=lat, lon=lon, anonymous=anonymous, reporter_name="" if anonymous else name,
        reporter_phone=phone, urgency=urgency,
    )
    event = matter.events.get()
    for photo in photos:
        Attachment.objects.create(
            matter=matter, event=event, file=photo, name=photo.name, content_type=photo.content_type,
            size=photo.size, public=True,
        )
    return matter, check


def find_for_resident(code: str, check: str) -> Matter | None:
    """The matter with this tracking code and check code, or None. Both wrong, one wrong:
    the same answer, in the same time (no hint which part was wrong)."""
    code = (code or "").strip().upper()[:20]
    matter = Matter.objects.filter(tracking_code=code).first()
    expected = matter.check_code_hash if matter else "0" * 64
    given = blind_index((check or "").strip(), kind="check") if check else ""
    if matter is None or not hmac.compare_digest(expected, given):
        return None
    return matter


@transaction.atomic
def add_reporter_info(matter: Matter, *, text: str, photos=()) -> MatterEvent:
    """More information from the reporter, on the tracking page: it reaches the unit's
    queue as new information (`new_info_at`), not as a silent comment."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if matter.status in (Matter.Status.CLOSED, Matter.Status.REJECTED, Matter.Status.MERGED):
        raise ConflictError(_("This matter is finished; please report a new one instead."))
    text = (text or "").strip()
    if not text and not photos:
        raise ActionError(_("Write something or add a photo."), extra={"field": "text"})
    if len(text) > MAX_REPORT_CHARS:
        raise ActionError(
            _("Please keep it under %(n)d characters.") % {"n": MAX_REPORT_CHARS}, extra={"field": "text"}
        )
    photos = clean_photos(photos)
    matter.new_info_at = matter.updated_at = timezone.now()
    matter.save(update_fields=["new_info_at", "updated_at"])
    event = MatterEvent.objects.create(
        matter=matter, action=MatterEvent.Action.INFO_ADDED, from_status=matter.status, to_status=matter.status,
        note=text, public=True, unit=matter.unit,
    )
    for photo in photos:
        Attachment.objects.create(matter=matter, event=event, file=photo, name=photo.name,
                                  content_type=photo.content_type, size=photo.size, public=True)
    return event


@transaction.atomic
def acknowledge_new_info(matter: Matter, *, actor) -> None:
    """The handler has read the reporter's new information."""
    matter = access.get_visible_or_404(access.visible_matters(actor).select_for_update(), pk=matter.pk)
    if matter.new_info_at:
        matter.new_info_at = None
        matter.save(update_fields=["new_info_at"])


def resident_follow_up(matter: Matter, *, contacted: bool, solved: bool, satisfaction: str, comment: str = ""):
    """The reporter answers the follow-up (回访) on the tracking page."""
    if matter.follow_ups.filter(at__gte=matter.resolved_at or matter.created_at).exists():
        raise ConflictError(_("Thank you: your answer for this round has already been recorded."))
    return matter_actions.record_follow_up(
        matter, actor=None, channel="web", contacted=contacted, solved=solved, satisfaction=satisfaction,
        comment=comment,
    )


# --- the public board -----------------------------------------------------------------------


@transaction.atomic
def publish_matter(matter: Matter, *, actor, title: str, text: str, place: str) -> Publication:
    """Put a matter about public space on the board. The dispatcher writes the public text
    (no names, phones or house numbers); the place is kept to the road or compound."""
    access.require_write(actor)
    matter = access.get_visible_or_404(access.visible_matters(actor).select_for_update(), pk=matter.pk)
    if actor.role not in ("dispatcher", "admin") and not access.is_admin(actor):
        raise ActionError(_("Only dispatchers publish matters."))
    title, text, place = (title or "").strip(), (text or "").strip(), (place or "").strip()
    for field, value, limit in (("title", title, 100), ("text", text, 1000), ("place", place, 100)):
        if not value:
            raise ActionError(_("Please fill in this field."), extra={"field": field})
        if len(value) > limit:
            raise ActionError(_("At most %(n)d characters.") % {"n": limit}, extra={"field": field})
    lat = round(matter.lat, 3) if matter.lat is not None else None  # ~100 m: the street, not the door
    lon = round(matter.lon, 3) if matter.lon is not None else None
    publication, _created = Publication.objects.update_or_create(
        matter=matter,
        defaults={"title": title, "text": text, "place": place, "lat": lat, "lon": lon, "published_by": actor,
                  "withdrawn_at": None},
    )
    return publication


@transaction.atomic
def withdraw_publication(publication: Publication, *, actor) -> None:
    access.require_write(actor)
    access.get_visible_or_404(access.visible_matters(actor), pk=publication.matter_id)
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at"])


def client_key(ip: str, user_agent: str, *, day: date | None = None) -> str:
    """A keyed hash of who is asking, valid for one day: enough to count a person once,
    not enough to find them."""
    day = day or timezone.localdate()
    return hashlib.sha256(blind_index(f"{ip}|{user_agent}|{day.isoformat()}", kind="client").encode()).hexdigest()


def press_me_too(publication: Publication, *, key: str, phone: str = "") -> bool:
    """我也遇到: count once per client; a phone number subscribes to progress messages.
    Returns False when this client already pressed it."""
    if publication.withdrawn_at:
        raise ConflictError(_("This entry is no longer on the board."))
    phone = (phone or "").strip()
    try:
        with transaction.atomic():
            MeToo.objects.create(publication=publication, client_key=key, phone=phone,
                                 phone_index=blind_index(phone) if phone else "")
    except IntegrityError:
        return False
    Publication.objects.filter(pk=publication.pk).update(me_too_count=F("me_too_count") + 1)
    return True
