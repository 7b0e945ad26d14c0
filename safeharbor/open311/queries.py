"""Reads of the Open311 API: services, service definitions and the public view of matters.

Which matters Open311 shows, and how much of them (one rule, applied in one place):

- Listed are the matters that came in through Open311 and the matters a dispatcher put
  on the public board (公开栏). Hotline calls, walk-ins, web reports and everything else
  that was never published do not exist for Open311: their reporters did not speak to a
  public channel. A request id that is not listed answers 404, like one that never existed.
- The resident's own words and the place only appear once a dispatcher published the
  matter: then `description` is the public title and text, `address` the public place
  (road or compound) and `lat`/`long` the board's point (about 100 m). Until then they
  are null. Free text cannot be checked for names and house numbers by a program; the
  board's editing step is the platform's one way to make it public, so Open311 uses it.
- Never shown: the reporter's name, phone and e-mail, device and account ids, photos, the
  exact point, staff names, internal notes.
- `status_notes` is what the reporter reads on the tracking page: the unit's result,
  the reason of a rejection, the main matter of a duplicate.
- All public text (board text, place, status notes) is scrubbed once more: phone, ID and
  house numbers masked as on the board (lib/redact.py), e-mail addresses too, and the
  reporter's own name, should staff have written it in.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core.models import Category
from safeharbor.intake.models import Publication
from safeharbor.lib.masking import mask_name
from safeharbor.lib.redact import redact_text
from safeharbor.matters.models import Matter, MatterEvent
from safeharbor.open311.formats import w3_datetime
from safeharbor.open311.models import Open311Request, ServiceAttribute

S = Matter.Status

# GeoReport's two states. `resolved` (办结, the unit reports it done; the reporter's
# follow-up still to come) is "closed" in the specification's words ("closed: it has been
# resolved"); a reopening after an unhappy follow-up makes the request open again.
OPEN_STATUSES = tuple(Matter.OPEN_STATUSES)
CLOSED_STATUSES = (S.RESOLVED, S.CLOSED, S.REJECTED, S.MERGED)

MAX_REQUESTS = 1000  # the specification's default limit: at most this many, newest first
DEFAULT_DAYS = 90  # ... within the most recent 90 days (a range may not span more)
MAX_IDS = 1000


def open311_status(matter: Matter) -> str:
    return "open" if matter.status in OPEN_STATUSES else "closed"


# --- services -----------------------------------------------------------------------------


def service_list() -> QuerySet[Category]:
    attributes = ServiceAttribute.objects.filter(category=OuterRef("pk"))
    return (
        Category.objects.filter(active=True)
        .select_related("domain", "default_unit")
        .annotate(has_attributes=Exists(attributes))
        .order_by("domain__sort_order", "sort_order", "code")
    )


def get_service(code: str) -> Category | None:
    return service_list().filter(code=code).first()


def service_attributes(category: Category) -> QuerySet[ServiceAttribute]:
    return ServiceAttribute.objects.filter(category=category).order_by("order", "code")


def keywords(category: Category) -> str:
    """Synonyms for search: the parts of the Chinese name (邻里纠纷（漏水、噪音…）→
    邻里纠纷, 漏水, 噪音, …), then the domain and the English name."""
    parts: list[str] = []
    text = category.name_zh
    for sep in "（）()、，,；;/":
        text = text.replace(sep, "|")
    for word in [*text.split("|"), category.domain.name_zh, category.name_en]:
        word = word.strip()
        if word and word not in parts:
            parts.append(word)
    return ", ".join(parts)


def service_notice(category: Category | None, *, tracking_code: str = "", check: str = "") -> str:
    """Who handles it and how long it usually takes; right after POST also the two codes
    the reporter needs for the tracking page (the check code is given only this once)."""
    if category is None:
        return ""
    values = {"unit": category.default_unit.name_zh, "days": category.resolve_days, "code": tracking_code,
              "check": check}
    if check:
        return _("%(unit)s handles it; usually resolved within %(days)d working days. Keep the tracking code "
                 "%(code)s and the check code %(check)s to follow it and rate it on our website.") % values
    return _("%(unit)s handles it; usually resolved within %(days)d working days.") % values


# --- requests -----------------------------------------------------------------------------


@dataclass
class RequestFilter:
    ids: list[str] | None = None  # overrides everything else
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] | None = None  # "open", "closed"


def listed_matters() -> QuerySet[Matter]:
    """Every matter Open311 may show (see the module's docstring)."""
    on_board = Publication.objects.filter(matter=OuterRef("pk"), withdrawn_at__isnull=True)
    return Matter.objects.filter(Q(source=Matter.Source.OPEN311) | Q(Exists(on_board)))


def default_range(start: datetime | None, end: datetime | None, *, now=None) -> tuple[datetime, datetime]:
    """The specification's default: the most recent 90 days; one bound given, 90 days from it."""
    span = timedelta(days=DEFAULT_DAYS)
    if start is None and end is None:
        end = now or timezone.now()
    if start is None:
        start = end - span
    if end is None:
        end = start + span
    return start, end


def request_list(filters: RequestFilter, *, now=None) -> list[Matter]:
    """At most MAX_REQUESTS listed matters, newest first, ready for `request_data`."""
    matters = listed_matters()
    if filters.ids is not None:
        matters = matters.filter(tracking_code__in=[i.strip().upper() for i in filters.ids][:MAX_IDS])
    else:
        start, end = default_range(filters.start, filters.end, now=now)
        matters = matters.filter(created_at__gte=start, created_at__lte=end)
        if filters.service_codes:
            matters = matters.filter(category__code__in=filters.service_codes)
        if filters.statuses and set(filters.statuses) != {"open", "closed"}:
            wanted = OPEN_STATUSES if filters.statuses[0] == "open" else CLOSED_STATUSES
            matters = matters.filter(status__in=wanted)
    return list(_for_output(matters).order_by("-created_at", "-pk")[:MAX_REQUESTS])


def get_request(service_request_id: str) -> Matter | None:
    return _for_output(listed_matters().filter(tracking_code=service_request_id.strip().upper())).first()


def get_token(token: str) -> Open311Request | None:
    return Open311Request.objects.select_related("matter").filter(token=(token or "").strip().lower()).first()


def _for_output(matters: QuerySet[Matter]) -> QuerySet[Matter]:
    notes = MatterEvent.objects.filter(public=True, action=MatterEvent.Action.REJECTED).order_by("-at")
    return (
        matters.select_related("category__domain", "category__default_unit", "unit", "merged_into", "publication")
        .prefetch_related(Prefetch("events", queryset=notes, to_attr="rejections"))
        # Never needed here, so never loaded (nor decrypted): the resident's own words and phone.
        .defer("description", "reporter_phone", "merged_into__description", "merged_into__reporter_name",
               "merged_into__reporter_phone")
    )


def _publication(matter: Matter) -> Publication | None:
    try:
        publication = matter.publication
    except Publication.DoesNotExist:
        return None
    return publication if publication and publication.withdrawn_at is None else None


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def scrub(text: str | None, matter: Matter) -> str:
    """Public text about `matter`, masked once more as the public board masks it (phone,
    ID and house numbers), plus e-mail addresses and the reporter's own name, should
    staff have written them in."""
    text = _EMAIL.sub("×@×", redact_text(text))
    name = (matter.reporter_name or "").strip()
    if text and len(name) >= 2:
        text = text.replace(name, mask_name(name))
    return text


def status_notes(matter: Matter) -> str:
    if matter.status == S.MERGED and matter.merged_into_id:
        return _("Duplicate: followed up under %(code)s.") % {"code": matter.merged_into.tracking_code}
    if matter.status == S.REJECTED:
        reasons = getattr(matter, "rejections", None)
        reason = reasons[0].note if reasons else ""
        return scrub(reason, matter) or str(matter.get_status_display())
    if matter.status in (S.RESOLVED, S.CLOSED) and matter.result:
        return scrub(matter.result, matter)
    return str(matter.get_status_display())


def updated_datetime(matter: Matter) -> datetime:
    """For a closed request the specification wants the time it was closed."""
    if matter.status == S.RESOLVED and matter.resolved_at:
        return matter.resolved_at
    if matter.status in (S.CLOSED, S.REJECTED) and matter.closed_at:
        return matter.closed_at
    return matter.updated_at


def request_data(matter: Matter) -> dict:
    """One <request> of GET requests: the public view of a matter, nothing personal."""
    publication = _publication(matter)
    category = matter.category
    description = address = lat = lon = None
    if publication is not None:
        description = scrub(f"{publication.title}\n{publication.text}".strip(), matter)
        address = scrub(publication.place, matter) or None
        lat, lon = publication.lat, publication.lon
    return {
        "service_request_id": matter.tracking_code,
        "status": open311_status(matter),
        "status_notes": status_notes(matter) or None,
        "service_name": category.name_zh if category else None,
        "service_code": category.code if category else None,
        "description": description,
        "agency_responsible": matter.unit.name_zh if matter.unit else None,
        "service_notice": service_notice(category) or None,
        "requested_datetime": w3_datetime(matter.created_at),
        "updated_datetime": w3_datetime(updated_datetime(matter)),
        "expected_datetime": w3_datetime(matter.resolve_due_at),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": None,
    }


def service_data(category: Category) -> dict:
    """One <service> of the service list."""
    return {
        "service_code": category.code,
        "service_name": category.name_zh,
        "description": category.description or category.name_zh,
        "metadata": bool(getattr(category, "has_attributes", False)),
        "type": "realtime",
        "keywords": keywords(category),
        "group": category.domain.name_zh,
    }


def definition_data(category: Category, attributes) -> dict:
    """The <service_definition> of a category that asks extra questions."""
    rows = []
    for attribute in attributes:
        row = {
            "variable": attribute.variable,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": attribute.datatype_description or None,
            "order": attribute.order,
            "description": attribute.description,
        }
        if attribute.is_list:
            row["values"] = [{"key": v.get("key"), "name": v.get("name")} for v in attribute.values or ()]
        rows.append(row)
    return {"service_code": category.code, "attributes": rows}
