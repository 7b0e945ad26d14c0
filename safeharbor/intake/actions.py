"""Writes of the intake channels. Everything a resident submits becomes a Matter through
matters.actions.create_matter in one transaction, with its photos, or nothing does."""

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.crypto import blind_index
from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import Area, Category, Harbor, User
from safeharbor.intake.models import MeToo, Publication
from safeharbor.intake.uploads import clean_photos
from safeharbor.matters import actions as matter_actions
from safeharbor.matters import hooks
from safeharbor.matters.models import Attachment, Matter, MatterEvent

MAX_REPORT_CHARS = 2000
TRACKING_CODE_LENGTH = 13


def _area_at(lat: float | None, lon: float | None) -> Area | None:
    """The deepest area whose geometry contains the point (None when outside them all)."""
    if lat is None or lon is None:
        return None
    from safeharbor.intake.geo import deepest_area_containing

    return deepest_area_containing(lat, lon)


def submit_report(
    *, description: str, source: str = Matter.Source.WEB, category: Category | None = None,
    harbor: Harbor | None = None, address: str = "", lat: float | None = None, lon: float | None = None,
    photos=(), anonymous: bool = False, name: str = "", phone: str = "", actor=None,
    area: Area | None = None, urgency: str = "normal",
) -> tuple[Matter, str]:
    """A report from a resident (web, QR) or registered for one by staff (hotline, patrol,
    walk-in). Returns the matter and the check code to give the resident.

    Everything slow (checks, photo re-encoding, writing the photo files) happens before the
    write transaction, which then only inserts the rows: on SQLite the database is locked
    for as short a time as possible. If the transaction fails, the files are removed."""
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
    phone = check_phone(phone)
    photos = clean_photos(photos)
    if area is None:
        # The most precise place we know: the map point, else the harbor's area.
        area = point_area or (harbor.area if harbor else None)
    stored = _store_photos(photos)
    try:
        # One transaction: the matter, its first event and the report's own photos
        # (matters.queries.matter_files: attachments without an event).
        matter, check = matter_actions.create_matter(
            actor=actor, description=description, source=source, category=category, area=area,
            harbor=harbor, address=address, lat=lat, lon=lon, anonymous=anonymous,
            reporter_name="" if anonymous else name, reporter_phone=phone, urgency=urgency, attachments=stored,
        )
    except BaseException:
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return matter, check


def _store_photos(photos, *, public: bool = True) -> list[Attachment]:
    """Write the photo files; the Attachment rows are saved by the caller's transaction."""
    stored = []
    try:
        for photo in photos:
            attachment = Attachment(name=photo.name, content_type=photo.content_type, size=photo.size,
                                    public=public)
            attachment.file.save(photo.name, photo, save=False)
            stored.append(attachment)
    except Exception:
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return stored


def _save_photos(photos, *, matter: Matter, event: MatterEvent | None, public: bool = True) -> None:
    """Store the photos; if anything fails, remove the files already written, so that a
    rolled-back report leaves no orphan file behind."""
    saved = []
    try:
        for photo in photos:
            attachment = Attachment(matter=matter, event=event, name=photo.name, content_type=photo.content_type,
                                    size=photo.size, public=public)
            attachment.file.save(photo.name, photo, save=False)
            saved.append(attachment.file)
            attachment.save()
    except Exception:
        for stored in saved:
            stored.storage.delete(stored.name)
        raise


PHONE_CHARS = re.compile(r"^\+?[\d\s()\-]+$")


def check_phone(phone: str, *, field: str = "phone") -> str:
    """A phone number a person can be called back on: 7 to 13 digits, with the usual
    spaces, dashes, brackets and a leading +; full-width digits are accepted."""
    phone = unicodedata.normalize("NFKC", phone or "").strip()
    if not phone:
        return ""
    digits = sum(c.isdigit() for c in phone)
    if not PHONE_CHARS.match(phone) or not 7 <= digits <= 13:
        raise ActionError(
            _("That phone number does not look right. Write a mobile number (11 digits) or a landline, "
              "e.g. 0473-3112200."), extra={"field": field},
        )
    return phone


def normalize_code(code: str) -> str:
    """A tracking code as typed on a phone: full-width characters, spaces, lower case, a
    missing dash (2611287kq3mz) all read as 261128-7KQ3MZ."""
    code = "".join(unicodedata.normalize("NFKC", code or "").split()).upper()[:20]
    if len(code) == TRACKING_CODE_LENGTH - 1 and "-" not in code:
        code = f"{code[:6]}-{code[6:]}"
    return code


def find_for_resident(code: str, check: str) -> Matter | None:
    """The matter with this tracking code and check code, or None. Both wrong, one wrong:
    the same answer, in the same time (no hint which part was wrong)."""
    code = normalize_code(code)
    check = "".join(unicodedata.normalize("NFKC", check or "").split())[:20]
    matter = Matter.objects.filter(tracking_code=code).first() if code else None
    expected = matter.check_code_hash if matter else "0" * 64
    given = blind_index(check or "-", kind="check")
    if matter is None or not hmac.compare_digest(expected, given):
        return None
    return matter


@transaction.atomic
def add_reporter_info(matter: Matter, *, text: str, photos=()) -> MatterEvent:
    """More information from the reporter, on the tracking page: it reaches the unit's
    queue as new information (`new_info_at`), not as a silent comment."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    duplicate = None
    if matter.status == Matter.Status.MERGED and matter.merged_into_id:
        # A duplicate's reporter follows the main matter: the information goes to its unit,
        # marked as theirs, and is not shown to the main matter's reporter.
        duplicate = matter
        matter = Matter.objects.select_for_update().get(pk=matter.merged_into_id)
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
        note=text, public=duplicate is None, unit=matter.unit,
        data={"duplicate": duplicate.tracking_code} if duplicate else {},
    )
    hooks.run_event_hooks(event)
    _save_photos(photos, matter=matter, event=event, public=duplicate is None)
    return event


@transaction.atomic
def resident_follow_up(matter: Matter, *, contacted: bool, solved: bool, satisfaction: str, comment: str = ""):
    """The reporter answers the follow-up (回访) on the tracking page. Once per round (a
    second answer could otherwise order supervision again and again), checked under the
    row lock so that two taps at once count once.

    A duplicate's reporter rates the main matter's result too: the answer is kept on their
    own matter and shown to the main matter's staff; the main matter's own reporter (or
    the staff's phone follow-up) decides whether it is closed or reopened."""
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    if locked.status == Matter.Status.MERGED and locked.merged_into_id:
        return _duplicate_follow_up(locked, contacted=contacted, solved=solved, satisfaction=satisfaction,
                                    comment=comment)
    if locked.follow_ups.filter(at__gte=locked.resolved_at or locked.created_at).exists():
        raise ConflictError(_("Thank you: your answer for this round has already been recorded."))
    return matter_actions.record_follow_up(
        locked, actor=None, channel="web", contacted=contacted, solved=solved, satisfaction=satisfaction,
        comment=comment,
    )


def _duplicate_follow_up(duplicate: Matter, *, contacted: bool, solved: bool, satisfaction: str, comment: str):
    from safeharbor.matters.models import FollowUp

    main = Matter.objects.select_for_update().get(pk=duplicate.merged_into_id)
    if main.resolved_at is None or main.status not in (Matter.Status.RESOLVED, Matter.Status.CLOSED):
        raise ConflictError(_("The matter is not handled yet; you can give your opinion once it is."))
    if duplicate.follow_ups.filter(at__gte=main.resolved_at).exists():
        raise ConflictError(_("Thank you: your answer for this round has already been recorded."))
    if satisfaction not in Matter.Satisfaction.values:
        raise ActionError(_("Choose how satisfied you are."), extra={"field": "satisfaction"})
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ActionError(_("At most %(n)d characters.") % {"n": 1000}, extra={"field": "comment"})
    follow_up = FollowUp.objects.create(matter=duplicate, channel=FollowUp.Channel.WEB, contacted=contacted,
                                        solved=solved, satisfaction=satisfaction, comment=comment)
    duplicate.satisfaction, duplicate.updated_at = satisfaction, timezone.now()
    duplicate.save(update_fields=["satisfaction", "updated_at"])
    verdict = {"contacted": contacted, "solved": solved, "satisfaction": satisfaction, "channel": "web"}
    MatterEvent.objects.create(matter=duplicate, action=MatterEvent.Action.FOLLOW_UP, from_status=duplicate.status,
                               to_status=duplicate.status, note=comment, public=True, data=verdict)
    MatterEvent.objects.create(matter=main, action=MatterEvent.Action.FOLLOW_UP, from_status=main.status,
                               to_status=main.status, note=comment, public=False, unit=main.unit,
                               data={**verdict, "duplicate": duplicate.tracking_code})
    return follow_up


# --- the public board -----------------------------------------------------------------------


def _require_publisher(actor) -> None:
    """Dispatchers (and administrators) decide what goes on the public board."""
    if not access.can_write(actor) or not (access.is_admin(actor) or actor.role == User.Role.DISPATCHER):
        raise PermissionDenied(_("Only dispatchers publish matters on the public board."))


@transaction.atomic
def publish_matter(matter: Matter, *, actor, title: str, text: str, place: str) -> Publication:
    """Put a matter about public space on the board. The dispatcher writes the public text
    (no names, phones or house numbers); the place is kept to the road or compound."""
    matter = access.get_visible_or_404(access.visible_matters(actor).select_for_update(), pk=matter.pk)
    _require_publisher(actor)
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
    access.get_visible_or_404(access.visible_matters(actor), pk=publication.matter_id)
    _require_publisher(actor)
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
    phone = check_phone(phone)
    with transaction.atomic():
        try:
            with transaction.atomic():
                MeToo.objects.create(publication=publication, client_key=key, phone=phone,
                                     phone_index=blind_index(phone) if phone else "")
        except IntegrityError:
            return False
        Publication.objects.filter(pk=publication.pk).update(me_too_count=F("me_too_count") + 1)
    return True


# --- staff desks: hotline (来电登记), grid patrol (网格巡查), walk-in (来访登记) -------------

DESK_ROLES = {
    # Hotline operators are dispatchers in this model; harbor and port staff answer their lines.
    "hotline": {"dispatcher", "harbor_staff", "port_staff", "admin"},
    "patrol": {"grid_worker", "admin"},
    "walk_in": {"harbor_staff", "port_staff", "admin"},
    "publish": {"dispatcher", "admin"},
}


def may_use_desk(user, desk: str) -> bool:
    """Whether this user works at this desk (read-only roles never do)."""
    if not getattr(user, "is_authenticated", False) or not access.can_write(user):
        return False
    return access.is_admin(user) or user.role in DESK_ROLES[desk]


def require_desk(user, desk: str) -> None:
    from django.core.exceptions import PermissionDenied

    if not may_use_desk(user, desk):
        raise PermissionDenied(_("Your role does not work at this desk."))


def register_call(
    *, actor, description: str, phone: str = "", name: str = "", category: Category | None = None,
    area: Area | None = None, address: str = "", urgency: str = "normal",
) -> tuple[Matter, str]:
    """A hotline call (来电登记), registered by the operator while the caller is on the line."""
    require_desk(actor, "hotline")
    return submit_report(
        description=description, source=Matter.Source.HOTLINE, actor=actor, phone=phone, name=name,
        category=category, area=area, address=address, urgency=urgency,
    )


def register_patrol_finding(
    *, actor, description: str, area: Area, address: str = "", photos=(), lat: float | None = None,
    lon: float | None = None, category: Category | None = None,
) -> tuple[Matter, str]:
    """A grid worker's finding on patrol (网格巡查), in one of their grids or compounds."""
    require_desk(actor, "patrol")
    from safeharbor.intake.staff_queries import patrol_areas

    if area is None or not patrol_areas(actor).filter(pk=area.pk).exists():
        raise ActionError(_("Choose one of your grids or compounds."), extra={"field": "area"})
    return submit_report(
        description=description, source=Matter.Source.PATROL, actor=actor, area=area, address=address,
        photos=photos, lat=lat, lon=lon, category=category,
    )


def register_walk_in(
    *, actor, harbor: Harbor, description: str, name: str = "", phone: str = "", anonymous: bool = False,
    category: Category | None = None, address: str = "",
) -> tuple[Matter, str]:
    """A visitor at the harbor's desk (来访登记)."""
    require_desk(actor, "walk_in")
    if harbor is None or not access.visible_harbors(actor).filter(pk=harbor.pk).exists():
        raise ActionError(_("Choose your harbor."), extra={"field": "harbor"})
    return submit_report(
        description=description, source=Matter.Source.WALK_IN, actor=actor, harbor=harbor, name=name,
        phone=phone, anonymous=anonymous, category=category, address=address,
    )
