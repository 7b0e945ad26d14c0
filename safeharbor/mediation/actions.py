"""Every change of a dispute case goes through these functions (pages, API, demo).

Each locks the case, checks scope (404), role (403) and state (409), changes it, writes a
CaseEvent and keeps the case's matter in step: the matter shows that it became a case,
carries the case's time limit as its deadline (so the matter engine's sweep supervises it)
and is resolved with the case's outcome.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.errors import ActionError, ConflictError
from safeharbor.core.models import Area, Category, Harbor, Unit, User
from safeharbor.lib import workdays
from safeharbor.matters import actions as matter_actions
from safeharbor.matters import deadlines
from safeharbor.matters.models import Matter, MatterEvent
from safeharbor.mediation import rules
from safeharbor.mediation.models import (
    Agreement,
    Case,
    CaseEvent,
    Committee,
    Party,
    Session,
    TimeLimit,
    Visit,
)
from safeharbor.notifications.actions import notify
from safeharbor.notifications.queries import area_staff, unit_members

S = Case.Status
E = CaseEvent.Action
MS = Matter.Status
MAX_TEXT = 5000

# Working days a committee of each level has to mediate (People's Mediation practice: a case
# is generally concluded within 30 days; the levels above get more for harder cases).
# Administrators change them in the admin (TimeLimit).
DEFAULT_LIMITS = {"community": 10, "subdistrict": 15, "district": 22, "specialised": 22}

# Matter categories of the case types (others are registered without a category).
KIND_CATEGORIES = {
    "neighbor": "dispute.neighbor", "family": "dispute.family", "support": "dispute.family",
    "labor": "dispute.labor", "property": "estate.property",
}
CATEGORY_KINDS = {"dispute.neighbor": "neighbor", "dispute.family": "family", "dispute.labor": "labor",
                  "estate.property": "property"}


# --- helpers --------------------------------------------------------------------------------


def _text(value, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Please fill in this field."), extra={"field": field})
    if len(value) > limit:
        raise ActionError(_("This text is too long: at most %(n)d characters.") % {"n": limit},
                          extra={"field": field})
    return value


def _choice(value, choices, field: str, message: str) -> str:
    if value not in choices.values:
        raise ActionError(message, extra={"field": field})
    return value


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ActionError(_("Enter the amount as a number of yuan."), extra={"field": "amount"}) from exc
    if amount < 0 or amount >= Decimal("10000000000"):
        raise ActionError(_("Enter the amount as a number of yuan."), extra={"field": "amount"})
    return amount


def _event(case: Case, actor, action: str, note: str = "", **data) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    action=action, note=note, data=data)


def _save(case: Case, *fields: str) -> None:
    case.updated_at = timezone.now()
    case.save(update_fields=[*fields, "updated_at"])


def _load(actor, case: Case | int, action: str) -> Case:
    """Lock the case, then check scope (404), role (403) and state (409)."""
    pk = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update(of=("self",)).select_related("committee", "area", "matter").get(pk=pk)
    if not access.visible_mediation_cases(actor).filter(pk=pk).exists():
        raise access.Http404
    access.require_write(actor)
    if not rules.role_allows(actor, locked, action):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    if locked.status not in rules.STATES[action]:
        raise ConflictError(
            _("This case is “%(status)s”; that action is not possible now.") % {"status": locked.get_status_display()},
            extra={"status": locked.status},
        )
    return locked


def case_url(case: Case) -> str:
    return reverse("mediation:detail", args=[case.pk])


def time_limit(level: str) -> int:
    row = TimeLimit.objects.filter(level=level).first()
    return row.workdays if row else DEFAULT_LIMITS[level]


def _due(level: str, start: datetime) -> datetime:
    return workdays.add_workdays(timezone.localtime(start), time_limit(level), deadlines.overrides())


def _assign_number(case: Case) -> None:
    """The next number in the committee's yearly sequence: 乌达调字〔2026〕第023号."""
    if case.number or case.committee is None:
        return
    committee = Committee.objects.select_for_update().get(pk=case.committee_id)
    year = timezone.localdate().year
    last = Case.objects.filter(committee=committee, number_year=year).aggregate(n=Max("number_seq"))["n"] or 0
    case.number_year, case.number_seq = year, last + 1
    case.number = f"{committee.number_prefix}〔{year}〕第{last + 1:03d}号"


# --- keeping the matter in step ----------------------------------------------------------------
# The matter engine's own checks are made for its users; here the case's rules have already
# been checked, so the matter follows as the system (actor=None), and the entry is credited to
# the person who acted on the case.


def _credit(matter: Matter, actor) -> None:
    last = matter.events.order_by("-pk").first()
    if last is not None and last.actor_id is None and getattr(actor, "is_authenticated", False):
        MatterEvent.objects.filter(pk=last.pk).update(actor=actor)


def _matter_note(case: Case, actor, note: str) -> None:
    if case.matter_id is None:
        return
    matter_actions.add_linked_note(case.matter_id, actor=actor, note=note, data={"mediation_case": case.pk})


def _matter_in_hand(case: Case, actor) -> Matter | None:
    """Bring the matter to `accepted` with the unit that guides the mediation."""
    if case.matter_id is None:
        return None
    matter = Matter.objects.get(pk=case.matter_id)
    if matter.status in (MS.RECEIVED, MS.RETURNED):
        unit = case.committee.unit if case.committee else _guiding_unit(case.kind)
        matter = matter_actions.dispatch_matter(matter, actor=None, unit=unit)
        _credit(matter, actor)
    if matter.status in (MS.DISPATCHED, MS.REOPENED):
        matter = matter_actions.accept_matter(matter, actor=None)
        _credit(matter, actor)
    return matter


def _matter_deadline(case: Case, actor) -> None:
    """The case's time limit becomes the matter's deadline (warned, supervised, escalated
    by the matter engine's sweep)."""
    matter = _matter_in_hand(case, actor)
    if matter is None or matter.status not in (MS.ACCEPTED, MS.IN_PROGRESS) or case.due_at is None:
        return
    matter_actions.set_resolve_deadline(matter, due=case.due_at)


def _matter_outcome(case: Case, actor, result: str) -> None:
    matter = _matter_in_hand(case, actor)
    if matter is None:
        return
    if matter.status in (MS.ACCEPTED, MS.IN_PROGRESS):
        matter_actions.resolve_matter(matter, actor=None, result=result)
        _credit(matter, actor)
    else:
        _matter_note(case, actor, result)


def _matter_reopen(case: Case, actor, note: str) -> None:
    if case.matter_id is None:
        return
    if Matter.objects.filter(pk=case.matter_id, status=MS.RESOLVED).exists():
        matter_actions.reopen_for_case(case.matter_id, actor=actor, note=note)
        _matter_deadline(case, actor)
    else:
        _matter_note(case, actor, note)


def _guiding_unit(kind: str) -> Unit:
    unit = Unit.objects.filter(code="justice").first()
    if unit is None:
        category = Category.objects.filter(code=KIND_CATEGORIES.get(kind, "dispute.neighbor")).first()
        unit = category.default_unit if category else Unit.objects.order_by("pk").first()
    return unit


def _alert_high_risk(case: Case) -> None:
    """High risk: the police and the area's dispatchers hear of it at once."""
    police = unit_members(Unit.objects.filter(code="police").first())
    dispatchers = area_staff(case.area)
    message = _("High-risk dispute: %(title)s (%(area)s): %(flags)s") % {
        "title": case.title, "area": case.area.name, "flags": "、".join(case.risk_flags) or case.get_risk_level_display()
    }
    notify([*police, *dispatchers], "high_risk_dispute", message, url=case_url(case), obj=case)


# --- registering ---------------------------------------------------------------------------------


def _check_parties(parties) -> list[dict]:
    cleaned = []
    for i, row in enumerate(parties or ()):
        name = (row.get("name") or "").strip()
        if not name:
            continue
        cleaned.append(_party_fields(row, field_prefix=f"parties-{i}-"))
    return cleaned


def _party_fields(row: dict, field_prefix: str = "") -> dict:
    kind = row.get("kind") or Party.Kind.PERSON
    role = row.get("role") or Party.Role.APPLICANT
    _choice(kind, Party.Kind, field_prefix + "kind", _("Choose a person or an organization."))
    _choice(role, Party.Role, field_prefix + "role", _("Choose the party's role in the dispute."))
    gender = row.get("gender") or ""
    if gender not in Party.Gender.values:
        raise ActionError(_("Choose a gender."), extra={"field": field_prefix + "gender"})
    age = row.get("age")
    if age in ("", None):
        age = None
    else:
        try:
            age = int(age)
        except (TypeError, ValueError):
            age = -1
        if not 0 <= age <= 130:
            raise ActionError(_("Enter an age between 0 and 130."), extra={"field": field_prefix + "age"})
    return {
        "kind": kind, "role": role, "name": _text(row.get("name"), field_prefix + "name", limit=100),
        "id_number": _text(row.get("id_number"), field_prefix + "id_number", required=False, limit=30),
        "phone": _text(row.get("phone"), field_prefix + "phone", required=False, limit=30),
        "address": _text(row.get("address"), field_prefix + "address", required=False, limit=200),
        "gender": gender, "age": age,
        "representative": _text(row.get("representative"), field_prefix + "representative", required=False, limit=60),
    }


@transaction.atomic
def register_case(
    *, actor, kind: str, title: str, facts: str, area: Area | None = None, harbor: Harbor | None = None,
    claims: str = "", amount=None, source: str = Case.Source.APPLICATION, parties=(), matter: Matter | None = None,
    committee: Committee | None = None, risk_level: str = Case.Risk.LOW, risk_violence: bool = False,
    risk_group: bool = False, risk_vulnerable: bool = False, risk_note: str = "",
) -> Case:
    """Register a dispute case (纠纷登记), directly or from a dispute matter.

    From a matter (dispatchers, or the mediator whose unit holds it): the case takes the
    matter's place and text, and the matter records that it became a case. Directly
    (mediators, harbor staff): a matter is registered for the case, so that the matter
    engine supervises its time limit.
    """
    if not rules.can_register(actor):
        raise PermissionDenied(_("Your role does not allow registering dispute cases."))
    _choice(kind, Case.Kind, "kind", _("Choose the type of dispute."))
    _choice(source, Case.Source, "source", _("Choose where the case comes from."))
    _choice(risk_level, Case.Risk, "risk_level", _("Choose a risk level."))
    title = _text(title, "title", limit=200)
    facts = _text(facts, "facts")
    claims = _text(claims, "claims", required=False)
    amount = _amount(amount)
    parties = _check_parties(parties)
    if matter is not None:
        matter = _matter_for_case(actor, matter)
        area, harbor, source = matter.area, matter.harbor, Case.Source.MATTER
    if area is None and harbor is not None:
        area = harbor.area
    if area is None:
        raise ActionError(_("Choose the area where the dispute is."), extra={"field": "area"})
    if not access.visible_areas(actor).filter(pk=area.pk).exists():
        raise ActionError(_("That area is outside your area of work."), extra={"field": "area"})
    if harbor is not None and not access.visible_harbors(actor).filter(pk=harbor.pk).exists():
        raise ActionError(_("That harbor is outside your area of work."), extra={"field": "harbor"})
    if committee is not None:
        _check_committee_covers(committee, area)
    if matter is None:
        matter = _register_matter(actor, kind=kind, title=title, facts=facts, area=area, harbor=harbor,
                                  parties=parties)
    case = Case.objects.create(
        matter=matter, committee=committee, area=area, harbor=harbor, kind=kind, source=source, title=title,
        facts=facts, claims=claims, amount=amount, created_by=actor,
    )
    for row in parties:
        Party.objects.create(case=case, **row)
    _event(case, actor, E.REGISTERED, data={"source": source, "matter": matter.tracking_code if matter else None})
    _matter_in_hand(case, actor)
    _matter_note(case, actor, _("Registered as a people's mediation case: %(title)s") % {"title": title})
    if risk_level != Case.Risk.LOW or risk_violence or risk_group or risk_vulnerable or risk_note.strip():
        _apply_risk(case, actor, risk_level, risk_violence, risk_group, risk_vulnerable, risk_note)
    return case


def _matter_for_case(actor, matter: Matter) -> Matter:
    matter = access.get_visible_or_404(access.visible_matters(actor).select_related("category"), pk=matter.pk)
    if not (access.is_admin(actor) or actor.role == User.Role.DISPATCHER
            or (actor.role == User.Role.MEDIATOR and actor.unit_id and actor.unit_id == matter.unit_id)):
        raise PermissionDenied(_("Dispatchers (or the mediators handling it) turn a matter into a case."))
    if matter.category is None or not matter.category.code.startswith("dispute."):
        raise ActionError(_("Only dispute matters (dispute.*) become mediation cases."), extra={"field": "matter"})
    if Case.objects.filter(matter=matter).exists():
        raise ConflictError(_("This matter is already a mediation case."), extra={"field": "matter"})
    if not matter.is_open:
        raise ConflictError(
            _("This matter is “%(status)s”; only open matters become cases.") % {"status": matter.get_status_display()},
            extra={"field": "matter"},
        )
    return matter


def _register_matter(actor, *, kind, title, facts, area, harbor, parties) -> Matter:
    category = Category.objects.filter(code=KIND_CATEGORIES.get(kind, "")).first()
    applicant = next((p for p in parties if p["role"] == Party.Role.APPLICANT), parties[0] if parties else None)
    matter, _check = matter_actions.create_matter(
        actor=actor, description=facts, title=title, category=category, area=area, harbor=harbor,
        source=Matter.Source.WALK_IN if harbor else Matter.Source.STAFF,
        reporter_name=applicant["name"] if applicant else "", reporter_phone=applicant["phone"] if applicant else "",
    )
    return matter


def case_defaults_from_matter(matter: Matter) -> dict:
    """What the registration form starts with when a matter becomes a case."""
    kind = CATEGORY_KINDS.get(matter.category.code if matter.category else "", Case.Kind.OTHER)
    parties = []
    if matter.reporter_name and not matter.anonymous:
        parties.append({"name": matter.reporter_name, "phone": matter.reporter_phone, "role": Party.Role.APPLICANT})
    return {"kind": kind, "title": matter.title or matter.summary, "facts": matter.description,
            "area": matter.area_id, "harbor": matter.harbor_id, "parties": parties}


@transaction.atomic
def add_party(case: Case, *, actor, **fields) -> Party:
    case = _load(actor, case, "party")
    row = _party_fields(fields)
    party = Party.objects.create(case=case, **row)
    _event(case, actor, E.PARTY_ADDED, note=str(party))
    return party


# --- risk ------------------------------------------------------------------------------------------


def _apply_risk(case, actor, level, violence, group, vulnerable, note) -> None:
    was_high = case.risk_level == Case.Risk.HIGH
    case.risk_level, case.risk_violence, case.risk_group = level, bool(violence), bool(group)
    case.risk_vulnerable, case.risk_note = bool(vulnerable), _text(note, "risk_note", required=False)
    case.risk_assessed_at = timezone.now()
    _save(case, "risk_level", "risk_violence", "risk_group", "risk_vulnerable", "risk_note", "risk_assessed_at")
    _event(case, actor, E.RISK, note=case.risk_note, level=level, flags=case.risk_flags)
    if level == Case.Risk.HIGH and not was_high:
        _alert_high_risk(case)
        _matter_note(case, actor, _("High risk: %(flags)s") % {"flags": "、".join(case.risk_flags) or "—"})


@transaction.atomic
def assess_risk(case: Case, *, actor, level: str, violence: bool = False, group: bool = False,
                vulnerable: bool = False, note: str = "") -> Case:
    """风险评估: a level and flags; turning high alerts the police and the dispatchers."""
    case = _load(actor, case, "risk")
    _choice(level, Case.Risk, "level", _("Choose a risk level."))
    if level == Case.Risk.HIGH and not (violence or group or vulnerable or (note or "").strip()):
        raise ActionError(_("Say what makes the dispute high-risk: tick a flag or describe it."),
                          extra={"field": "note"})
    _apply_risk(case, actor, level, violence, group, vulnerable, note)
    return case


# --- acceptance and consent ---------------------------------------------------------------------


def _check_committee_covers(committee: Committee, area: Area) -> None:
    if not committee.active:
        raise ActionError(_("%(name)s is not active.") % {"name": committee.name}, extra={"field": "committee"})
    if not area.path.startswith(committee.area.path):
        raise ActionError(_("%(name)s does not work in %(area)s.") % {"name": committee.name, "area": area.name},
                          extra={"field": "committee"})


def mediator_candidates(committee: Committee):
    return User.objects.filter(is_active=True, role=User.Role.MEDIATOR,
                               mediation_memberships__committee=committee).distinct()


@transaction.atomic
def accept_case(case: Case, *, actor, committee: Committee, mediators, note: str = "") -> Case:
    """受理: the committee takes the case on and assigns one or more of its mediators; the
    time limit of the committee's level starts."""
    case = _load(actor, case, "accept")
    _check_committee_covers(committee, case.area)
    if not access.is_admin(actor) and not rules.sits_on(actor, committee):
        raise ActionError(_("Only members of %(name)s accept cases for it.") % {"name": committee.name},
                          extra={"field": "committee"})
    mediators = list(mediators)
    if not mediators:
        raise ActionError(_("Assign at least one mediator."), extra={"field": "mediators"})
    allowed = set(mediator_candidates(committee).values_list("pk", flat=True))
    for person in mediators:
        if person.pk not in allowed:
            raise ActionError(_("%(name)s is not a mediator of %(committee)s.")
                              % {"name": person.display_name, "committee": committee.name},
                              extra={"field": "mediators"})
    if any(p.consent == Party.Consent.DECLINES for p in case.parties.all()):
        raise ActionError(_("A party declined mediation: record the decline with guidance instead."))
    now = timezone.now()
    case.committee, case.status, case.accepted_at = committee, S.ACCEPTED, now
    case.due_at = _due(committee.level, now)
    _save(case, "committee", "status", "accepted_at", "due_at")
    case.mediators.set(mediators)
    _event(case, actor, E.ACCEPTED, note=_text(note, "note", required=False), committee=committee.name,
           mediators=[m.display_name for m in mediators], due_at=case.due_at.isoformat())
    _matter_deadline(case, actor)
    _matter_note(case, actor, _("Accepted by %(committee)s; mediators: %(names)s; to be mediated by %(due)s.") % {
        "committee": committee.name, "names": "、".join(m.display_name for m in mediators),
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d")})
    notify([m for m in mediators if m.pk != actor.pk], "mediation.assigned",
           _("You mediate the case “%(title)s”.") % {"title": case.title}, url=case_url(case), obj=case)
    return case


@transaction.atomic
def record_consent(case: Case, *, actor, party: Party, agrees: bool) -> Party:
    """The party's consent to mediation (自愿原则): mediation goes on only with everyone's."""
    case = _load(actor, case, "consent")
    party = Party.objects.select_for_update().get(pk=party.pk, case=case)
    party.consent = Party.Consent.AGREES if agrees else Party.Consent.DECLINES
    party.consent_at = timezone.now()
    party.save(update_fields=["consent", "consent_at"])
    _event(case, actor, E.CONSENT, note=f"{party}: {party.get_consent_display()}")
    return party


@transaction.atomic
def decline_case(case: Case, *, actor, reason: str, guidance: str, guidance_note: str) -> Case:
    """A party does not agree to mediation, or the dispute is not for people's mediation:
    recorded with the channel the parties were guided to."""
    case = _load(actor, case, "decline")
    reason = _text(reason, "reason")
    _choice(guidance, Case.Guidance, "guidance", _("Choose the channel the parties were guided to."))
    guidance_note = _text(guidance_note, "guidance_note")
    before = case.status
    case.status, case.concluded_at = S.DECLINED, timezone.now()
    case.decline_reason, case.guidance, case.guidance_note = reason, guidance, guidance_note
    _save(case, "status", "concluded_at", "decline_reason", "guidance", "guidance_note")
    _event(case, actor, E.DECLINED, note=reason, before=before, guidance=guidance)
    _matter_outcome(case, actor, _("Mediation declined: %(reason)s. Guided to %(channel)s: %(note)s") % {
        "reason": reason, "channel": case.get_guidance_display(), "note": guidance_note})
    return case


# --- mediating --------------------------------------------------------------------------------------


@transaction.atomic
def invite_joint_unit(case: Case, *, actor, unit: Unit, note: str = "") -> Case:
    """联动调解: a member unit (police, court, union, women's federation) co-mediates."""
    case = _load(actor, case, "joint")
    if not unit.active:
        raise ActionError(_("%(unit)s is not active.") % {"unit": unit.name}, extra={"field": "unit"})
    if case.joint_units.filter(pk=unit.pk).exists():
        raise ActionError(_("%(unit)s already takes part.") % {"unit": unit.name}, extra={"field": "unit"})
    case.joint_units.add(unit)
    _event(case, actor, E.JOINT, note=_text(note, "note", required=False), unit=unit.name)
    notify(unit_members(unit), "mediation.joint",
           _("Your unit is invited to mediate “%(title)s” jointly.") % {"title": case.title}, url=case_url(case),
           obj=case)
    return case


@transaction.atomic
def record_session(case: Case, *, actor, held_at: datetime, place: str, participants: str, record: str,
                   joint_units=()) -> Session:
    """调解记录: a session with its place, participants and record."""
    case = _load(actor, case, "session")
    parties = list(case.parties.all())
    if not parties:
        raise ActionError(_("Add the parties before recording a session."))
    if any(p.consent != Party.Consent.AGREES for p in parties):
        raise ActionError(_("Every party must agree to mediation before a session: record their consent first."))
    if held_at is None:
        raise ActionError(_("Please fill in this field."), extra={"field": "held_at"})
    if held_at > timezone.now() + timezone.timedelta(hours=1):
        raise ActionError(_("Record sessions that took place; this time is in the future."),
                          extra={"field": "held_at"})
    if case.accepted_at and held_at < case.accepted_at - timezone.timedelta(days=1):
        raise ActionError(_("The session cannot be before the case was accepted."), extra={"field": "held_at"})
    session = Session.objects.create(
        case=case, held_at=held_at, place=_text(place, "place", limit=200),
        participants=_text(participants, "participants", limit=1000), record=_text(record, "record", limit=20000),
        recorded_by=actor,
    )
    joint_units = list(joint_units)
    if joint_units:
        session.joint_units.set(joint_units)
        case.joint_units.add(*joint_units)
    if case.status == S.ACCEPTED:
        case.status = S.MEDIATING
        _save(case, "status")
    _event(case, actor, E.SESSION, note=session.place, session=session.pk,
           units=[u.name for u in joint_units])
    return session


@transaction.atomic
def record_agreement(case: Case, *, actor, form: str, parties, facts: str, responsibilities: str, content: str,
                     performance_method: str, performance_deadline: date, signed_on: date | None = None) -> Agreement:
    """调解成功: the agreement (written: the 调解协议书 PDF; or oral), binding at least two
    parties, with the way and the deadline of performance."""
    case = _load(actor, case, "agreement")
    _choice(form, Agreement.Form, "form", _("Choose a written or an oral agreement."))
    parties = list(parties or ())
    if len(parties) < 2 or any(p.case_id != case.pk for p in parties):
        raise ActionError(_("An agreement binds at least two parties of the case: choose them."),
                          extra={"field": "parties"})
    last_session = case.sessions.order_by("-held_at").first()
    if last_session is None:
        raise ActionError(_("Record the session in which the agreement was reached first."))
    session_day = timezone.localtime(last_session.held_at).date()
    signed_on = signed_on or timezone.localdate()
    if signed_on < session_day or signed_on > timezone.localdate():
        raise ActionError(_("The agreement is concluded between the last session and today."),
                          extra={"field": "signed_on"})
    if performance_deadline is None:
        raise ActionError(_("Please fill in this field."), extra={"field": "performance_deadline"})
    if performance_deadline < session_day:
        raise ActionError(
            _("The performance deadline cannot be before the session of %(day)s.") % {"day": session_day.isoformat()},
            extra={"field": "performance_deadline"},
        )
    agreement = Agreement.objects.create(
        case=case, form=form, facts=_text(facts, "facts"), responsibilities=_text(responsibilities, "responsibilities"),
        content=_text(content, "content"), performance_method=_text(performance_method, "performance_method"),
        performance_deadline=performance_deadline, signed_on=signed_on, recorded_by=actor,
    )
    agreement.parties.set(parties)
    case.status, case.concluded_at = S.AGREED, timezone.now()
    _assign_number(case)
    _save(case, "status", "concluded_at", "number", "number_year", "number_seq")
    _event(case, actor, E.AGREED, note=agreement.content[:200], form=form,
           performance_deadline=performance_deadline.isoformat())
    _matter_outcome(case, actor, _("Mediation succeeded (%(form)s, %(number)s): %(content)s Performance by %(day)s.")
                    % {"form": agreement.get_form_display(), "number": case.number, "content": agreement.content,
                       "day": performance_deadline.isoformat()})
    return agreement


@transaction.atomic
def record_failure(case: Case, *, actor, reason: str, guidance: str, guidance_note: str) -> Case:
    """调解不成: the reason and the channel the parties were guided to (litigation,
    arbitration, administrative). A lower committee may escalate instead (escalate_case)."""
    case = _load(actor, case, "failure")
    reason = _text(reason, "reason")
    _choice(guidance, Case.Guidance, "guidance", _("Choose the channel the parties were guided to."))
    guidance_note = _text(guidance_note, "guidance_note")
    case.status, case.concluded_at = S.FAILED, timezone.now()
    case.failure_reason, case.guidance, case.guidance_note = reason, guidance, guidance_note
    _save(case, "status", "concluded_at", "failure_reason", "guidance", "guidance_note")
    _event(case, actor, E.FAILED, note=reason, guidance=guidance)
    _matter_outcome(case, actor, _("No agreement: %(reason)s. Guided to %(channel)s: %(note)s") % {
        "reason": reason, "channel": case.get_guidance_display(), "note": guidance_note})
    return case


def escalation_target(case: Case) -> Committee | None:
    """The committee one level up that covers the case's area: sub-district, then district."""
    if case.committee is None:
        return None
    for level in Committee.LEVEL_ORDER[case.committee.rank + 1:]:
        target = _covering(case.area, level)
        if target is not None:
            return target
    return None


def _covering(area: Area, level: str) -> Committee | None:
    prefixes = [area.path[:i] for i in range(Area.steplen, len(area.path) + 1, Area.steplen)]
    return (Committee.objects.filter(level=level, active=True, area__path__in=prefixes)
            .order_by("-area__depth", "pk").first())


@transaction.atomic
def escalate_case(case: Case, *, actor, reason: str) -> Case:
    """The lower committee could not settle it: the case goes up (sub-district, then
    district) and waits there for acceptance; its members are told."""
    case = _load(actor, case, "escalate")
    reason = _text(reason, "reason")
    target = escalation_target(case)
    if target is None:
        raise ActionError(_("There is no higher committee to escalate to."), extra={"field": "reason"})
    before = case.committee
    case.committee, case.status, case.due_at, case.accepted_at = target, S.REGISTERED, None, None
    case.failure_reason = case.guidance = case.guidance_note = ""
    case.concluded_at = None
    _save(case, "committee", "status", "due_at", "accepted_at", "failure_reason", "guidance", "guidance_note",
          "concluded_at")
    case.mediators.clear()
    _event(case, actor, E.ESCALATED, note=reason, **{"from": before.name, "to": target.name})
    if case.matter_id and Matter.objects.filter(pk=case.matter_id, status=MS.RESOLVED).exists():
        _matter_reopen(case, actor, _("Escalated to %(committee)s: %(reason)s") % {"committee": target.name,
                                                                                  "reason": reason})
    else:
        _matter_note(case, actor, _("Escalated to %(committee)s: %(reason)s") % {"committee": target.name,
                                                                                "reason": reason})
    members = [m.user for m in target.members.select_related("user") if m.user_id]
    notify(members, "mediation.escalated", _("Case escalated to %(committee)s: %(title)s")
           % {"committee": target.name, "title": case.title}, url=case_url(case), obj=case)
    return case


# --- after the agreement ----------------------------------------------------------------------------


@transaction.atomic
def record_confirmation(case: Case, *, actor, status: str, court: str = "", applied_on: date | None = None,
                        decided_on: date | None = None, note: str = "") -> Case:
    """司法确认: the parties applied to the court to confirm the agreement; track the answer."""
    case = _load(actor, case, "confirmation")
    agreement = getattr(case, "agreement", None)
    if agreement is None or agreement.form != Agreement.Form.WRITTEN:
        raise ActionError(_("Only a written agreement can be confirmed by a court."))
    _choice(status, Case.Confirmation, "status", _("Choose the state of the application."))
    if status == Case.Confirmation.NONE:
        raise ActionError(_("Choose the state of the application."), extra={"field": "status"})
    court = _text(court, "court", limit=100)
    if applied_on is None:
        raise ActionError(_("Please fill in this field."), extra={"field": "applied_on"})
    if applied_on < agreement.signed_on or applied_on > timezone.localdate():
        raise ActionError(_("The application is made after the agreement and not in the future."),
                          extra={"field": "applied_on"})
    if status != Case.Confirmation.APPLIED:
        if decided_on is None or decided_on < applied_on:
            raise ActionError(_("Give the day the court decided (not before the application)."),
                              extra={"field": "decided_on"})
    else:
        decided_on = None
    case.confirmation, case.confirmation_court = status, court
    case.confirmation_applied_on, case.confirmation_decided_on = applied_on, decided_on
    _save(case, "confirmation", "confirmation_court", "confirmation_applied_on", "confirmation_decided_on")
    _event(case, actor, E.CONFIRMATION, note=_text(note, "note", required=False), status=status, court=court)
    return case


@transaction.atomic
def record_visit(case: Case, *, actor, visited_on: date, result: str, note: str, next_step: str = "") -> Visit:
    """回访 on performance: performed; partly or not performed → mediate again or guide the
    parties (apply for judicial confirmation, sue)."""
    case = _load(actor, case, "visit")
    _choice(result, Case.Performance, "result", _("Choose how the agreement was performed."))
    if result == Case.Performance.PENDING:
        raise ActionError(_("Choose how the agreement was performed."), extra={"field": "result"})
    if visited_on is None or visited_on > timezone.localdate():
        raise ActionError(_("The visit date cannot be in the future."), extra={"field": "visited_on"})
    if visited_on < case.agreement.signed_on:
        raise ActionError(_("The visit cannot be before the agreement."), extra={"field": "visited_on"})
    if next_step not in Visit.NextStep.values:
        raise ActionError(_("Choose the next step."), extra={"field": "next_step"})
    if result == Case.Performance.PERFORMED:
        next_step = ""
    elif not next_step:
        raise ActionError(_("The agreement was not fully performed: mediate again or guide the parties."),
                          extra={"field": "next_step"})
    note = _text(note, "note")
    visit = Visit.objects.create(case=case, visited_on=visited_on, result=result, note=note, next_step=next_step,
                                 recorded_by=actor)
    case.performance = result
    _save(case, "performance")
    _event(case, actor, E.VISIT, note=note, result=result, next_step=next_step)
    if next_step == Visit.NextStep.REOPEN:
        _reopen_case(case, actor, note)
    else:
        _matter_note(case, actor, _("Follow-up visit: %(result)s. %(note)s") % {
            "result": case.get_performance_display(), "note": note})
    return visit


def _reopen_case(case: Case, actor, note: str) -> None:
    """Not performed: the same committee mediates again, with a fresh time limit."""
    previous = _retire_agreement(case)
    case.status, case.concluded_at = S.MEDIATING, None
    case.due_at = _due(case.committee.level, timezone.now())
    _save(case, "status", "concluded_at", "due_at")
    _event(case, actor, E.REOPENED, note=note, due_at=case.due_at.isoformat(), previous_agreement=previous)
    _matter_reopen(case, actor, _("The agreement was not performed; mediated again: %(note)s") % {"note": note})


def _retire_agreement(case: Case) -> dict:
    """Remove the agreement that was not performed (so that a new one can be made); its
    terms stay in the timeline."""
    agreement = case.agreement
    previous = {"signed_on": agreement.signed_on.isoformat(), "form": agreement.form,
                "deadline": agreement.performance_deadline.isoformat(), "content": agreement.content}
    agreement.delete()
    case.performance = ""
    _save(case, "performance")
    return previous


@transaction.atomic
def archive_case(case: Case, *, actor, note: str = "") -> Case:
    """归档 with the case number in the committee's sequence. An agreement is archived after
    its follow-up visit."""
    case = _load(actor, case, "archive")
    if case.status == S.AGREED and not case.performance:
        raise ActionError(_("Visit the parties on the agreement's performance before archiving."))
    if case.committee is None:
        raise ActionError(_("Only cases a committee handled are archived with a number."))
    _assign_number(case)
    case.status, case.archived_at = S.ARCHIVED, timezone.now()
    _save(case, "status", "archived_at", "number", "number_year", "number_seq")
    _event(case, actor, E.ARCHIVED, note=_text(note, "note", required=False), number=case.number)
    _matter_note(case, actor, _("Mediation case archived as %(number)s.") % {"number": case.number})
    return case


# --- the periodic follow-up reminder --------------------------------------------------------------


def _follow_up_recipients(case: Case) -> list[User]:
    """The case's mediators; if none is left (accounts removed), the committee's members."""
    mediators = list(case.mediators.filter(is_active=True))
    if mediators or case.committee_id is None:
        return mediators
    return [m.user for m in case.committee.members.select_related("user") if m.user_id]


def follow_ups_to_remind(today: date | None = None) -> list[int]:
    """Agreements whose performance deadline has come, with no follow-up visit recorded and
    no reminder sent yet."""
    today = today or timezone.localdate()
    return list(Agreement.objects.filter(case__status=S.AGREED, case__performance="", performance_deadline__lte=today,
                                         follow_up_reminded_at__isnull=True)
                .order_by("performance_deadline", "pk").values_list("pk", flat=True))


@transaction.atomic
def remind_follow_up(agreement_pk: int, now: datetime | None = None) -> bool:
    """Claim the agreement's reminder with a compare-and-set UPDATE of
    `follow_up_reminded_at` and, if this call won it, notify the mediators. A second worker
    (or a second run) finds the marker set and does nothing. Returns whether it reminded."""
    now = now or timezone.now()
    if not Agreement.objects.filter(pk=agreement_pk, follow_up_reminded_at__isnull=True).update(
            follow_up_reminded_at=now):
        return False
    agreement = Agreement.objects.select_related("case__committee").get(pk=agreement_pk)
    case = agreement.case
    deadline = agreement.performance_deadline.isoformat()
    notify(_follow_up_recipients(case), "mediation_follow_up_due",
           _("The agreement of “%(title)s” was to be performed by %(day)s: visit the parties and record "
             "the follow-up.") % {"title": case.title, "day": deadline},
           url=case_url(case), obj=case)
    _event(case, None, E.REMINDED, performance_deadline=deadline)
    return True


def remind_follow_ups(now: datetime | None = None) -> int:
    """The periodic job: remind the mediators of each agreement whose performance deadline
    has come and whose follow-up visit (回访) is not recorded, once per agreement (see
    remind_follow_up). Returns how many agreements were reminded."""
    now = now or timezone.now()
    return sum(remind_follow_up(pk, now) for pk in follow_ups_to_remind(timezone.localdate(now)))
