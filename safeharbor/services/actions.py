"""Writes of the services app. Each function checks scope (404), role (403) and state (409),
changes everything it touches in one transaction and raises ActionError saying what to fix.

An application is handled through a matter of the provider unit: the matter carries the
deadlines in working days, the timeline and supervision; the application carries what is
particular to the service (materials, decision, certificate, placement, enrollment).
"""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.actions import record_audit
from safeharbor.core.crypto import blind_index
from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import AuditLog, Category, Port, Unit, User
from safeharbor.lib import workdays
from safeharbor.matters import actions as matter_actions
from safeharbor.matters import deadlines, rules
from safeharbor.matters.models import LimitUnit, Matter
from safeharbor.services.models import (
    AidAllocation,
    AidResource,
    Application,
    ApplicationStep,
    Beneficiary,
    DutyRoster,
    DutySlot,
    DutySwap,
    Enrollment,
    Event,
    EventPhoto,
    HotlineCall,
    JobOpening,
    SafeFamily,
    SafeFamilyCriterion,
    Service,
)

Role = User.Role
S = Application.Status
# Roles that handle the services of the ports and harbors.
HANDLER_ROLES = {Role.ADMIN, Role.HARBOR_STAFF, Role.PORT_STAFF, Role.UNIT_HANDLER, Role.DISPATCHER}
# Who approves duty swaps and generates rotas: the harbor, not one of the organizations.
ROTA_ROLES = {Role.ADMIN, Role.HARBOR_STAFF, Role.DISPATCHER}
MAX_TEXT = 2000
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


# --- helpers -------------------------------------------------------------------------------


def _text(value, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Please fill in this field."), extra={"field": field})
    if len(value) > limit:
        raise ActionError(_("This text is too long: at most %(n)d characters.") % {"n": limit},
                          extra={"field": field})
    return value


def clean_phone(value, field: str = "phone", *, required: bool = True) -> str:
    value = re.sub(r"[\s()（）]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):  # a mobile typed with dashes
        value = digits
    if not value and not required:
        return ""
    if not PHONE_RE.match(value):
        raise ActionError(_("Enter a mobile number of 11 digits or a landline with its area code."),
                          extra={"field": field})
    return value


def clean_id_number(value, field: str = "id_number", *, required: bool = True) -> str:
    """A resident ID card number: 18 characters with a valid check digit."""
    value = (value or "").strip().upper()
    if not value and not required:
        return ""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ActionError(_("Enter the 18-character ID card number."), extra={"field": field})
    total = sum(int(c) * w for c, w in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != value[17]:
        raise ActionError(_("This ID card number is not valid: please check it."), extra={"field": field})
    return value


def _require_handler(actor) -> None:
    access.require_write(actor)
    if not access.is_admin(actor) and actor.role not in HANDLER_ROLES:
        raise PermissionDenied(_("Your role does not handle services."))


def _engine_actor(actor, matter: Matter, action: str):
    """The actor the matter's event names: the user where the matter rules allow them, else
    the system acting on their behalf (a harbor clerk at the desk is not the provider unit)."""
    if actor is not None and rules.role_allows(actor, matter, action):
        return actor
    return None


def _step(app: Application, actor, note: str = "", *, public: bool = True, by_applicant: bool = False) -> None:
    ApplicationStep.objects.create(application=app, actor=actor if actor else None, status=app.status,
                                   note=note, public=public, by_applicant=by_applicant)


def _lock_application(actor, app) -> Application:
    pk = app.pk if isinstance(app, Application) else app
    locked = Application.objects.select_for_update(of=("self",)).select_related("service", "matter").filter(
        pk=pk).first()
    if locked is None or not access.visible_applications(actor).filter(pk=pk).exists():
        raise Http404
    _require_handler(actor)
    return locked


def _expect(app: Application, *statuses: str) -> None:
    if app.status not in statuses:
        raise ConflictError(
            _("This application is “%(status)s”; that is not possible now.") % {"status": app.get_status_display()},
            extra={"status": app.status},
        )


def _notify(users, kind: str, message: str, url: str = "", obj=None) -> None:
    from safeharbor.notifications.actions import notify

    notify(users, kind, message, url=url, obj=obj)


def _port_staff(port) -> list:
    if port is None:
        return []
    return list(User.objects.filter(is_active=True, port=port)) + list(
        User.objects.filter(is_active=True, unit=port.owner_unit, role=Role.PORT_STAFF))


def _number(prefix: str, model, field: str) -> str:
    """Sequential per year: JYKN-2026-0001."""
    year = timezone.localdate().year
    stem = f"{prefix}-{year}-"
    last = (model.objects.filter(**{f"{field}__startswith": stem}).order_by(f"-{field}")
            .values_list(field, flat=True).first())
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{serial:04d}"


# --- the catalogue --------------------------------------------------------------------------


@transaction.atomic
def save_service(*, actor, harbor, code: str, name: str, provider_unit: Unit, port: Port | None = None,
                 category: Category | None = None, description: str = "", eligibility: str = "",
                 materials=(), time_limit_days: int = 5, outcome: str = Service.Outcome.GENERAL,
                 online: bool = True, active: bool = True, service: Service | None = None) -> Service:
    """Add a service to a harbor's catalogue, or change one."""
    _require_handler(actor)
    if not access.visible_service_harbors(actor).filter(pk=harbor.pk).exists():
        raise Http404
    if port is not None and port.harbor_id != harbor.pk:
        raise ActionError(_("That port belongs to another harbor."), extra={"field": "port"})
    if outcome not in Service.Outcome.values:
        raise ActionError(_("Choose an outcome."), extra={"field": "outcome"})
    if not 1 <= int(time_limit_days) <= 60:
        raise ActionError(_("The time limit must be between 1 and 60 working days."),
                          extra={"field": "time_limit_days"})
    materials = [m.strip()[:100] for m in materials if m and m.strip()]
    values = {
        "harbor": harbor, "code": _text(code, "code", limit=60), "name": _text(name, "name", limit=100),
        "provider_unit": provider_unit, "port": port, "category": category,
        "description": _text(description, "description", required=False),
        "eligibility": _text(eligibility, "eligibility", required=False), "materials": materials,
        "time_limit_days": int(time_limit_days), "outcome": outcome, "online": online, "active": active,
    }
    clash = Service.objects.filter(harbor=harbor, code=values["code"])
    if service is not None:
        if not access.visible_services(actor).filter(pk=service.pk).exists():
            raise Http404
        clash = clash.exclude(pk=service.pk)
    if clash.exists():
        raise ActionError(_("This harbor already has a service with that code."), extra={"field": "code"})
    if service is None:
        return Service.objects.create(**values)
    for key, value in values.items():
        setattr(service, key, value)
    service.save()
    return service


# --- applications ----------------------------------------------------------------------------


@transaction.atomic
def submit_application(*, service: Service, name: str, phone: str, id_number: str = "", address: str = "",
                       details: str = "", actor=None, materials=()) -> tuple[Application, str]:
    """A resident applies (online: actor None) or a clerk registers it at the desk (actor).
    Returns the application and its check code, shown once."""
    channel = Application.Channel.ONLINE if actor is None else Application.Channel.DESK
    if actor is not None:
        _require_handler(actor)
        if not access.visible_services(actor).filter(pk=service.pk).exists():
            raise Http404
    if not service.active or (actor is None and not service.online):
        raise ActionError(_("This service cannot be applied for online; please come to the harbor."))
    name = _text(name, "name", limit=40)
    phone = clean_phone(phone)
    needs_id = service.outcome in (Service.Outcome.CERTIFICATE, Service.Outcome.PLACEMENT)
    id_number = clean_id_number(id_number, required=needs_id)
    address = _text(address, "address", required=False, limit=200)
    details = _text(details, "details", required=False)
    received = [m for m in materials if m in (service.materials or [])]

    matter_actor = actor if actor is not None and access.visible_areas(actor).filter(
        pk=service.harbor.area_id).exists() else None
    matter, check = matter_actions.create_matter(
        actor=matter_actor, source=Matter.Source.WEB if actor is None else Matter.Source.WALK_IN,
        title=_("Application: %(service)s") % {"service": service.name},
        description=details or _("Application for %(service)s") % {"service": service.name},
        category=service.category, harbor=service.harbor, reporter_name=name, reporter_phone=phone,
    )
    matter = matter_actions.dispatch_matter(matter, actor=None, unit=service.provider_unit,
                                            note=_("Service application, routed to the provider unit."))
    now = timezone.now()
    due = deadlines.add_limit(now, service.time_limit_days, LimitUnit.WORKDAYS)
    # The service's time limit, not the category's, is the matter's deadline: the sweep warns,
    # marks overdue and orders supervision on it.
    matter = matter_actions.set_resolve_deadline(matter, due=due)
    app = Application.objects.create(
        service=service, harbor=service.harbor, port=service.port, provider_unit=service.provider_unit,
        matter=matter, tracking_code=matter.tracking_code, check_code_hash=matter.check_code_hash,
        channel=channel, applicant_name=name, applicant_phone=phone, applicant_id_number=id_number,
        applicant_address=address, phone_index=blind_index(phone), id_index=blind_index(id_number, kind="id"),
        details=details, materials_received=received, created_at=now, created_by=actor, due_at=due,
    )
    _step(app, actor, _("Application received."))
    staff = list(User.objects.filter(is_active=True, unit=service.provider_unit)) + _port_staff(service.port)
    staff += list(User.objects.filter(is_active=True, harbor=service.harbor, role=Role.HARBOR_STAFF))
    _notify(staff, "service_application",
            _("New application for %(service)s (%(code)s)") % {"service": service.name, "code": app.tracking_code},
            url=f"/services/applications/{app.pk}/", obj=app)
    return app, check


def find_application(code: str, check: str) -> Application | None:
    """The application with this tracking code and check code, or None (no hint which was wrong)."""
    from safeharbor.intake.actions import find_for_resident

    matter = find_for_resident(code, check)
    if matter is None:
        return None
    return Application.objects.filter(matter=matter).select_related("service", "harbor").first()


@transaction.atomic
def supplement_application(app: Application, *, text: str) -> Application:
    """The applicant adds information or says which materials they bring (tracking page)."""
    from safeharbor.intake.actions import add_reporter_info

    app = Application.objects.select_for_update().get(pk=app.pk)
    _expect(app, S.RECEIVED, S.REVIEWING, S.MATERIALS)
    text = _text(text, "text", limit=1000)
    if app.matter_id:
        add_reporter_info(app.matter, text=text)
    _step(app, None, text, by_applicant=True)
    return app


@transaction.atomic
def start_review(app: Application, *, actor) -> Application:
    """审核: the provider signs for it; the matter is accepted and its resolve clock runs."""
    app = _lock_application(actor, app)
    _expect(app, S.RECEIVED)
    _accept_matter(app, actor)
    app.status = S.REVIEWING
    app.save(update_fields=["status"])
    _step(app, actor, _("Under review."))
    return app


def _accept_matter(app: Application, actor) -> None:
    """The provider signs for the matter; its resolve clock runs on the service's deadline."""
    matter = app.matter
    if matter and matter.status in (Matter.Status.DISPATCHED, Matter.Status.REOPENED):
        matter = matter_actions.accept_matter(matter, actor=_engine_actor(actor, matter, "accept"))
        if app.due_at and matter.resolve_due_at != app.due_at:
            matter_actions.set_resolve_deadline(matter, due=app.due_at)


def _pause_clock(app: Application) -> None:
    """补正: while materials are awaited the time limit stands still (the matter's too)."""
    if app.paused_at is None:
        app.paused_at = timezone.now()
        if app.matter_id:
            matter_actions.set_resolve_deadline(app.matter_id, due=None)


def _resume_clock(app: Application) -> None:
    """The materials are in: the deadline moves by the working days spent waiting for them."""
    if app.paused_at is None:
        return
    waited = workdays.workdays_between(timezone.localtime(app.paused_at).date(), timezone.localdate(),
                                       deadlines.overrides())
    if app.due_at is not None:
        app.due_at = workdays.add_workdays(timezone.localtime(app.due_at), waited, deadlines.overrides())
    app.paused_at = None
    if app.matter_id and app.due_at is not None:
        matter_actions.set_resolve_deadline(app.matter_id, due=app.due_at)


@transaction.atomic
def record_materials(app: Application, *, actor, received) -> Application:
    """Tick the materials checklist (what the applicant has handed in)."""
    app = _lock_application(actor, app)
    _expect(app, S.RECEIVED, S.REVIEWING, S.MATERIALS)
    required = app.service.materials or []
    unknown = [m for m in received if m not in required]
    if unknown:
        raise ActionError(_("Not on this service's checklist: %(items)s") % {"items": "、".join(unknown)},
                          extra={"field": "materials"})
    app.materials_received = [m for m in required if m in received]
    fields = ["materials_received"]
    resumed = app.status == S.MATERIALS and not app.missing_materials
    if resumed:
        app.status = S.REVIEWING
        _resume_clock(app)
        fields += ["status", "due_at", "paused_at"]
    app.save(update_fields=fields)
    _step(app, actor, _("Materials received: %(items)s") % {"items": "、".join(app.materials_received) or "—"},
          public=True)
    if resumed:
        _step(app, actor, _("Review goes on; decision due by %(day)s.") % {
            "day": timezone.localtime(app.due_at).strftime("%Y-%m-%d")} if app.due_at else _("Review goes on."))
    return app


@transaction.atomic
def request_materials(app: Application, *, actor, note: str = "") -> Application:
    """补正: tell the applicant what is missing; the application waits for it."""
    app = _lock_application(actor, app)
    _expect(app, S.RECEIVED, S.REVIEWING)
    missing = app.missing_materials
    note = _text(note, "note", required=not missing)
    if not note:
        note = _("Please bring: %(items)s") % {"items": "、".join(missing)}
    _accept_matter(app, actor)  # asking for materials is part of the review
    if app.matter_id:
        app.matter.refresh_from_db()
    app.status = S.MATERIALS
    _pause_clock(app)
    app.save(update_fields=["status", "paused_at"])
    if app.matter and app.matter.status in rules.STATES["note"]:
        engine = _engine_actor(actor, app.matter, "note")
        if engine is not None:
            matter_actions.add_note(app.matter, actor=engine, note=note, public=True)
        else:  # a harbor clerk asks at the desk: the note is the service's, not the provider unit's
            matter_actions.add_linked_note(app.matter, actor=actor, note=note, data={"application": app.pk})
    _step(app, actor, note + " " + _("The time limit stands still until the materials are in."))
    return app


@transaction.atomic
def decide_application(app: Application, *, actor, approve: bool, note: str = "", event: Event | None = None,
                       mediation_unit: Unit | None = None) -> Application:
    """决定: approve (certificate, enrollment, hand-over) or refuse with the reasons."""
    app = _lock_application(actor, app)
    # An application waiting for materials can be refused (they never came), not approved.
    _expect(app, S.REVIEWING, S.MATERIALS)
    note = _text(note, "note", required=not approve)
    now = timezone.now()
    if approve:
        missing = app.missing_materials
        if app.status == S.MATERIALS and not missing:
            raise ActionError(_("The application waits for materials: tick them as received first, or refuse it."),
                              extra={"field": "materials"})
        if missing:
            raise ActionError(
                _("Materials are missing: %(items)s. Tick them when received, or ask the applicant for them.")
                % {"items": "、".join(missing)}, extra={"field": "materials"})
        result = _approve(app, actor, note, event, mediation_unit)
        if note and note not in result:
            result = f"{result} {note}"
        app.status = S.APPROVED
    else:
        result = _("Refused: %(reasons)s") % {"reasons": note}
        app.status = S.REFUSED
    app.decided_at, app.decided_by, app.decision_note = now, actor, note
    app.paused_at = None
    app.save()
    matter = app.matter
    if matter and matter.status in rules.STATES["resolve"]:
        matter_actions.resolve_matter(matter, actor=_engine_actor(actor, matter, "resolve"), result=result)
    _step(app, actor, result)
    return app


def _approve(app: Application, actor, note: str, event, mediation_unit) -> str:
    service = app.service
    if service.outcome == Service.Outcome.CERTIFICATE:
        app.certificate_number = _number("JYKN", Application, "certificate_number")
        app.certificate_valid_until = timezone.localdate() + timedelta(days=365)
        return _("Approved. Certificate number %(number)s.") % {"number": app.certificate_number}
    if service.outcome == Service.Outcome.TRAINING:
        if event is None:
            raise ActionError(_("Choose the training to enroll the applicant in."), extra={"field": "event"})
        if not access.visible_events(actor).filter(pk=event.pk).exists():
            raise Http404
        enroll(event, name=app.applicant_name, phone=app.applicant_phone, channel=Enrollment.Channel.ONSITE)
        app.event = event
        return _("Approved. Enrolled in %(event)s on %(day)s.") % {
            "event": event.title, "day": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")}
    if service.outcome == Service.Outcome.MEDIATION:
        unit = mediation_unit or Unit.objects.filter(code="justice").first()
        if unit is None:
            raise ActionError(_("Choose the mediation unit to hand over to."), extra={"field": "mediation_unit"})
        category = Category.objects.filter(code="dispute.family").first()
        handover, _check = matter_actions.create_matter(
            actor=None, source=Matter.Source.STAFF, category=category, harbor=app.harbor,
            title=_("Family dispute handed over by %(service)s") % {"service": service.name},
            description=app.details or service.name, reporter_name=app.applicant_name,
            reporter_phone=app.applicant_phone,
        )
        handover = matter_actions.dispatch_matter(
            handover, actor=None, unit=unit,
            note=_("Handed over from application %(code)s") % {"code": app.tracking_code})
        app.handover_matter = handover
        return _("Approved. Handed over to %(unit)s for mediation (%(code)s).") % {
            "unit": unit.name, "code": handover.tracking_code}
    return _("Approved. %(note)s") % {"note": note} if note else _("Approved.")


@transaction.atomic
def deliver_application(app: Application, *, actor, note: str = "", employer: str = "", job_title: str = "",
                        job: JobOpening | None = None) -> Application:
    """办结: the outcome is handed over (certificate, placement, service given)."""
    app = _lock_application(actor, app)
    _expect(app, S.APPROVED)
    note = _text(note, "note", required=False)
    if app.service.outcome == Service.Outcome.PLACEMENT:
        if job is not None:
            if not access.visible_jobs(actor).filter(pk=job.pk).exists():
                raise Http404
            employer, job_title = employer or job.employer, job_title or job.title
            if job.filled >= job.positions:
                raise ActionError(_("All positions of this opening are filled."), extra={"field": "job"})
        app.employer = _text(employer, "employer", limit=100)
        app.job_title = _text(job_title, "job_title", limit=100)
        app.job = job
    app.status, app.delivered_at, app.outcome_note = S.DELIVERED, timezone.now(), note
    app.save()
    matter = app.matter
    if matter and matter.status == Matter.Status.RESOLVED:
        matter_actions.close_matter(matter, actor=None, note=note)
    if app.service.outcome == Service.Outcome.PLACEMENT:
        message = _("Placed with %(employer)s as %(job)s.") % {"employer": app.employer, "job": app.job_title}
    else:
        message = note or _("Delivered.")
    _step(app, actor, message)
    return app


def reveal_application_field(*, actor, app: Application, field: str, reason: str, ip=None) -> str:
    from safeharbor.core.actions import reveal_personal_field

    return reveal_personal_field(actor=actor, label="services.application", pk=app.pk, field=field,
                                 reason=reason, ip=ip)


# --- jobs and placements ---------------------------------------------------------------------


@transaction.atomic
def save_job(*, actor, harbor, employer: str, title: str, collected_by: Unit, port: Port | None = None,
             description: str = "", positions: int = 1, salary: str = "", place: str = "", contact: str = "",
             valid_until: date | None = None, published: bool = True) -> JobOpening:
    _require_handler(actor)
    if not access.visible_service_harbors(actor).filter(pk=harbor.pk).exists():
        raise Http404
    if port is not None and port.harbor_id != harbor.pk:
        raise ActionError(_("That port belongs to another harbor."), extra={"field": "port"})
    if int(positions) < 1:
        raise ActionError(_("At least one position."), extra={"field": "positions"})
    return JobOpening.objects.create(
        harbor=harbor, port=port, collected_by=collected_by, employer=_text(employer, "employer", limit=100),
        title=_text(title, "title", limit=100), description=_text(description, "description", required=False),
        positions=int(positions), salary=_text(salary, "salary", required=False, limit=60),
        place=_text(place, "place", required=False, limit=100),
        contact=_text(contact, "contact", required=False, limit=100), valid_until=valid_until, published=published,
    )


@transaction.atomic
def place_candidate(*, actor, job: JobOpening, certified: Application, note: str = "") -> Application:
    """Record the placement of a person certified as having employment difficulty in this
    job: a placement application, decided and delivered, counted against the job."""
    if not access.visible_jobs(actor).filter(pk=job.pk).exists():
        raise Http404
    certified = access.visible_applications(actor).select_related("service").filter(pk=certified.pk).first()
    if certified is None:
        raise Http404
    if certified.service.outcome != Service.Outcome.CERTIFICATE or certified.status not in (S.APPROVED, S.DELIVERED):
        raise ActionError(_("Only people certified as having employment difficulty can be placed here."))
    service = Service.objects.filter(harbor=job.harbor, outcome=Service.Outcome.PLACEMENT, active=True).first()
    if service is None:
        raise ActionError(_("This harbor has no placement service in its catalogue."))
    app, _check = submit_application(
        service=service, actor=actor, name=certified.applicant_name, phone=certified.applicant_phone,
        id_number=certified.applicant_id_number, address=certified.applicant_address,
        details=_("Placement in %(job)s") % {"job": str(job)}, materials=service.materials,
    )
    start_review(app, actor=actor)
    decide_application(app, actor=actor, approve=True, note=note)
    return deliver_application(app, actor=actor, job=job, note=note)


# --- safe families ----------------------------------------------------------------------------


@transaction.atomic
def nominate_family(*, actor, harbor, area, household: str, address: str = "", phone: str = "",
                    nominated_by: str = "", applied: bool = False, port: Port | None = None) -> SafeFamily:
    """Register a family for the safe-family title, in a community the user works in."""
    from safeharbor.services.queries import nomination_communities

    _require_handler(actor)
    if not access.visible_service_harbors(actor).filter(pk=harbor.pk).exists():
        raise Http404
    if area is None or not nomination_communities(actor).filter(pk=area.pk).exists():
        raise ActionError(_("Choose a community within your area of work."), extra={"field": "area"})
    if port is None:  # safe-family creation is run by the women's federation's port
        port = harbor.ports.filter(kind=Port.Kind.HEROINES).first()
    return SafeFamily.objects.create(
        harbor=harbor, port=port, area=area, household=_text(household, "household", limit=40),
        address=_text(address, "address", required=False, limit=200),
        phone=clean_phone(phone, required=False), nominated_by=_text(nominated_by, "nominated_by", required=False,
                                                                     limit=100),
        status=SafeFamily.Status.APPLIED if applied else SafeFamily.Status.NOMINATED,
    )


@transaction.atomic
def apply_safe_family(*, area, household: str, phone: str, address: str = "") -> SafeFamily:
    """A family applies online for the title (no account): it goes to the harbor that covers
    its community, for the women's federation's port to assess."""
    from safeharbor.services.queries import harbor_for_community, public_family_communities

    if area is None or not public_family_communities().filter(pk=area.pk).exists():
        raise ActionError(_("Choose your community."), extra={"field": "area"})
    harbor = harbor_for_community(area)
    port = harbor.ports.filter(kind=Port.Kind.HEROINES).first()
    family = SafeFamily.objects.create(
        harbor=harbor, port=port, area=area, household=_text(household, "household", limit=40),
        address=_text(address, "address", required=False, limit=200), phone=clean_phone(phone),
        nominated_by=_("applied online"), status=SafeFamily.Status.APPLIED,
    )
    staff = _port_staff(port) + list(User.objects.filter(is_active=True, harbor=harbor, role=Role.HARBOR_STAFF))
    _notify(staff, "safe_family", _("A family of %(area)s applied for the safe-family title.") % {"area": area.name},
            url=f"/services/families/{family.pk}/", obj=family)
    return family


@transaction.atomic
def assess_family(family: SafeFamily, *, actor, met: set[int], note: str = "") -> SafeFamily:
    """Assess against the harbor's criteria: every required one met → the title for a year."""
    _require_handler(actor)
    family = SafeFamily.objects.select_for_update().filter(pk=family.pk).first()
    if family is None or not access.visible_safe_families(actor).filter(pk=family.pk).exists():
        raise Http404
    if family.status not in (SafeFamily.Status.NOMINATED, SafeFamily.Status.APPLIED):
        raise ConflictError(_("This family has already been assessed."))
    criteria = list(SafeFamilyCriterion.objects.filter(harbor=family.harbor, active=True))
    if not criteria:
        raise ActionError(_("This harbor has no safe-family criteria yet."))
    family.assessment = {str(c.pk): c.pk in met for c in criteria}
    awarded = all(c.pk in met for c in criteria if c.required)
    family.assessed_at = timezone.now()
    family.assessment_note = _text(note, "note", required=not awarded)
    if awarded:
        family.status = SafeFamily.Status.AWARDED
        family.awarded_on = timezone.localdate()
        family.valid_until = family.awarded_on + timedelta(days=365)
    else:
        family.status = SafeFamily.Status.NOT_AWARDED
    family.save()
    return family


CRITERIA_ROLES = {Role.ADMIN, Role.HARBOR_STAFF}


@transaction.atomic
def save_safe_family_criteria(*, actor, harbor, rows) -> list[SafeFamilyCriterion]:
    """Replace a harbor's safe-family criteria with `rows`, in their order: dicts with `pk`
    (None for a new one), `text`, `required`, `active` and `delete`. A criterion that a family
    was assessed against is retired (kept for that assessment), never deleted."""
    access.require_write(actor)
    if not access.visible_service_harbors(actor).filter(pk=harbor.pk).exists():
        raise Http404
    if not access.is_admin(actor) and actor.role not in CRITERIA_ROLES:
        raise PermissionDenied(_("Only the harbor's staff set the safe-family criteria."))
    from safeharbor.services.queries import criteria_in_use

    existing = {c.pk: c for c in SafeFamilyCriterion.objects.select_for_update().filter(harbor=harbor)}
    used = criteria_in_use(harbor)
    kept, seen = [], set()
    for row in rows:
        pk = row.get("pk")
        criterion = existing.get(pk) if pk else None
        if pk and criterion is None:
            raise Http404
        text = (row.get("text") or "").strip()
        if row.get("delete"):
            if criterion is not None and criterion.pk in used:
                criterion.active = False
                criterion.save(update_fields=["active"])
            elif criterion is not None:
                criterion.delete()
            continue
        if not text:
            if criterion is None:
                continue  # an empty extra line
            raise ActionError(_("Please fill in this field."), extra={"field": "text"})
        text = _text(text, "text", limit=200)
        if text in seen:
            raise ActionError(_("“%(text)s” is listed twice.") % {"text": text}, extra={"field": "text"})
        seen.add(text)
        criterion = criterion or SafeFamilyCriterion(harbor=harbor)
        criterion.text, criterion.required = text, bool(row.get("required"))
        criterion.active = bool(row.get("active", True))
        criterion.sort_order = len(kept)
        criterion.save()
        kept.append(criterion)
    if not any(c.active for c in kept):
        raise ActionError(_("Keep at least one criterion in use."))
    record_audit(actor=actor, action=AuditLog.Action.CONFIG, target=harbor, field="safe_family_criteria",
                 reason="; ".join(f"{'*' if c.required else ''}{c.text}" for c in kept if c.active)[:500])
    return kept


# --- events and training ----------------------------------------------------------------------


@transaction.atomic
def save_event(*, actor, harbor, kind: str, title: str, starts_at, ends_at, port: Port | None = None,
               by_rotation: bool = False, description: str = "", trainers: str = "", place: str = "",
               capacity: int = 30, is_training: bool | None = None, public: bool = True) -> Event:
    _require_handler(actor)
    if not access.visible_service_harbors(actor).filter(pk=harbor.pk).exists():
        raise Http404
    if port is not None and port.harbor_id != harbor.pk:
        raise ActionError(_("That port belongs to another harbor."), extra={"field": "port"})
    if kind not in Event.Kind.values:
        raise ActionError(_("Choose a type."), extra={"field": "kind"})
    if ends_at <= starts_at:
        raise ActionError(_("The end must be after the start."), extra={"field": "ends_at"})
    if int(capacity) < 1:
        raise ActionError(_("The capacity must be at least 1."), extra={"field": "capacity"})
    if by_rotation and port is None:
        port = rotation_host(harbor, kind, timezone.localtime(starts_at).date())
    return Event.objects.create(
        harbor=harbor, port=port, by_rotation=by_rotation, kind=kind, title=_text(title, "title", limit=150),
        description=_text(description, "description", required=False),
        trainers=_text(trainers, "trainers", required=False, limit=200), starts_at=starts_at, ends_at=ends_at,
        place=_text(place, "place", required=False, limit=150), capacity=int(capacity),
        is_training=kind in Event.TRAINING_KINDS if is_training is None else is_training, public=public,
    )


@transaction.atomic
def enroll(event: Event, *, name: str, phone: str, channel: str = Enrollment.Channel.ONLINE) -> Enrollment:
    """Sign up (online or on site). Full events and second sign-ups are refused."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.ends_at < timezone.now():
        raise ActionError(_("This event is over."))
    if channel == Enrollment.Channel.ONLINE and not event.public:
        raise ActionError(_("This event takes sign-ups on site only."))
    name = _text(name, "name", limit=40)
    phone = clean_phone(phone)
    index = blind_index(phone)
    if event.enrollments.filter(phone_index=index).exists():
        raise ConflictError(_("This phone number has already signed up for this event."), extra={"field": "phone"})
    if event.enrollments.count() >= event.capacity:
        raise ConflictError(_("Sorry, this event is full."))
    try:
        with transaction.atomic():
            return Enrollment.objects.create(event=event, name=name, phone=phone, phone_index=index, channel=channel)
    except IntegrityError as exc:
        raise ConflictError(_("This phone number has already signed up for this event."),
                            extra={"field": "phone"}) from exc


@transaction.atomic
def check_in(event: Event, *, phone: str, token: str = "", actor=None, name: str = "") -> Enrollment:
    """签到 at the door: by the QR code (token) and the phone the person signed up with, or by
    staff. Someone not signed up is enrolled on site while places are left (with a name)."""
    if actor is None:
        if not token or token != event.checkin_token:
            raise Http404
    else:
        _require_handler(actor)
        if not access.visible_events(actor).filter(pk=event.pk).exists():
            raise Http404
    now = timezone.now()
    start = event.starts_at - timedelta(hours=2)
    if not (start <= now <= event.ends_at):
        raise ActionError(_("Check-in opens two hours before the start and closes at the end."))
    phone = clean_phone(phone)
    enrollment = Enrollment.objects.select_for_update().filter(event=event, phone_index=blind_index(phone)).first()
    if enrollment is None:
        if not (name or "").strip():
            raise ActionError(_("This phone number has not signed up. Enter your name to sign up on site."),
                              extra={"field": "name"})
        enrollment = enroll(event, name=name, phone=phone, channel=Enrollment.Channel.ONSITE)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.checked_in_at:
        raise ConflictError(_("Already checked in at %(time)s.")
                            % {"time": timezone.localtime(enrollment.checked_in_at).strftime("%H:%M")})
    updated = Enrollment.objects.filter(pk=enrollment.pk, checked_in_at__isnull=True).update(checked_in_at=now)
    if not updated:
        raise ConflictError(_("Already checked in."))
    enrollment.checked_in_at = now
    return enrollment


@transaction.atomic
def complete_training(event: Event, *, actor) -> int:
    """Close a training: everyone who checked in completed it and gets a certificate number."""
    _require_handler(actor)
    event = Event.objects.select_for_update().filter(pk=event.pk).first()
    if event is None or not access.visible_events(actor).filter(pk=event.pk).exists():
        raise Http404
    if not event.is_training:
        raise ActionError(_("Only trainings give certificates."))
    if event.starts_at > timezone.now():
        raise ActionError(_("The training has not taken place yet."))
    count = 0
    for enrollment in event.enrollments.filter(checked_in_at__isnull=False, completed=False):
        enrollment.completed = True
        enrollment.certificate_number = _number("PXZS", Enrollment, "certificate_number")
        enrollment.save(update_fields=["completed", "certificate_number"])
        count += 1
    return count


@transaction.atomic
def add_event_photo(event: Event, *, actor, file, caption: str = "") -> EventPhoto:
    _require_handler(actor)
    if not access.visible_events(actor).filter(pk=event.pk).exists():
        raise Http404
    if getattr(file, "size", 0) > 8 * 1024 * 1024:
        raise ActionError(_("The photo is too large: at most 8 MB."), extra={"field": "file"})
    return EventPhoto.objects.create(event=event, file=file, caption=_text(caption, "caption", required=False,
                                                                           limit=200))


# Which rota kind hosts which event type (study sessions, trainings, employment guidance).
ROTA_KIND_OF_EVENT = {"study": "study", "legal": "study", "skills": "training", "first_aid": "training",
                      "employment": "employment"}


def rotation_host(harbor, kind: str, day: date) -> Port | None:
    """The organization whose turn it is on that day (by the rota), or None without a rota."""
    rota_kind = ROTA_KIND_OF_EVENT.get(kind, "duty")
    slots = DutySlot.objects.filter(roster__harbor=harbor, kind__in=[rota_kind, "duty"], date__lte=day)
    slot = slots.filter(date=day, kind=rota_kind).first() or slots.filter(kind=rota_kind).order_by("-date").first()
    return slot.port if slot else None


# --- hotlines ---------------------------------------------------------------------------------


@transaction.atomic
def log_hotline_call(*, actor, port: Port, phone: str, description: str, category: Category) -> HotlineCall:
    """A call to the port's rights hotline becomes a matter of the port's organization."""
    _require_handler(actor)
    if not access.visible_service_ports(actor).filter(pk=port.pk).exists():
        raise Http404
    if not category.code.startswith("rights."):
        raise ActionError(_("Choose a rights-protection category."), extra={"field": "category"})
    phone = clean_phone(phone)
    index = blind_index(phone)
    previous = HotlineCall.objects.filter(phone_index=index, port__harbor=port.harbor).order_by("-at").first()
    matter_actor = actor if access.visible_areas(actor).filter(pk=port.harbor.area_id).exists() else None
    matter, _check = matter_actions.create_matter(
        actor=matter_actor, source=Matter.Source.HOTLINE, description=_text(description, "description"),
        title=_("%(hotline)s call") % {"hotline": port.hotline_name or port.name}, category=category,
        harbor=port.harbor, reporter_phone=phone,
    )
    matter = matter_actions.dispatch_matter(
        matter, actor=None, unit=port.owner_unit,
        note=_("Call to %(hotline)s") % {"hotline": port.hotline_name or port.name})
    return HotlineCall.objects.create(port=port, matter=matter, phone_index=index, taken_by=actor, repeat_of=previous)


# --- rotating duty ----------------------------------------------------------------------------


WEEKLY_KINDS = {DutyRoster.Kind.STUDY, DutyRoster.Kind.TRAINING, DutyRoster.Kind.EMPLOYMENT}


def duty_days(start: date, end: date, kind: str) -> list[date]:
    """Working days (Chinese calendar, holidays skipped) for a kind: every working day for
    duty, the first working day of each week for the others."""
    overrides = deadlines.overrides()
    days, day, seen_weeks = [], start, set()
    while day <= end:
        if workdays.is_workday(day, overrides):
            week = day.isocalendar()[:2]
            if kind not in WEEKLY_KINDS or week not in seen_weeks:
                days.append(day)
                seen_weeks.add(week)
        day += timedelta(days=1)
    return days


def plan_rota(ports: list, days: list[date], unavailable: dict) -> list[tuple[date, object]]:
    """Fair assignment: each day goes to the available organization with the fewest days so
    far (then the one that waited longest). Counts differ by at most one unless someone's
    unavailability makes that impossible."""
    counts = {p.pk: 0 for p in ports}
    last = {p.pk: -1 for p in ports}
    order = {p.pk: i for i, p in enumerate(ports)}
    plan = []
    for i, day in enumerate(days):
        free = [p for p in ports if day not in unavailable.get(p.pk, set())]
        if not free:
            raise ActionError(_("Nobody is available on %(day)s.") % {"day": day.isoformat()})
        chosen = min(free, key=lambda p: (counts[p.pk], last[p.pk], order[p.pk]))
        counts[chosen.pk] += 1
        last[chosen.pk] = i
        plan.append((day, chosen))
    return plan


def _parse_unavailable(unavailable: dict) -> dict[int, set[date]]:
    parsed = {}
    for key, values in (unavailable or {}).items():
        parsed[int(key)] = {d if isinstance(d, date) else date.fromisoformat(str(d)) for d in values}
    return parsed


@transaction.atomic
def generate_roster(*, actor, harbor, title: str, starts_on: date, ends_on: date, kinds, ports=None,
                    unavailable: dict | None = None) -> DutyRoster:
    """Make a rota among the harbor's ports for the period."""
    access.require_write(actor)
    if not access.is_admin(actor) and actor.role not in ROTA_ROLES:
        raise PermissionDenied(_("Only the harbor's staff make the rota."))
    if not access.visible_service_harbors(actor).filter(pk=harbor.pk).exists():
        raise Http404
    if ends_on < starts_on:
        raise ActionError(_("The end must be after the start."), extra={"field": "ends_on"})
    if (ends_on - starts_on).days > 400:
        raise ActionError(_("A rota covers at most about a year."), extra={"field": "ends_on"})
    kinds = [k for k in kinds if k in DutyRoster.Kind.values]
    if not kinds:
        raise ActionError(_("Choose what is rotated."), extra={"field": "kinds"})
    ports = list(ports) if ports is not None else list(harbor.ports.all())
    if len(ports) < 2 or any(p.harbor_id != harbor.pk for p in ports):
        raise ActionError(_("Choose at least two ports of this harbor."), extra={"field": "ports"})
    parsed = _parse_unavailable(unavailable or {})
    roster = DutyRoster.objects.create(
        harbor=harbor, title=_text(title, "title", limit=100), starts_on=starts_on, ends_on=ends_on, kinds=kinds,
        unavailable={str(k): sorted(d.isoformat() for d in v) for k, v in parsed.items()},
    )
    slots = []
    for kind in kinds:
        for day, port in plan_rota(ports, duty_days(starts_on, ends_on, kind), parsed):
            slots.append(DutySlot(roster=roster, date=day, kind=kind, port=port))
    DutySlot.objects.bulk_create(slots)
    return roster


@transaction.atomic
def request_swap(slot: DutySlot, *, actor, with_slot: DutySlot, reason: str = "") -> DutySwap:
    """An organization asks to exchange one of its days with another organization's."""
    access.require_write(actor)
    rosters = access.visible_rosters(actor)
    if not rosters.filter(pk=slot.roster_id).exists() or with_slot.roster_id != slot.roster_id:
        raise Http404
    mine = access.is_admin(actor) or actor.role in ROTA_ROLES or (
        actor.port_id == slot.port_id or actor.unit_id == slot.port.owner_unit_id)
    if not mine:
        raise PermissionDenied(_("Only the organization on duty that day can ask to swap it."))
    if with_slot.port_id == slot.port_id:
        raise ActionError(_("Choose a day of another organization."), extra={"field": "with_slot"})
    if with_slot.kind != slot.kind:
        raise ActionError(_("Swap a day for a day of the same kind."), extra={"field": "with_slot"})
    if min(slot.date, with_slot.date) < timezone.localdate():
        raise ActionError(_("A day that is over cannot be swapped."), extra={"field": "with_slot"})
    if DutySwap.objects.filter(slot__in=[slot, with_slot], status=DutySwap.Status.REQUESTED).exists():
        raise ConflictError(_("A swap of this day is already waiting for approval."))
    swap = DutySwap.objects.create(slot=slot, with_slot=with_slot, requested_by=actor,
                                   reason=_text(reason, "reason", required=False, limit=200))
    approvers = User.objects.filter(is_active=True, harbor=slot.roster.harbor, role=Role.HARBOR_STAFF)
    _notify(approvers, "duty_swap", _("Swap of duty requested: %(a)s ⇄ %(b)s") % {
        "a": slot.date.isoformat(), "b": with_slot.date.isoformat()}, url=f"/services/rota/{slot.roster_id}/",
        obj=swap)
    return swap


@transaction.atomic
def decide_swap(swap: DutySwap, *, actor, approve: bool) -> DutySwap:
    access.require_write(actor)
    if not access.is_admin(actor) and actor.role not in ROTA_ROLES:
        raise PermissionDenied(_("Only the harbor's staff approve swaps."))
    swap = DutySwap.objects.select_for_update().select_related("slot", "with_slot").filter(pk=swap.pk).first()
    if swap is None or not access.visible_rosters(actor).filter(pk=swap.slot.roster_id).exists():
        raise Http404
    if swap.status != DutySwap.Status.REQUESTED:
        raise ConflictError(_("This swap has already been decided."))
    if approve:
        a, b = swap.slot, swap.with_slot
        a.port_id, b.port_id = b.port_id, a.port_id
        a.reminded_at = b.reminded_at = None
        a.save(update_fields=["port", "reminded_at"])
        b.save(update_fields=["port", "reminded_at"])
    swap.status = DutySwap.Status.APPROVED if approve else DutySwap.Status.REFUSED
    swap.decided_by = actor
    swap.save(update_fields=["status", "decided_by"])
    return swap


def remind_duty(today: date | None = None) -> int:
    """Tell the organizations on duty tomorrow (the worker runs this every hour; each slot is
    claimed by compare-and-set, so a reminder goes out once)."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    sent = 0
    for slot in DutySlot.objects.filter(date=tomorrow, reminded_at__isnull=True).select_related("port", "roster"):
        with transaction.atomic():
            if not DutySlot.objects.filter(pk=slot.pk, reminded_at__isnull=True).update(reminded_at=timezone.now()):
                continue
            _notify(_port_staff(slot.port), "duty_reminder",
                    _("Tomorrow (%(day)s) %(port)s is on %(kind)s at %(harbor)s.") % {
                        "day": tomorrow.isoformat(), "port": slot.port.name, "kind": slot.get_kind_display(),
                        "harbor": slot.roster.harbor.name}, url=f"/services/rota/{slot.roster_id}/", obj=slot)
            sent += 1
    return sent


# --- shared aid resources and beneficiaries ---------------------------------------------------


def _acting_port(actor, port: Port) -> None:
    """Only the organization itself (or the harbor / an administrator) acts for its port."""
    if not access.visible_service_harbors(actor).filter(pk=port.harbor_id).exists():
        raise Http404
    if access.is_admin(actor) or actor.role == Role.HARBOR_STAFF:
        return
    if actor.port_id != port.pk and actor.unit_id != port.owner_unit_id:
        raise PermissionDenied(_("You act for your own organization only."))


def _amount(value, field: str = "quantity") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ActionError(_("Enter a number."), extra={"field": field}) from exc
    if amount <= 0:
        raise ActionError(_("Enter an amount above zero."), extra={"field": field})
    return amount


@transaction.atomic
def offer_resource(*, actor, port: Port, kind: str, name: str, unit_label: str, quantity) -> AidResource:
    _require_handler(actor)
    _acting_port(actor, port)
    if kind not in AidResource.Kind.values:
        raise ActionError(_("Choose a kind."), extra={"field": "kind"})
    return AidResource.objects.create(harbor=port.harbor, port=port, kind=kind, name=_text(name, "name", limit=100),
                                      unit_label=_text(unit_label, "unit_label", limit=20),
                                      quantity=_amount(quantity))


def balance(resource: AidResource) -> Decimal:
    given = resource.allocations.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    return resource.quantity - given


@transaction.atomic
def register_beneficiary(*, actor, port: Port, name: str, id_number: str, phone: str = "", address: str = "",
                         consent: bool = False) -> tuple[Beneficiary, bool]:
    """The same person is one record per harbor, found by the keyed hash of the ID number.
    Returns (record, created)."""
    _require_handler(actor)
    _acting_port(actor, port)
    id_number = clean_id_number(id_number)
    index = blind_index(id_number, kind="id")
    existing = Beneficiary.objects.select_for_update().filter(harbor=port.harbor, id_index=index).first()
    if existing is not None:
        return existing, False
    record = Beneficiary.objects.create(
        harbor=port.harbor, name=_text(name, "name", limit=40), id_number=id_number, id_index=index,
        phone=clean_phone(phone, required=False), address=_text(address, "address", required=False, limit=200),
        registered_by=port, consent_share=consent, consent_at=timezone.now() if consent else None,
        consent_recorded_by=actor if consent else None,
    )
    return record, True


@transaction.atomic
def record_consent(beneficiary: Beneficiary, *, actor, consent: bool) -> Beneficiary:
    _require_handler(actor)
    beneficiary = Beneficiary.objects.select_for_update().filter(pk=beneficiary.pk).first()
    if beneficiary is None or not access.visible_beneficiaries(actor).filter(pk=beneficiary.pk).exists():
        raise Http404
    beneficiary.consent_share = consent
    beneficiary.consent_at, beneficiary.consent_recorded_by = timezone.now(), actor
    beneficiary.save(update_fields=["consent_share", "consent_at", "consent_recorded_by"])
    record_audit(actor=actor, action=AuditLog.Action.CONFIG, target=beneficiary, field="consent_share",
                 reason="consent given" if consent else "consent withdrawn")
    return beneficiary


@transaction.atomic
def allocate_aid(*, actor, resource: AidResource, beneficiary: Beneficiary, quantity, note: str = "") -> AidAllocation:
    """Give from an organization's resource to a beneficiary; never more than what is left."""
    _require_handler(actor)
    resource = AidResource.objects.select_for_update().filter(pk=resource.pk).first()
    if resource is None or not access.visible_aid_resources(actor).filter(pk=resource.pk).exists():
        raise Http404
    _acting_port(actor, resource.port)
    if not access.visible_beneficiaries(actor).filter(pk=beneficiary.pk).exists():
        raise Http404
    if beneficiary.harbor_id != resource.harbor_id:
        raise ActionError(_("This person is registered at another harbor."), extra={"field": "beneficiary"})
    amount = _amount(quantity)
    left = balance(resource)
    if amount > left:
        raise ActionError(_("Only %(left)s %(unit)s left of %(name)s.") % {
            "left": left.normalize(), "unit": resource.unit_label, "name": resource.name}, extra={"field": "quantity"})
    return AidAllocation.objects.create(resource=resource, beneficiary=beneficiary, quantity=amount,
                                        note=_text(note, "note", required=False, limit=200), given_by=actor)


def allocations_for(beneficiary: Beneficiary, *, actor, ip: str | None = None) -> tuple[list, bool]:
    """What a beneficiary received, as this user may see it: their own organization's always,
    the other organizations' only with the person's consent, and that view is audited.
    Returns (allocations, others_hidden)."""
    beneficiary = access.visible_beneficiaries(actor).filter(pk=beneficiary.pk).first()
    if beneficiary is None:
        raise Http404
    rows = list(beneficiary.allocations.select_related("resource__port", "given_by"))
    if access.is_admin(actor) or actor.role == Role.HARBOR_STAFF:
        own_ports = {r.resource.port_id for r in rows}
    else:
        own_ports = set(access.visible_service_ports(actor).filter(
            owner_unit_id=actor.unit_id).values_list("pk", flat=True)) | ({actor.port_id} if actor.port_id else set())
    others = [r for r in rows if r.resource.port_id not in own_ports]
    if others and not beneficiary.consent_share:
        return [r for r in rows if r.resource.port_id in own_ports], True
    if others:
        record_audit(actor=actor, action=AuditLog.Action.REVEAL, target=beneficiary, field="shared_allocations",
                     reason="cross-organization view of aid (consent on record)", ip=ip)
    return rows, False


def count_by(queryset, field: str) -> dict:
    return dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
