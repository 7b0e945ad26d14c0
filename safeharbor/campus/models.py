"""Campus safety (教育领域平安港湾): what a school adds to core.School.

Grades and classes, rooms of the student development and guidance centre and their
bookings, joint-meeting plans, hazards around the school (each handled as a Matter),
guard posts (护学岗) with their rosters and sign-ins, psychology work (monitors, lessons,
activities) and the restricted psychology cases, and the safety record (incidents).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core.crypto import EncryptedTextField
from safeharbor.core.models import School
from safeharbor.lib.masking import MASKERS


class CampusProfile(models.Model):
    """Who is who at a school, and where its main gate is."""

    school = models.OneToOneField(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="campus")
    safety_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("safety officer"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    psych_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("psychology lead"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # The one school leader (usually the principal) who may read individual psychology records.
    designated_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("designated school leader"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    gate_lat = models.FloatField(_("gate latitude"), null=True, blank=True)
    gate_lon = models.FloatField(_("gate longitude"), null=True, blank=True)
    # The safety record counts from here (the day the school's records start).
    records_since = models.DateField(_("safety records kept since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("campus profile")
        verbose_name_plural = _("campus profiles")

    def __str__(self) -> str:
        return str(self.school)


class Grade(models.Model):
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="grades")
    name = models.CharField(_("grade"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["school", "order"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="campus_grade_unique")]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("class"), max_length=40)
    student_count = models.PositiveSmallIntegerField(_("students"), default=0)
    head_teacher = models.CharField(_("head teacher"), max_length=40, blank=True)
    # 心理委员: a pupil, so the name is personal data of a minor.
    psych_monitor = EncryptedTextField(_("class psychology monitor"), mask="name")

    class Meta:
        ordering = ["grade__order", "name"]
        constraints = [models.UniqueConstraint(fields=["grade", "name"], name="campus_class_unique")]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return f"{self.grade.name}{self.name}"

    @property
    def school_id(self) -> int:
        return self.grade.school_id


class Room(models.Model):
    """A room of the student development and guidance centre (or any bookable room)."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("room"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)

    class Meta:
        ordering = ["school", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return self.name


class RoomBooking(models.Model):
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="bookings")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=200)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")

    def __str__(self) -> str:
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M}"


class MeetingPlan(models.Model):
    """The schedule of a school's joint meetings (school safety, school surroundings)."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="meeting_plans")
    kind = models.CharField(_("kind"), max_length=30, choices=[
        ("school_safety", _("school-safety joint meeting")),
        ("school_surroundings", _("school-surroundings joint meeting")),
    ])  # the values of matters.Meeting.Kind for schools
    every_months = models.PositiveSmallIntegerField(_("every (months)"), default=1)
    first_on = models.DateField(_("first meeting on"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "kind"], name="campus_plan_unique")]
        verbose_name = _("meeting plan")
        verbose_name_plural = _("meeting plans")

    def __str__(self) -> str:
        return f"{self.school} {self.kind}"


class Hazard(models.Model):
    """A hazard point around a school; handled as a Matter of the responsible unit."""

    class Kind(models.TextChoices):
        INTERNET_CAFE = "internet_cafe", _("black internet café")
        ILLEGAL_TAXI = "illegal_taxi", _("illegal taxi stand")
        VENDOR = "vendor", _("unlicensed vendor")
        FOOD_STALL = "food_stall", _("三无 food stall")
        TRAFFIC = "traffic", _("traffic danger")
        CONSTRUCTION = "construction", _("construction site")
        OTHER = "other", _("other hazard")

    class Via(models.TextChoices):
        STAFF = "staff", _("school staff")
        PATROL = "patrol", _("patrol")
        RESIDENT = "resident", _("resident report")

    class Status(models.TextChoices):
        OPEN = "open", _("being rectified")
        REINSPECT = "reinspect", _("waiting for re-inspection")
        RECTIFIED = "rectified", _("rectified")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="hazards")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("what is there"))
    address = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance to the school gate (m)"), null=True, blank=True)
    via = models.CharField(_("reported by"), max_length=10, choices=Via.choices, default=Via.STAFF)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    matter = models.OneToOneField(
        "matters.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="school_hazard"
    )
    recurrence_of = models.ForeignKey(
        "self", verbose_name=_("comes back after"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="recurrences",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    closed_at = models.DateTimeField(_("rectified at"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["school", "status"], name="campus_hazard_school_status")]
        verbose_name = _("hazard near a school")
        verbose_name_plural = _("hazards near schools")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.address}"

    @property
    def recurring(self) -> bool:
        return self.recurrence_of_id is not None


def hazard_photo_path(instance, filename):
    return f"campus/hazards/{timezone.now():%Y/%m}/{filename}"


class HazardPhoto(models.Model):
    class Stage(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    file = models.FileField(_("photo"), upload_to=hazard_photo_path)
    name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """复查: someone goes back and looks after the unit reported it done."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="inspections")
    at = models.DateTimeField(_("inspected at"), default=timezone.now)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("rectified"))
    note = models.TextField(_("what was found"))

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.at:%Y-%m-%d}"


def gate_token() -> str:
    """The gate QR code's secret: 22 URL-safe characters (fits the column on PostgreSQL too)."""
    return secrets.token_urlsafe(16)


class Gate(models.Model):
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="gates")
    name = models.CharField(_("gate"), max_length=60)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    # Printed as a QR code at the gate: volunteers open the sign-in page with it.
    token = models.CharField(max_length=32, unique=True, default=gate_token, editable=False)
    people_per_slot = models.PositiveSmallIntegerField(_("people needed per slot"), default=2)

    class Meta:
        ordering = ["school", "name"]
        verbose_name = _("gate")
        verbose_name_plural = _("gates")

    def __str__(self) -> str:
        return f"{self.school} {self.name}"


class Term(models.Model):
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("term"), max_length=60)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")

    def __str__(self) -> str:
        return self.name


class Guard(models.Model):
    """A person who stands guard: a traffic police officer or a parent volunteer."""

    class Kind(models.TextChoices):
        TRAFFIC_POLICE = "traffic_police", _("traffic police officer")
        PARENT = "parent", _("parent volunteer")
        TEACHER = "teacher", _("teacher on duty")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="guards")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = EncryptedTextField(_("name"), mask="name")
    phone = EncryptedTextField(_("mobile phone"), mask="phone")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("guard")
        verbose_name_plural = _("guards")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def masked_name(self) -> str:
        return MASKERS["name"](self.name)


class Slot(models.TextChoices):
    MORNING = "morning", _("morning arrival")
    NOON = "noon", _("noon")
    AFTERNOON = "afternoon", _("afternoon release")


SLOT_TIMES = {Slot.MORNING: ("07:20", "08:00"), Slot.NOON: ("11:50", "12:30"), Slot.AFTERNOON: ("17:20", "18:00")}


class GuardShift(models.Model):
    gate = models.ForeignKey(Gate, verbose_name=_("gate"), on_delete=models.CASCADE, related_name="shifts")
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField(_("date"))
    slot = models.CharField(_("time"), max_length=10, choices=Slot.choices)
    flagged_at = models.DateTimeField(_("flagged as uncovered"), null=True, blank=True)

    class Meta:
        ordering = ["date", "slot"]
        constraints = [models.UniqueConstraint(fields=["gate", "date", "slot"], name="campus_shift_unique")]
        verbose_name = _("guard shift")
        verbose_name_plural = _("guard shifts")

    def __str__(self) -> str:
        return f"{self.gate} {self.date} {self.get_slot_display()}"


class GuardDuty(models.Model):
    shift = models.ForeignKey(GuardShift, on_delete=models.CASCADE, related_name="duties")
    guard = models.ForeignKey(Guard, on_delete=models.CASCADE, related_name="duties")
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    sign_in_method = models.CharField(_("signed in by"), max_length=10, blank=True)  # qr, phone, staff

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shift", "guard"], name="campus_duty_unique")]

    def __str__(self) -> str:
        return f"{self.shift} #{self.guard_id}"


class PsychModule(models.TextChoices):
    """The six modules of psychology education in the seed."""

    SELF = "self", _("self-awareness")
    LEARNING = "learning", _("learning psychology")
    EMOTION = "emotion", _("emotion management")
    RELATIONS = "relations", _("interpersonal relations")
    ADAPTATION = "adaptation", _("social adaptation")
    LIFE = "life", _("life education")


class PsychLesson(models.Model):
    """One psychology lesson of a class (one a week is the rule)."""

    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.CASCADE,
                                     related_name="psych_lessons")
    held_on = models.DateField(_("held on"))
    week = models.DateField(_("week of"), editable=False)  # Monday of held_on's week
    module = models.CharField(_("module"), max_length=20, choices=PsychModule.choices)
    topic = models.CharField(_("topic"), max_length=200)
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["school_class", "week"], name="campus_lesson_week")]
        verbose_name = _("psychology lesson")
        verbose_name_plural = _("psychology lessons")

    def __str__(self) -> str:
        return f"{self.school_class_id} {self.held_on}"


class PsychActivity(models.Model):
    class Kind(models.TextChoices):
        FESTIVAL = "festival", _("mental-health festival")
        MODULE = "module", _("module activity")
        TRAINING = "training", _("teachers' training")
        PARENTS = "parents", _("parent guidance session")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE,
                               related_name="psych_activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    module = models.CharField(_("module"), max_length=20, choices=PsychModule.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("psychology activity")
        verbose_name_plural = _("psychology activities")

    def __str__(self) -> str:
        return self.title


class PsychCase(models.Model):
    """A counselling record or a crisis case of one pupil. The most restricted record of the
    platform: only the school's psychology teachers and its designated leader see it, every
    read is audited, and nothing about the pupil is stored in clear."""

    class Kind(models.TextChoices):
        COUNSELLING = "counselling", _("counselling")
        CRISIS = "crisis", _("crisis intervention")

    class Risk(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical")

    class Source(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        MONITOR = "monitor", _("class psychology monitor")
        PARENT = "parent", _("parent")
        SELF = "self", _("the pupil")
        SCREENING = "screening", _("screening questionnaire")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="psych_cases")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT,
                                     related_name="psych_cases")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    risk = models.CharField(_("risk grade"), max_length=10, choices=Risk.choices)
    source = models.CharField(_("screening source"), max_length=20, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    student_name = EncryptedTextField(_("pupil's name"), mask="name")
    concern = EncryptedTextField(_("what was noticed"), mask="name")
    safety_plan = EncryptedTextField(_("safety plan"), mask="name")
    guardian_name = EncryptedTextField(_("guardian"), mask="name")
    guardian_phone = EncryptedTextField(_("guardian's phone"), mask="phone")
    guardian_consent = models.BooleanField(_("guardian informed and consents"), default=False)
    referral = EncryptedTextField(_("referral (hospital, department)"), mask="name")
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)  # last follow-up reminder
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["school", "status", "risk"], name="campus_psych_school")]
        verbose_name = _("psychology case")
        verbose_name_plural = _("psychology cases")

    def __str__(self) -> str:
        return f"#{self.pk}"  # never the pupil's name: this string lands in audit entries


class PsychFollowUp(models.Model):
    case = models.ForeignKey(PsychCase, on_delete=models.CASCADE, related_name="follow_ups")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("note"), mask="name")
    risk = models.CharField(_("risk grade now"), max_length=10, choices=PsychCase.Risk.choices)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"#{self.case_id} {self.at:%Y-%m-%d}"


class Incident(models.Model):
    class Kind(models.TextChoices):
        ACCIDENT = "accident", _("accident")
        INJURY = "injury", _("injury")
        FIGHT = "fight", _("fight")
        BULLYING = "bullying", _("bullying")
        THEFT = "theft", _("theft")
        FOOD = "food", _("food safety")
        FIRE = "fire", _("fire")
        OTHER = "other", _("other incident")

    class Severity(models.TextChoices):
        MINOR = "minor", _("minor")
        GENERAL = "general", _("general")
        SERIOUS = "serious", _("serious")
        MAJOR = "major", _("major")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    # A safety accident (安全事故) breaks the "days without a safety accident" figure;
    # a crime case (刑事/治安案件) breaks "no crime case".
    safety_accident = models.BooleanField(_("counts as a campus safety accident"), default=False)
    crime_case = models.BooleanField(_("a criminal or public-order case"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["school", "occurred_at"], name="campus_incident_school")]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
