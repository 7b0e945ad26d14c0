"""Every change of campus records goes through these functions (pages, API, worker, demo).

Who may write: the school's own staff (safety officer, psychology teachers) and
administrators; hazards may also be reported by patrol staff who see the school. The
psychology records are written by the school's psychology teachers only.
"""

import math
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.campus.models import (
    SLOT_TIMES,
    CampusProfile,
    Gate,
    Grade,
    Guard,
    GuardDuty,
    GuardShift,
    Hazard,
    HazardPhoto,
    Incident,
    Inspection,
    MeetingPlan,
    PsychActivity,
    PsychCase,
    PsychFollowUp,
    PsychLesson,
    PsychModule,
    Room,
    RoomBooking,
    SchoolClass,
    Slot,
    Term,
)
from safeharbor.core import access
from safeharbor.core.actions import record_audit
from safeharbor.core.crypto import blind_index
from safeharbor.core.errors import ActionError
from safeharbor.core.models import AuditLog, Category, Harbor, School, Unit, User
from safeharbor.lib import workdays
from safeharbor.matters import actions as matter_actions
from safeharbor.matters import deadlines
from safeharbor.matters.models import Matter, MatterEvent, Meeting
from safeharbor.notifications.actions import notify

Role = User.Role
MAX_TEXT = 5000
# A hazard of the same kind this close to one rectified within a year "comes back".
RECUR_METERS = 150
RECUR_DAYS = 365


# --- helpers -----------------------------------------------------------------------------------


def _text(value, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Please fill in this field."), extra={"field": field})
    if len(value) > limit:
        raise ActionError(_("At most %(n)d characters, please.") % {"n": limit}, extra={"field": field})
    return value


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise ActionError(_("Choose one of the options."), extra={"field": field})
    return value


def _visible_school(actor, school: School) -> School:
    return access.get_visible_or_404(access.visible_campus_schools(actor), pk=school.pk)


def is_school_staff(user, school: School) -> bool:
    return access.is_admin(user) or (user.school_id == school.pk and access.can_write(user))


def require_school_staff(actor, school: School) -> None:
    """Out of scope → 404; in scope but not the school's own staff (or read-only) → 403."""
    _visible_school(actor, school)
    access.require_write(actor)
    if not is_school_staff(actor, school):
        raise PermissionDenied(_("Only the school's own staff keep these records."))


def is_psych_teacher(user, school: School) -> bool:
    return user.role == Role.PSYCH_TEACHER and user.school_id == school.pk and user.is_active


def require_psych_teacher(actor, school: School) -> None:
    _visible_school(actor, school)
    if not is_psych_teacher(actor, school):
        raise PermissionDenied(_("Only the school's psychology teachers keep psychology records."))


def profile_of(school: School) -> CampusProfile:
    profile, _created = CampusProfile.objects.get_or_create(school=school)
    return profile


def school_harbor(school: School) -> Harbor | None:
    return Harbor.objects.filter(school=school, active=True).order_by("pk").first()


def distance_m(lat1, lon1, lat2, lon2) -> int | None:
    """Great-circle distance in metres (haversine); None when a point is missing."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * r * math.asin(math.sqrt(a)))


def _gate_point(school: School) -> tuple[float | None, float | None]:
    profile = CampusProfile.objects.filter(school=school).first()
    if profile and profile.gate_lat is not None:
        return profile.gate_lat, profile.gate_lon
    gate = school.gates.exclude(lat=None).first()
    if gate:
        return gate.lat, gate.lon
    harbor = school_harbor(school)
    return (harbor.lat, harbor.lon) if harbor else (None, None)


# --- schools: profile, grades, classes, rooms ------------------------------------------------------


@transaction.atomic
def update_profile(school: School, *, actor, safety_officer=None, psych_lead=None, designated_leader=None,
                   gate_lat=None, gate_lon=None, class_count=None, student_count=None) -> CampusProfile:
    require_school_staff(actor, school)
    for field, user in (("safety_officer", safety_officer), ("psych_lead", psych_lead),
                        ("designated_leader", designated_leader)):
        if user is not None and user.school_id != school.pk:
            raise ActionError(_("%(name)s does not work at this school.") % {"name": user.display_name},
                              extra={"field": field})
    if psych_lead is not None and psych_lead.role != Role.PSYCH_TEACHER:
        raise ActionError(_("The psychology lead must be a psychology teacher."), extra={"field": "psych_lead"})
    profile = profile_of(school)
    profile.safety_officer, profile.psych_lead, profile.designated_leader = safety_officer, psych_lead, designated_leader
    profile.gate_lat, profile.gate_lon = gate_lat, gate_lon
    profile.save()
    record_audit(actor=actor, action=AuditLog.Action.CONFIG, target=profile, field="designated_leader",
                 reason=designated_leader.display_name if designated_leader else "")
    return profile


@transaction.atomic
def add_class(school: School, *, actor, grade_name: str, name: str, student_count: int = 0,
              head_teacher: str = "") -> SchoolClass:
    require_school_staff(actor, school)
    grade_name = _text(grade_name, "grade_name", limit=40)
    grade, _created = Grade.objects.get_or_create(
        school=school, name=grade_name, defaults={"order": school.grades.count() + 1}
    )
    name = _text(name, "name", limit=40)
    if grade.classes.filter(name=name).exists():
        raise ActionError(_("%(grade)s already has a class %(name)s.") % {"grade": grade.name, "name": name},
                          extra={"field": "name"})
    school_class = SchoolClass.objects.create(grade=grade, name=name, student_count=student_count,
                                              head_teacher=_text(head_teacher, "head_teacher", required=False))
    _sync_counts(school)
    return school_class


@transaction.atomic
def update_class(school_class: SchoolClass, *, actor, student_count: int, head_teacher: str = "") -> SchoolClass:
    school = school_class.grade.school
    require_school_staff(actor, school)
    school_class.student_count = student_count
    school_class.head_teacher = _text(head_teacher, "head_teacher", required=False, limit=40)
    school_class.save(update_fields=["student_count", "head_teacher"])
    _sync_counts(school)
    return school_class


def _sync_counts(school: School) -> None:
    """core.School keeps the totals other modules read; they follow the class list."""
    classes = SchoolClass.objects.filter(grade__school=school)
    school.class_count = classes.count()
    school.student_count = sum(classes.values_list("student_count", flat=True))
    school.save(update_fields=["class_count", "student_count"])


@transaction.atomic
def set_psych_monitor(school_class: SchoolClass, *, actor, name: str) -> SchoolClass:
    require_psych_teacher(actor, school_class.grade.school)
    school_class.psych_monitor = _text(name, "name", required=False, limit=40)
    school_class.save(update_fields=["psych_monitor"])
    return school_class


@transaction.atomic
def add_room(school: School, *, actor, name: str, purpose: str = "", capacity: int = 1) -> Room:
    require_school_staff(actor, school)
    return Room.objects.create(school=school, name=_text(name, "name", limit=60),
                               purpose=_text(purpose, "purpose", required=False, limit=200), capacity=capacity)


@transaction.atomic
def book_room(room: Room, *, actor, starts_at: datetime, ends_at: datetime, purpose: str) -> RoomBooking:
    require_school_staff(actor, room.school)
    room = Room.objects.select_for_update().get(pk=room.pk)
    purpose = _text(purpose, "purpose", limit=200)
    if ends_at <= starts_at:
        raise ActionError(_("The booking must end after it starts."), extra={"field": "ends_at"})
    if ends_at - starts_at > timedelta(hours=12):
        raise ActionError(_("A booking lasts at most 12 hours."), extra={"field": "ends_at"})
    clash = room.bookings.filter(cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at).first()
    if clash:
        raise ActionError(
            _("%(room)s is already booked from %(start)s to %(end)s (%(purpose)s).") % {
                "room": room.name, "start": timezone.localtime(clash.starts_at).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(clash.ends_at).strftime("%H:%M"), "purpose": clash.purpose},
            extra={"field": "starts_at"},
        )
    return RoomBooking.objects.create(room=room, starts_at=starts_at, ends_at=ends_at, purpose=purpose,
                                      booked_by=actor)


@transaction.atomic
def cancel_booking(booking: RoomBooking, *, actor) -> RoomBooking:
    require_school_staff(actor, booking.room.school)
    booking.cancelled = True
    booking.save(update_fields=["cancelled"])
    return booking


# --- joint meetings --------------------------------------------------------------------------------

JOINT_KINDS = (Meeting.Kind.SCHOOL_SAFETY, Meeting.Kind.SCHOOL_SURROUNDINGS)


@transaction.atomic
def plan_meetings(school: School, *, actor, kind: str, every_months: int, first_on: date) -> MeetingPlan:
    require_school_staff(actor, school)
    if kind not in JOINT_KINDS:
        raise ActionError(_("Choose one of the options."), extra={"field": "kind"})
    if not 1 <= every_months <= 12:
        raise ActionError(_("Between 1 and 12 months, please."), extra={"field": "every_months"})
    plan, _created = MeetingPlan.objects.update_or_create(
        school=school, kind=kind, defaults={"every_months": every_months, "first_on": first_on}
    )
    return plan


@transaction.atomic
def hold_joint_meeting(school: School, *, actor, kind: str, title: str, held_at: datetime, place: str = "",
                       attending_units=(), agenda: str = "", minutes: str = "") -> Meeting:
    """A school's joint meeting is a matters.Meeting of the school's harbor: its decisions
    become supervised matters through matters.actions.add_decision."""
    require_school_staff(actor, school)
    if kind not in JOINT_KINDS:
        raise ActionError(_("Choose one of the options."), extra={"field": "kind"})
    return matter_actions.create_meeting(
        actor=actor, kind=kind, title=title, organizer=school.unit, area=school.area, held_at=held_at,
        place=place, attending_units=attending_units, agenda=agenda, minutes=minutes, harbor=school_harbor(school),
    )


# --- hazards around schools ------------------------------------------------------------------------

# Which unit rectifies which kind of hazard, and under which category the matter runs.
HAZARD_UNITS = {
    Hazard.Kind.INTERNET_CAFE: "police",
    Hazard.Kind.ILLEGAL_TAXI: "transport_enforcement",
    Hazard.Kind.VENDOR: "urban_enforcement",
    Hazard.Kind.FOOD_STALL: "market",
    Hazard.Kind.TRAFFIC: "traffic_police",
    Hazard.Kind.CONSTRUCTION: "urban_enforcement",
    Hazard.Kind.OTHER: "urban_enforcement",
}
HAZARD_CATEGORIES = {
    Hazard.Kind.ILLEGAL_TAXI: "traffic.illegal_taxi",
    Hazard.Kind.FOOD_STALL: "market.food_safety",
    Hazard.Kind.TRAFFIC: "school.safety",
}
SURROUNDINGS = "school.surroundings"
# Words in a resident's report that tell the kind of hazard (first match wins).
HAZARD_WORDS = [
    (Hazard.Kind.INTERNET_CAFE, ("网吧", "网咖", "游戏厅")),
    (Hazard.Kind.ILLEGAL_TAXI, ("黑车", "黑出租", "非法营运", "拉客")),
    (Hazard.Kind.FOOD_STALL, ("三无", "辣条", "零食", "食品")),
    (Hazard.Kind.VENDOR, ("摊", "小贩", "占道")),
    (Hazard.Kind.TRAFFIC, ("车速", "斑马线", "红绿灯", "信号灯", "交通")),
    (Hazard.Kind.CONSTRUCTION, ("工地", "施工")),
]


def hazard_unit(kind: str) -> Unit | None:
    return Unit.objects.filter(code=HAZARD_UNITS.get(kind, "urban_enforcement"), active=True).first()


def hazard_category(kind: str) -> Category | None:
    return (Category.objects.filter(code=HAZARD_CATEGORIES.get(kind, SURROUNDINGS)).first()
            or Category.objects.filter(code=SURROUNDINGS).first())


def kind_from_text(text: str) -> str:
    for kind, words in HAZARD_WORDS:
        if any(word in text for word in words):
            return kind
    return Hazard.Kind.OTHER


def find_recurrence(school: School, kind: str, *, lat=None, lon=None, address: str = "", now=None) -> Hazard | None:
    """A rectified hazard of the same kind at (nearly) the same place, closed within a year."""
    now = now or timezone.now()
    earlier = Hazard.objects.filter(school=school, kind=kind, status=Hazard.Status.RECTIFIED,
                                    closed_at__gte=now - timedelta(days=RECUR_DAYS)).order_by("-closed_at")
    for hazard in earlier:
        near = distance_m(lat, lon, hazard.lat, hazard.lon)
        if near is not None and near <= RECUR_METERS:
            return hazard
        if near is None and address and hazard.address and address.strip() == hazard.address.strip():
            return hazard
    return None


def _hazard_title(school: School, kind: str, recurring: bool) -> str:
    label = Hazard.Kind(kind).label
    if recurring:
        return _("Recurring hazard near %(school)s: %(kind)s") % {"school": school, "kind": label}
    return _("Hazard near %(school)s: %(kind)s") % {"school": school, "kind": label}


def _save_photos(hazard: Hazard, photos, stage: str) -> None:
    from safeharbor.intake.uploads import clean_photos

    for upload in clean_photos(photos, field="photos"):
        HazardPhoto.objects.create(hazard=hazard, stage=stage, file=upload, name=upload.name[:200])


@transaction.atomic
def report_hazard(school: School, *, actor, kind: str, description: str, address: str = "", lat=None, lon=None,
                  photos=(), now=None) -> Hazard:
    """Register a hazard point and send it, as a matter, to the unit that rectifies it."""
    school = _visible_school(actor, school)
    access.require_write(actor)
    kind = _choice(kind, Hazard.Kind, "kind")
    description = _text(description, "description")
    address = _text(address, "address", required=False, limit=200)
    if (lat is None) != (lon is None):
        raise ActionError(_("Give both latitude and longitude, or neither."), extra={"field": "lat"})
    unit = hazard_unit(kind)
    if unit is None:
        raise ActionError(_("No active unit rectifies this kind of hazard; ask an administrator."),
                          extra={"field": "kind"})
    now = now or timezone.now()
    previous = find_recurrence(school, kind, lat=lat, lon=lon, address=address, now=now)
    matter, _check = matter_actions.create_matter(
        actor=None, description=description, source=Matter.Source.HAZARD, title=_hazard_title(school, kind, bool(previous)),
        category=hazard_category(kind), area=school.area, harbor=school_harbor(school), address=address,
        lat=lat, lon=lon, created_at=now,
    )
    matter.created_by = actor
    matter.save(update_fields=["created_by"])
    matter.events.filter(action=MatterEvent.Action.CREATED).update(actor=actor)
    via = Hazard.Via.STAFF if is_school_staff(actor, school) else Hazard.Via.PATROL
    gate_lat, gate_lon = _gate_point(school)
    hazard = Hazard.objects.create(
        school=school, kind=kind, description=description, address=address, lat=lat, lon=lon,
        distance_m=distance_m(lat, lon, gate_lat, gate_lon), via=via, matter=matter, recurrence_of=previous,
        reported_by=actor, reported_at=now,
    )
    _save_photos(hazard, photos, HazardPhoto.Stage.BEFORE)
    note = _("Hazard near %(school)s, rectification by %(unit)s.") % {"school": school, "unit": unit.name}
    if previous:
        note += " " + _("It came back after the hazard rectified on %(date)s.") % {
            "date": timezone.localtime(previous.closed_at).strftime("%Y-%m-%d")}
    hazard.matter = matter_actions.dispatch_matter(matter, actor=None, unit=unit, note=note)
    return hazard


def nearest_school(matter: Matter) -> School | None:
    """The school a resident's report about a school's surroundings is about: the nearest
    school gate within 1 km of the point, else the school of the matter's area (or above)."""
    schools = list(School.objects.select_related("area"))
    if matter.lat is not None:
        best = None
        for school in schools:
            d = distance_m(matter.lat, matter.lon, *_gate_point(school))
            if d is not None and d <= 1000 and (best is None or d < best[0]):
                best = (d, school)
        if best:
            return best[1]
    if matter.harbor_id and matter.harbor and matter.harbor.school_id:
        return matter.harbor.school
    inside = [s for s in schools if s.area.path.startswith(matter.area_path) or matter.area_path.startswith(s.area.path)]
    return inside[0] if len(inside) == 1 else None


def hazard_from_matter(matter: Matter) -> Hazard | None:
    """A resident's report in `school.surroundings` becomes a hazard of the nearest school
    (the matter itself is dispatched as usual by the dispatcher)."""
    if Hazard.objects.filter(matter=matter).exists():
        return None
    school = nearest_school(matter)
    if school is None:
        return None
    kind = kind_from_text(f"{matter.title} {matter.description}")
    previous = find_recurrence(school, kind, lat=matter.lat, lon=matter.lon, address=matter.address)
    gate_lat, gate_lon = _gate_point(school)
    via = Hazard.Via.RESIDENT if matter.source in {Matter.Source.WEB, Matter.Source.QR, Matter.Source.HOTLINE,
                                                    Matter.Source.WALK_IN, Matter.Source.OPEN311} else Hazard.Via.PATROL
    return Hazard.objects.create(
        school=school, kind=kind, description=matter.description, address=matter.address, lat=matter.lat,
        lon=matter.lon, distance_m=distance_m(matter.lat, matter.lon, gate_lat, gate_lon), via=via, matter=matter,
        recurrence_of=previous, reported_at=matter.created_at,
    )


def on_matter_event(event: MatterEvent) -> None:
    """Matter hook: resident reports become hazards; the unit's progress moves the hazard."""
    A = MatterEvent.Action
    if event.action == A.CREATED:
        matter = event.matter
        if matter.source != Matter.Source.HAZARD and matter.category_id and matter.category.code == SURROUNDINGS:
            hazard_from_matter(matter)
        return
    if event.action == A.RECATEGORIZED or (event.action == A.DISPATCHED and event.data.get("category")):
        matter = event.matter
        if matter.category_id and matter.category.code == SURROUNDINGS:
            hazard_from_matter(matter)
        return
    if event.action not in {A.RESOLVED, A.REOPENED}:
        return
    hazard = Hazard.objects.filter(matter_id=event.matter_id).select_related("school").first()
    if hazard is None:
        return
    if event.action == A.RESOLVED:
        hazard.status = Hazard.Status.REINSPECT
        hazard.save(update_fields=["status"])
        officer = profile_of(hazard.school).safety_officer
        notify([officer], "campus.reinspect",
               _("%(unit)s reports the hazard “%(hazard)s” rectified: please re-inspect it.") % {
                   "unit": event.unit or event.matter.unit, "hazard": hazard},
               url=reverse("campus:hazard_detail", args=[hazard.pk]), obj=hazard)
    elif hazard.status != Hazard.Status.OPEN:
        hazard.status, hazard.closed_at = Hazard.Status.OPEN, None
        hazard.save(update_fields=["status", "closed_at"])


@transaction.atomic
def reinspect_hazard(hazard: Hazard, *, actor, passed: bool, note: str, photos=()) -> Inspection:
    """复查 after the unit reported it done: passed closes the matter, failed sends it back."""
    hazard = access.get_visible_or_404(access.visible_hazards(actor).select_for_update(of=("self",)), pk=hazard.pk)
    require_school_staff(actor, hazard.school)
    note = _text(note, "note", limit=2000)
    matter = hazard.matter
    if matter.status != Matter.Status.RESOLVED:
        raise ActionError(_("Re-inspect once the unit has reported the hazard rectified (now: %(status)s).") % {
            "status": matter.get_status_display()})
    inspection = Inspection.objects.create(hazard=hazard, inspector=actor, passed=passed, note=note)
    _save_photos(hazard, photos, HazardPhoto.Stage.AFTER)
    comment = _("Re-inspection by %(name)s: %(note)s") % {"name": actor.display_name, "note": note}
    matter_actions.record_follow_up(
        matter, actor=None, channel="visit", contacted=True, solved=passed,
        satisfaction=Matter.Satisfaction.SATISFIED if passed else Matter.Satisfaction.UNSATISFIED,
        comment=comment[:1000],
    )
    hazard.refresh_from_db()
    if passed:
        hazard.status, hazard.closed_at = Hazard.Status.RECTIFIED, timezone.now()
    else:
        hazard.status, hazard.closed_at = Hazard.Status.OPEN, None
    hazard.save(update_fields=["status", "closed_at"])
    return inspection


# --- guard posts (护学岗) ---------------------------------------------------------------------------


@transaction.atomic
def add_gate(school: School, *, actor, name: str, lat=None, lon=None, people_per_slot: int = 2) -> Gate:
    require_school_staff(actor, school)
    if not 1 <= people_per_slot <= 20:
        raise ActionError(_("Between 1 and 20 people, please."), extra={"field": "people_per_slot"})
    return Gate.objects.create(school=school, name=_text(name, "name", limit=60), lat=lat, lon=lon,
                               people_per_slot=people_per_slot)


@transaction.atomic
def add_term(school: School, *, actor, name: str, starts_on: date, ends_on: date) -> Term:
    require_school_staff(actor, school)
    if ends_on <= starts_on:
        raise ActionError(_("The term must end after it starts."), extra={"field": "ends_on"})
    if (ends_on - starts_on).days > 200:
        raise ActionError(_("A term lasts at most 200 days."), extra={"field": "ends_on"})
    return Term.objects.create(school=school, name=_text(name, "name", limit=60), starts_on=starts_on,
                               ends_on=ends_on)


@transaction.atomic
def add_guard(school: School, *, actor, kind: str, name: str, phone: str) -> Guard:
    require_school_staff(actor, school)
    kind = _choice(kind, Guard.Kind, "kind")
    name = _text(name, "name", limit=40)
    phone = _text(phone, "phone", limit=20)
    index = blind_index(phone)
    if len(index) and Guard.objects.filter(school=school, phone_index=index, active=True).exists():
        raise ActionError(_("Someone with this phone number is already on the list."), extra={"field": "phone"})
    return Guard.objects.create(school=school, kind=kind, name=name, phone=phone, phone_index=index)


def school_days(start: date, end: date) -> list[date]:
    """School days: the working days of the Chinese calendar (holidays and 调休 included)."""
    overrides = deadlines.overrides()
    days, day = [], start
    while day <= end:
        if workdays.is_workday(day, overrides):
            days.append(day)
        day += timedelta(days=1)
    return days


@transaction.atomic
def generate_roster(term: Term, *, actor, gate: Gate, slots=tuple(Slot.values)) -> dict[str, int]:
    """Shifts for every school day of the term at this gate, each filled in rotation: one
    traffic police officer (while any is on the list) and parent volunteers for the rest.
    Days that already have a shift keep it (the roster can be generated again safely)."""
    require_school_staff(actor, term.school)
    if gate.school_id != term.school_id:
        raise Http404
    slots = [_choice(s, Slot, "slots") for s in slots]
    if not slots:
        raise ActionError(_("Choose at least one time of day."), extra={"field": "slots"})
    guards = list(term.school.guards.filter(active=True).order_by("pk"))
    police = [g for g in guards if g.kind == Guard.Kind.TRAFFIC_POLICE]
    others = [g for g in guards if g.kind != Guard.Kind.TRAFFIC_POLICE]
    if not guards:
        raise ActionError(_("Add traffic police officers and parent volunteers first."))
    created = duties = 0
    turn_police = turn_others = 0
    for day in school_days(term.starts_on, term.ends_on):
        for slot in slots:
            shift, was_created = GuardShift.objects.get_or_create(gate=gate, date=day, slot=slot,
                                                                  defaults={"term": term})
            if not was_created:
                continue
            created += 1
            team = []
            if police:
                team.append(police[turn_police % len(police)])
                turn_police += 1
            while len(team) < gate.people_per_slot and others and len(team) < len(others) + bool(police):
                candidate = others[turn_others % len(others)]
                turn_others += 1
                if candidate not in team:
                    team.append(candidate)
            GuardDuty.objects.bulk_create([GuardDuty(shift=shift, guard=g) for g in team])
            duties += len(team)
    return {"shifts": created, "duties": duties}


@transaction.atomic
def assign_guard(shift: GuardShift, *, actor, guard: Guard) -> GuardDuty:
    require_school_staff(actor, shift.gate.school)
    if guard.school_id != shift.gate.school_id:
        raise Http404
    duty, _created = GuardDuty.objects.get_or_create(shift=shift, guard=guard)
    return duty


@transaction.atomic
def drop_duty(duty: GuardDuty, *, actor) -> None:
    """Someone cannot come: the slot may become uncovered (and is flagged the day before)."""
    require_school_staff(actor, duty.shift.gate.school)
    if duty.signed_in_at:
        raise ActionError(_("This guard has already signed in."))
    duty.delete()


def slot_window(day: date, slot: str) -> tuple[datetime, datetime]:
    start, end = SLOT_TIMES[slot]
    tz = timezone.get_current_timezone()
    begin = datetime.combine(day, time.fromisoformat(start), tz) - timedelta(minutes=40)
    return begin, datetime.combine(day, time.fromisoformat(end), tz) + timedelta(minutes=10)


@transaction.atomic
def sign_in_at_gate(gate: Gate, *, phone: str, method: str = "qr", now=None) -> GuardDuty:
    """Sign-in on arrival (the QR code at the gate opens this, the guard types their phone)."""
    now = now or timezone.now()
    index = blind_index((phone or "").strip())
    guard = Guard.objects.filter(school_id=gate.school_id, phone_index=index, active=True).first() if index else None
    if guard is None:
        raise ActionError(_("This phone number is not on the school's guard list."), extra={"field": "phone"})
    today = timezone.localtime(now).date()
    for shift in GuardShift.objects.filter(gate=gate, date=today).select_for_update(of=("self",)):
        begin, end = slot_window(today, shift.slot)
        if begin <= now <= end:
            duty, _created = GuardDuty.objects.get_or_create(shift=shift, guard=guard)  # a stand-in counts too
            if duty.signed_in_at is None:
                duty.signed_in_at, duty.sign_in_method = now, method
                duty.save(update_fields=["signed_in_at", "sign_in_method"])
            return duty
    raise ActionError(_("There is no guard shift at this gate right now."), extra={"field": "phone"})


@transaction.atomic
def sign_in_duty(duty: GuardDuty, *, actor, now=None) -> GuardDuty:
    """The safety officer signs a guard in by hand (the guard has no phone with them)."""
    require_school_staff(actor, duty.shift.gate.school)
    if duty.signed_in_at is None:
        duty.signed_in_at, duty.sign_in_method = now or timezone.now(), "staff"
        duty.save(update_fields=["signed_in_at", "sign_in_method"])
    return duty


def flag_uncovered_slots(day: date | None = None, now=None) -> int:
    """The day before: shifts with fewer guards than the gate needs are flagged once to the
    school's safety officer (compare-and-set, so two workers never flag twice)."""
    from django.db.models import Count

    now = now or timezone.now()
    day = day or timezone.localtime(now).date() + timedelta(days=1)
    flagged = 0
    shifts = (GuardShift.objects.filter(date=day, flagged_at__isnull=True)
              .select_related("gate__school").annotate(n=Count("duties")))
    by_school: dict[int, list] = {}
    for shift in shifts:
        if shift.n >= shift.gate.people_per_slot:
            continue
        with transaction.atomic():
            if not GuardShift.objects.filter(pk=shift.pk, flagged_at__isnull=True).update(flagged_at=now):
                continue
            flagged += 1
            by_school.setdefault(shift.gate.school_id, []).append(shift)
    for shifts in by_school.values():
        school = shifts[0].gate.school
        profile = profile_of(school)
        recipients = [profile.safety_officer] if profile.safety_officer else list(
            User.objects.filter(school=school, role=Role.SCHOOL_SAFETY, is_active=True))
        lines = "、".join(f"{s.gate.name}{s.get_slot_display()}({s.n}/{s.gate.people_per_slot})" for s in shifts)
        notify(recipients, "campus.uncovered",
               _("Guard posts not covered on %(day)s: %(slots)s") % {"day": day.strftime("%Y-%m-%d"), "slots": lines},
               url=reverse("campus:guards", args=[school.pk]) + f"?day={day:%Y-%m-%d}")
    return flagged


# --- psychological health (心育) ---------------------------------------------------------------------


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def log_lesson(school_class: SchoolClass, *, actor, held_on: date, module: str, topic: str) -> PsychLesson:
    require_psych_teacher(actor, school_class.grade.school)
    if held_on > timezone.localdate():
        raise ActionError(_("The date cannot be in the future."), extra={"field": "held_on"})
    return PsychLesson.objects.create(
        school_class=school_class, held_on=held_on, week=week_of(held_on),
        module=_choice(module, PsychModule, "module"), topic=_text(topic, "topic", limit=200), teacher=actor,
    )


@transaction.atomic
def record_activity(school: School, *, actor, kind: str, title: str, starts_on: date, ends_on: date | None = None,
                    module: str = "", participants: int = 0, note: str = "") -> PsychActivity:
    require_psych_teacher(actor, school)
    kind = _choice(kind, PsychActivity.Kind, "kind")
    if module:
        module = _choice(module, PsychModule, "module")
    elif kind == PsychActivity.Kind.MODULE:
        raise ActionError(_("Say which of the six modules the activity belongs to."), extra={"field": "module"})
    if ends_on and ends_on < starts_on:
        raise ActionError(_("The end cannot be before the start."), extra={"field": "ends_on"})
    return PsychActivity.objects.create(
        school=school, kind=kind, module=module, title=_text(title, "title", limit=200), starts_on=starts_on,
        ends_on=ends_on, participants=participants, note=_text(note, "note", required=False),
    )


ALERT_RISKS = {PsychCase.Risk.HIGH, PsychCase.Risk.CRITICAL}


def _alert_case(case: PsychCase, *, actor, escalated: bool = False) -> None:
    """High and critical cases alert the psychology lead and the designated school leader at
    once. The message names no pupil: they open the case (an audited read) to see who."""
    profile = profile_of(case.school)
    recipients = [u for u in (profile.psych_lead, profile.designated_leader) if u and u.pk != actor.pk]
    if not recipients:
        recipients = [u for u in User.objects.filter(school=case.school, role=Role.PSYCH_TEACHER, is_active=True)
                      if u.pk != actor.pk]
    values = {"risk": case.get_risk_display(), "number": case.pk, "school": case.school}
    message = (_("Psychology case #%(number)s at %(school)s is now at risk grade %(risk)s.") if escalated else
               _("A psychology crisis case #%(number)s at %(school)s was opened at risk grade %(risk)s.")) % values
    notify(recipients, "crisis_case", message, url=reverse("campus:psych_case", args=[case.pk]), obj=case)


@transaction.atomic
def open_case(school: School, *, actor, school_class: SchoolClass, kind: str, risk: str, source: str,
              student_name: str, concern: str, safety_plan: str = "", guardian_name: str = "",
              guardian_phone: str = "", guardian_consent: bool = False, referral: str = "",
              referred_on: date | None = None, next_follow_up: date | None = None) -> PsychCase:
    require_psych_teacher(actor, school)
    if school_class.grade.school_id != school.pk:
        raise ActionError(_("Choose a class of this school."), extra={"field": "school_class"})
    kind = _choice(kind, PsychCase.Kind, "kind")
    risk = _choice(risk, PsychCase.Risk, "risk")
    source = _choice(source, PsychCase.Source, "source")
    safety_plan = _text(safety_plan, "safety_plan", required=False)
    if risk in ALERT_RISKS and not safety_plan:
        raise ActionError(_("A high or critical case needs a safety plan."), extra={"field": "safety_plan"})
    if risk in ALERT_RISKS and not (guardian_name or "").strip():
        raise ActionError(_("A high or critical case needs the guardian's contact."), extra={"field": "guardian_name"})
    case = PsychCase.objects.create(
        school=school, school_class=school_class, kind=kind, risk=risk, source=source,
        student_name=_text(student_name, "student_name", limit=40), concern=_text(concern, "concern"),
        safety_plan=safety_plan, guardian_name=_text(guardian_name, "guardian_name", required=False, limit=40),
        guardian_phone=_text(guardian_phone, "guardian_phone", required=False, limit=20),
        guardian_consent=guardian_consent, referral=_text(referral, "referral", required=False, limit=200),
        referred_on=referred_on, next_follow_up=next_follow_up, opened_by=actor,
    )
    record_audit(actor=actor, action=AuditLog.Action.REVEAL, target=case, field="created",
                 reason=_("opened the psychology case"))
    if risk in ALERT_RISKS:
        _alert_case(case, actor=actor)
    return case


def _load_case(actor, case: PsychCase) -> PsychCase:
    case = access.get_visible_or_404(access.visible_psych_cases(actor).select_for_update(of=("self",)), pk=case.pk)
    if not is_psych_teacher(actor, case.school):
        raise PermissionDenied(_("Only the school's psychology teachers keep psychology records."))
    return case


@transaction.atomic
def follow_up_case(case: PsychCase, *, actor, note: str, risk: str, next_follow_up: date | None = None,
                   safety_plan: str = "", referral: str = "", referred_on: date | None = None,
                   guardian_consent: bool | None = None) -> PsychFollowUp:
    case = _load_case(actor, case)
    if case.status == PsychCase.Status.CLOSED:
        raise ActionError(_("The case is closed."))
    risk = _choice(risk, PsychCase.Risk, "risk")
    before = case.risk
    entry = PsychFollowUp.objects.create(case=case, by=actor, note=_text(note, "note"), risk=risk)
    case.risk, case.next_follow_up = risk, next_follow_up
    if safety_plan.strip():
        case.safety_plan = _text(safety_plan, "safety_plan")
    if referral.strip():
        case.referral, case.referred_on = _text(referral, "referral", limit=200), referred_on or timezone.localdate()
    if guardian_consent is not None:
        case.guardian_consent = guardian_consent
    case.save()
    record_audit(actor=actor, action=AuditLog.Action.REVEAL, target=case, field="follow_up",
                 reason=_("recorded a follow-up"))
    order = list(PsychCase.Risk.values)
    if risk in ALERT_RISKS and order.index(risk) > order.index(before):
        _alert_case(case, actor=actor, escalated=True)
    return entry


@transaction.atomic
def close_case(case: PsychCase, *, actor, note: str) -> PsychCase:
    case = _load_case(actor, case)
    PsychFollowUp.objects.create(case=case, by=actor, note=_text(note, "note"), risk=case.risk)
    case.status, case.closed_at, case.next_follow_up = PsychCase.Status.CLOSED, timezone.now(), None
    case.save(update_fields=["status", "closed_at", "next_follow_up"])
    record_audit(actor=actor, action=AuditLog.Action.REVEAL, target=case, field="closed", reason=_("closed the case"))
    return case


def remind_due_follow_ups(now=None) -> int:
    """Once a day: open cases whose follow-up is due (or overdue) remind the teacher who opened
    them (or the psychology lead). Compare-and-set on reminded_on: never twice a day."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    due = PsychCase.objects.filter(status=PsychCase.Status.OPEN, next_follow_up__lte=today).exclude(
        reminded_on=today).select_related("school", "opened_by")
    sent = 0
    for case in due:
        claimed = PsychCase.objects.filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today),
                                           pk=case.pk).update(reminded_on=today)
        if not claimed:
            continue
        teacher = case.opened_by if case.opened_by.is_active and case.opened_by.school_id == case.school_id else (
            profile_of(case.school).psych_lead)
        notify([teacher], "campus.follow_up",
               _("Psychology case #%(number)s: a follow-up is due (%(day)s).") % {
                   "number": case.pk, "day": case.next_follow_up.strftime("%Y-%m-%d")},
               url=reverse("campus:psych_case", args=[case.pk]), obj=case)
        sent += 1
    return sent


# --- safety record -------------------------------------------------------------------------------------

ACCIDENT_KINDS = {Incident.Kind.ACCIDENT, Incident.Kind.INJURY, Incident.Kind.FIRE, Incident.Kind.FOOD}
CRIME_KINDS = {Incident.Kind.THEFT}


@transaction.atomic
def record_incident(school: School, *, actor, kind: str, severity: str, occurred_at: datetime,
                    description: str, place: str = "", safety_accident: bool | None = None,
                    crime_case: bool | None = None) -> Incident:
    require_school_staff(actor, school)
    kind = _choice(kind, Incident.Kind, "kind")
    severity = _choice(severity, Incident.Severity, "severity")
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ActionError(_("The date cannot be in the future."), extra={"field": "occurred_at"})
    if safety_accident is None:  # a non-minor accident, injury, fire or food poisoning counts
        safety_accident = kind in ACCIDENT_KINDS and severity != Incident.Severity.MINOR
    if crime_case is None:
        crime_case = kind in CRIME_KINDS and severity != Incident.Severity.MINOR
    return Incident.objects.create(
        school=school, kind=kind, severity=severity, occurred_at=occurred_at, place=_text(place, "place",
        required=False, limit=200), description=_text(description, "description"), safety_accident=safety_accident,
        crime_case=crime_case, recorded_by=actor,
    )
