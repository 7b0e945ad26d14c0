"""Writes of the publicity app: materials and activities with their distribution counts."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.models import Area, Harbor, Unit
from safeharbor.publicity.models import Activity, ActivityPhoto, Distribution, Material

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".gif")


def _text(value, field: str, *, required: bool = True, limit: int = 5000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Please fill in this field."), extra={"field": field})
    if len(value) > limit:
        raise ActionError(_("This text is too long: at most %(n)d characters.") % {"n": limit},
                          extra={"field": field})
    return value


def _unique_code(title: str) -> str:
    base = slugify(title, allow_unicode=False)[:40] or "m"
    code, n = base, 1
    while Material.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def create_material(*, actor, title: str, kind: str, topic: str, audience: str, summary: str, owner_unit: Unit,
                    body: str = "", video_url: str = "", file=None, valid_from: date | None = None,
                    valid_until: date | None = None, published: bool = True, code: str = "") -> Material:
    access.require_write(actor)
    if kind not in Material.Kind.values:
        raise ActionError(_("Choose a kind."), extra={"field": "kind"})
    if audience not in Material.Audience.values:
        raise ActionError(_("Choose an audience."), extra={"field": "audience"})
    if valid_from and valid_until and valid_until < valid_from:
        raise ActionError(_("A material cannot expire before it becomes valid."), extra={"field": "valid_until"})
    if video_url and not video_url.startswith(("/", "https://", "http://")):
        raise ActionError(_("Give the video's web address."), extra={"field": "video_url"})
    if not access.visible_units(actor).filter(pk=owner_unit.pk).exists():
        raise ActionError(_("Choose a unit you work with."), extra={"field": "owner_unit"})
    title = _text(title, "title", limit=200)
    return Material.objects.create(
        code=code or _unique_code(title), title=title, kind=kind, topic=_text(topic, "topic", limit=100),
        audience=audience, summary=_text(summary, "summary"), body=_text(body, "body", required=False, limit=50000),
        video_url=video_url.strip(), file=file or "", valid_from=valid_from, valid_until=valid_until,
        owner_unit=owner_unit, published=published, created_by=actor,
    )


@transaction.atomic
def record_activity(*, actor, title: str, venue: str, held_on: date, place: str, area: Area, organizer: Unit,
                    audience: str, audience_size: int, copies: dict, units=(), harbor: Harbor | None = None,
                    campaign=None, notes: str = "", photos=()) -> Activity:
    """A publicity activity with the copies distributed per material (`copies`: {material: n})."""
    access.require_write(actor)
    if venue not in Activity.Venue.values:
        raise ActionError(_("Choose where it took place."), extra={"field": "venue"})
    if held_on > timezone.localdate():
        raise ActionError(_("Record an activity once it has taken place."), extra={"field": "held_on"})
    if not access.visible_areas(actor).filter(pk=area.pk).exists():
        raise ActionError(_("That area is outside your area of work."), extra={"field": "area"})
    if harbor is not None and not access.visible_harbors(actor).filter(pk=harbor.pk).exists():
        raise ActionError(_("Choose a harbor you work with."), extra={"field": "harbor"})
    if campaign is not None and not access.visible_campaigns(actor).filter(pk=campaign.pk).exists():
        raise ActionError(_("Choose a campaign you take part in."), extra={"field": "campaign"})
    if audience_size is None or int(audience_size) < 0 or int(audience_size) > 1_000_000:
        raise ActionError(_("Give the number of people reached."), extra={"field": "audience_size"})
    lines = {}
    for material, n in (copies or {}).items():
        if n in (None, "", 0):
            continue
        if int(n) < 0 or int(n) > 1_000_000:
            raise ActionError(_("Copies must be a number from 0 to 1,000,000."), extra={"field": "copies"})
        if not material.is_valid(held_on):
            raise ActionError(_("“%(title)s” was not valid on that date.") % {"title": material.title},
                              extra={"field": "copies"})
        lines[material] = int(n)
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise ActionError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, extra={"field": "photos"})
    for photo in photos:
        if photo.size > MAX_PHOTO_BYTES or not photo.name.lower().endswith(PHOTO_TYPES):
            raise ActionError(_("%(name)s is not a photo of at most 10 MB.") % {"name": photo.name},
                              extra={"field": "photos"})
    activity = Activity.objects.create(
        title=_text(title, "title", limit=200), venue=venue, held_on=held_on, place=_text(place, "place", limit=200),
        area=area, organizer=organizer, harbor=harbor, campaign=campaign,
        audience=_text(audience, "audience", limit=200), audience_size=int(audience_size),
        notes=_text(notes, "notes", required=False), recorded_by=actor,
    )
    activity.units.set([u for u in units if u.pk != organizer.pk])
    Distribution.objects.bulk_create(
        [Distribution(activity=activity, material=m, copies=n) for m, n in lines.items()])
    for photo in photos:
        ActivityPhoto.objects.create(activity=activity, file=photo, name=photo.name[:200], size=photo.size)
    return activity
