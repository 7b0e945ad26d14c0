"""Writes of the Open311 API: client keys, and service requests that become matters.

A service request goes through intake.actions.submit_report like every resident's
report (source "open311"), in one transaction with its Open311Request row: the matter
and its token exist together or not at all.
"""

import math
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from safeharbor.core.actions import record_audit
from safeharbor.core.errors import ActionError
from safeharbor.core.models import AuditLog, Category
from safeharbor.intake.actions import submit_report
from safeharbor.matters.models import Matter
from safeharbor.open311 import queries
from safeharbor.open311.models import ApiKey, Open311Request, ServiceAttribute, hash_key

DEMO_KEY = "demo-open311-key"
KEY_PREFIX = "o311-"
MAX_ATTRIBUTE_CHARS = {ServiceAttribute.Datatype.STRING: 200, ServiceAttribute.Datatype.TEXT: 2000}
D = ServiceAttribute.Datatype


# --- API keys -----------------------------------------------------------------------------


def _by(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def create_api_key(*, name: str, actor=None, instance: ApiKey | None = None) -> tuple[ApiKey, str]:
    """A new key for a client application. Returns the key and its raw value, which is
    stored nowhere (only its hash): show it once. `instance` is an unsaved ApiKey to use
    (the admin's form object)."""
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Name the client application."), extra={"field": "name"})
    raw = KEY_PREFIX + secrets.token_urlsafe(24)
    key = instance or ApiKey()
    key.name, key.key_hash, key.prefix = name[:100], hash_key(raw), raw[:8]
    key.created_by, key.created_at = _by(actor), timezone.now()
    key.save()
    if actor is not None:
        record_audit(actor=actor, action=AuditLog.Action.CONFIG, target=key, reason=_("Open311 API key created"))
    return key, raw


def revoke_api_key(key: ApiKey, *, actor=None) -> bool:
    """Revoke the key (compare-and-set: revoking twice keeps the first time). Returns
    False when it was already revoked."""
    with transaction.atomic():
        revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if revoked and actor is not None:
            record_audit(actor=actor, action=AuditLog.Action.CONFIG, target=key, reason=_("Open311 API key revoked"))
    key.refresh_from_db(fields=["revoked_at"])
    return bool(revoked)


def use_api_key(raw: str) -> ApiKey:
    """The active key with this raw value, marked as used now; 403 otherwise."""
    raw = (raw or "").strip()
    if not raw:
        raise ActionError(_("api_key is required to submit a service request."), status_code=403)
    key = ApiKey.objects.filter(key_hash=hash_key(raw)).first()
    if key is None or not key.is_active:
        raise ActionError(_("Invalid api_key: unknown or revoked."), status_code=403)
    key.last_used_at = timezone.now()
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=key.last_used_at)
    return key


def ensure_demo_key() -> ApiKey:
    """The demo installation's key `demo-open311-key` (created once; a revoked one stays revoked)."""
    key, _created = ApiKey.objects.get_or_create(
        key_hash=hash_key(DEMO_KEY), defaults={"name": "演示客户端 (demo)", "prefix": DEMO_KEY[:8]}
    )
    return key


def ensure_demo_attributes() -> int:
    """A service definition for the demo (小区设施损坏 asks which facility), so that a client
    sees metadata=true once. Idempotent; returns how many attributes it created."""
    category = Category.objects.filter(code="estate.facilities").first()
    if category is None:
        return 0
    _attribute, created = ServiceAttribute.objects.get_or_create(
        category=category, code="facility",
        defaults={"datatype": D.SINGLEVALUELIST, "required": True, "order": 1, "description": "哪类设施损坏",
                  "values": [{"key": key, "name": name} for key, name in (
                      ("elevator", "电梯"), ("streetlight", "路灯"), ("sewer", "下水道"), ("heating", "供暖"),
                      ("other", "其他"))]},
    )
    return int(created)


# --- service requests ---------------------------------------------------------------------


def _float(value: str, field: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise ActionError(_("%(field)s must be a number between %(low)s and %(high)s.")
                          % {"field": field, "low": low, "high": high}, extra={"field": field})
    return number


def check_location(*, lat: str, long: str, address_string: str, address_id: str) -> tuple[float | None, float | None]:
    """One full location: lat and long, or address_string, or address_id (400 otherwise)."""
    lat, long = (lat or "").strip(), (long or "").strip()
    if bool(lat) != bool(long):
        raise ActionError(_("Send both lat and long, or neither."), extra={"field": "lat"})
    if not (lat or (address_string or "").strip() or (address_id or "").strip()):
        raise ActionError(
            _("A location is required: lat and long, or address_string, or address_id."), extra={"field": "lat"}
        )
    if not lat:
        return None, None
    return _float(lat, "lat", -90, 90), _float(long, "long", -180, 180)


def check_attributes(category: Category, given: dict[str, list[str]]) -> dict:
    """The answers to the category's attributes, checked against its service definition:
    required ones present, list values among the keys, numbers and dates readable. Codes
    the definition does not have are ignored. All problems are reported at once."""
    answers: dict = {}
    problems: list[str] = []
    for attribute in queries.service_attributes(category):
        if not attribute.variable:
            continue
        values = [str(v).strip() for v in given.get(attribute.code, ()) if str(v).strip()]
        label = {"code": attribute.code, "question": attribute.description}
        if not values:
            if attribute.required:
                problems.append(_("attribute[%(code)s] (%(question)s) is required.") % label)
            continue
        if attribute.datatype != D.MULTIVALUELIST and len(values) > 1:
            problems.append(_("attribute[%(code)s] takes one value.") % label)
            continue
        if attribute.is_list:
            unknown = [v for v in values if v not in attribute.value_keys()]
            if unknown:
                problems.append(_("attribute[%(code)s]: “%(value)s” is not one of its values.")
                                % {**label, "value": unknown[0]})
                continue
            answers[attribute.code] = values if attribute.datatype == D.MULTIVALUELIST else values[0]
            continue
        value = values[0]
        if attribute.datatype == D.NUMBER:
            try:
                ok = math.isfinite(float(value))
            except ValueError:
                ok = False
            if not ok:
                problems.append(_("attribute[%(code)s] must be a number.") % label)
                continue
        elif attribute.datatype == D.DATETIME:
            try:
                ok = bool(parse_datetime(value) or parse_date(value))
            except ValueError:
                ok = False
            if not ok:
                problems.append(_("attribute[%(code)s] must be a date or time in ISO 8601 format.") % label)
                continue
        elif attribute.datatype == D.STRING and ("\n" in value or "\r" in value):
            problems.append(_("attribute[%(code)s] must be a single line.") % label)
            continue
        limit = MAX_ATTRIBUTE_CHARS.get(attribute.datatype, 200)
        if len(value) > limit:
            problems.append(_("attribute[%(code)s] is longer than %(n)d characters.") % {**label, "n": limit})
            continue
        answers[attribute.code] = value
    if problems:
        raise ActionError(problems[0], extra={"errors": problems})
    return answers


_CJK = re.compile(r"[\u3400-\u9fff]")


def reporter_name(first_name: str, last_name: str) -> str:
    """Chinese names are written family name first (王 + 丽 → 王丽); others "first last"."""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def _short(value: str, field: str, limit: int = 100) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ActionError(_("%(field)s is longer than %(n)d characters.") % {"field": field, "n": limit},
                          extra={"field": field})
    return value


def submit_service_request(
    *, api_key: str, service_code: str, lat: str = "", long: str = "", address_string: str = "",
    address_id: str = "", attributes: dict[str, list[str]] | None = None, description: str = "",
    email: str = "", device_id: str = "", account_id: str = "", first_name: str = "", last_name: str = "",
    phone: str = "", media_url: str = "", photos=(),
) -> tuple[Open311Request, str]:
    """POST requests: check the key (403), the service code (400 missing, 404 unknown), the
    location and the attributes (400), then register the matter with its Open311 row.
    Returns the row and the matter's check code (for the reporter, shown once)."""
    key = use_api_key(api_key)
    service_code = (service_code or "").strip()
    if not service_code:
        raise ActionError(_("service_code is required."), extra={"field": "service_code"})
    category = queries.get_service(service_code)
    if category is None:
        raise ActionError(_("No service with the code “%(code)s”.") % {"code": service_code[:60]}, status_code=404)
    lat_value, lon_value = check_location(lat=lat, long=long, address_string=address_string, address_id=address_id)
    answers = check_attributes(category, attributes or {})
    email = _short(email, "email", 254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError as exc:
            raise ActionError(_("That e-mail address does not look right."), extra={"field": "email"}) from exc
    media_url = _short(media_url, "media_url", 500)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise ActionError(_("media_url must be an http or https URL."), extra={"field": "media_url"}) from exc
    device_id, account_id = _short(device_id, "device_id"), _short(account_id, "account_id")
    address_id = _short(address_id, "address_id")
    with transaction.atomic():
        matter, check = submit_report(
            description=(description or "").strip() or category.name_zh, source=Matter.Source.OPEN311,
            category=category, address=(address_string or "").strip(), lat=lat_value, lon=lon_value, photos=photos,
            name=reporter_name(first_name, last_name), phone=phone,
        )
        row = Open311Request.objects.create(
            matter=matter, token=secrets.token_hex(16), api_key=key, attributes=answers, device_id=device_id,
            account_id=account_id, media_url=media_url, address_id=address_id, email=email,
        )
    return row, check
