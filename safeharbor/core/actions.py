"""Writes of the core app: taxonomy loading, personal-data reveal, audit entries."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.models import Area, AuditLog, Category, Domain, Unit
from safeharbor.core.queries import confirmed_totp, two_factor_allowed
from safeharbor.core.taxonomy import DEFAULT_TAXONOMY, parse_taxonomy


def record_audit(*, actor, action: str, target=None, field: str = "", reason: str = "", ip: str | None = None,
                 target_type: str = "", target_id: str = "", target_repr: str = "") -> AuditLog:
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_repr = str(target)[:200]
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, target_type=target_type, target_id=target_id, target_repr=target_repr,
        field=field, reason=reason, ip=ip,
    )


@transaction.atomic
def load_taxonomy(source: str | Path | None = None, *, actor=None) -> dict[str, int]:
    """Create or update domains, units and categories from a taxonomy file.

    The whole file is checked before anything is written; a bad entry raises ActionError
    naming the entry and field, and the database is left as it was.
    Returns the number of rows created per section.
    """
    path = Path(source) if source else DEFAULT_TAXONOMY
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ActionError(_("Cannot read the taxonomy file %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    taxonomy = parse_taxonomy(text)

    created = {"domains": 0, "units": 0, "categories": 0}
    domains = {}
    for row in taxonomy.domains:
        obj, was_created = Domain.objects.update_or_create(code=row["code"], defaults=row)
        domains[obj.code] = obj
        created["domains"] += was_created
    units = {}
    for row in taxonomy.units:
        obj, was_created = Unit.objects.update_or_create(code=row["code"], defaults=row)
        units[obj.code] = obj
        created["units"] += was_created
    for row in taxonomy.categories:
        defaults = {**row, "domain": domains[row["domain"]], "default_unit": units[row["unit"]]}
        del defaults["unit"]
        _obj, was_created = Category.objects.update_or_create(code=row["code"], defaults=defaults)
        created["categories"] += was_created
    if actor is not None:
        record_audit(actor=actor, action=AuditLog.Action.CONFIG, target_type="taxonomy", target_repr=str(path))
    return created


def area_paths() -> dict[int, str]:
    """Every area's tree path, to compare with after a change (sync_area_paths)."""
    return dict(Area.objects.values_list("pk", "path"))


def sync_area_paths(before: dict[int, str]) -> int:
    """Bring the copies of area paths kept on matters in step after areas moved: treebeard
    rewrites the paths of the moved subtree and may shift its new siblings. One statement
    over the matters of the areas whose path changed; nothing when none did (a rename)."""
    from safeharbor.matters.models import Matter

    moved = [pk for pk, path in Area.objects.values_list("pk", "path") if before.get(pk, path) != path]
    if not moved:
        return 0
    current = Area.objects.filter(pk=OuterRef("area_id")).values("path")[:1]
    return Matter.objects.filter(area_id__in=moved).update(area_path=Subquery(current))


# Which encrypted fields of which models may be revealed, and through which scope.
REVEALABLE = {
    "core.user": (access.visible_users, {"phone", "id_number"}),
}


def register_revealable(label: str, visible, fields: set[str]) -> None:
    """Other apps register their personal-data fields here (mediation parties, ...)."""
    REVEALABLE[label] = (visible, set(fields))


@transaction.atomic
def reveal_personal_field(*, actor, label: str, pk, field: str, reason: str, ip: str | None = None) -> str:
    """Return the clear value of a personal-data field and write the audit entry.

    Only objects in the actor's scope can be revealed (others answer 404), and a reason
    is required: revealing is a deliberate, recorded act.
    """
    if label not in REVEALABLE or field not in REVEALABLE[label][1]:
        raise Http404
    visible, _fields = REVEALABLE[label]
    obj = access.get_visible_or_404(visible(actor), pk=pk)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ActionError(_("Say why you need to see this in full (for the audit log)."), extra={"field": "reason"})
    record_audit(actor=actor, action=AuditLog.Action.REVEAL, target=obj, field=field, reason=reason, ip=ip)
    return getattr(obj, field)


# --- two-factor log-in (TOTP, django-otp) ----------------------------------------------------


def start_totp(user):
    """The unconfirmed authenticator of `user` (made once) for the set-up page to show."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not two_factor_allowed(user):
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def confirm_totp(user, token: str):
    """Turn two-factor log-in on once the user proves the app shows the right codes."""
    device = start_totp(user)
    if not device.verify_token((token or "").strip()):
        raise ActionError(_("That code is not right. Enter the 6 digits the app shows now."),
                          extra={"field": "token"})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    type(device).objects.filter(user=user).exclude(pk=device.pk).delete()
    record_audit(actor=user, action=AuditLog.Action.CONFIG, target=user, field="two_factor",
                 reason="two-factor log-in turned on")
    return device


@transaction.atomic
def disable_totp(user, token: str) -> None:
    """Turn two-factor log-in off; needs a current code, so a stolen session cannot do it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return
    if settings.TWO_FACTOR_REQUIRED and user.role in settings.TWO_FACTOR_ROLES:
        raise ActionError(_("Two-factor log-in is required for your role; it cannot be turned off."))
    if not device.verify_token((token or "").strip()):
        raise ActionError(_("That code is not right. Enter the 6 digits the app shows now."),
                          extra={"field": "token"})
    device.delete()
    record_audit(actor=user, action=AuditLog.Action.CONFIG, target=user, field="two_factor",
                 reason="two-factor log-in turned off")


def verify_login_token(user, token: str):
    """The confirmed device of `user` if `token` is a valid current code, else None.
    django-otp throttles repeated failures and refuses a code used once already."""
    device = confirmed_totp(user)
    if device is None or not device.verify_token((token or "").strip()):
        return None
    return device
