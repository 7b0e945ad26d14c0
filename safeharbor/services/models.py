"""Convenience services (便民服务) and the five mass-organization ports (群团港): the service
catalogue and applications, job openings, safe families, events and training, hotline calls,
rotating duty, and the shared pool of aid resources with its beneficiaries."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core.crypto import EncryptedTextField
from safeharbor.core.models import Area, Category, Harbor, Port, Unit


class Service(models.Model):
    """One service a harbor (or one of its ports) offers to residents."""

    class Outcome(models.TextChoices):
        GENERAL = "general", _("general: a written result")
        CERTIFICATE = "certificate", _("certificate with a number")
        PLACEMENT = "placement", _("placement with an employer")
        TRAINING = "training", _("enrollment in a training")
        MEDIATION = "mediation", _("handed over to mediation")

    harbor = models.ForeignKey(Harbor, verbose_name=_("harbor"), on_delete=models.CASCADE, related_name="services")
    port = models.ForeignKey(
        Port, verbose_name=_("port"), null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    provider_unit = models.ForeignKey(
        Unit, verbose_name=_("provider unit"), on_delete=models.PROTECT, related_name="services"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("what it is"), blank=True)
    eligibility = models.TextField(_("who can apply"), blank=True)
    materials = models.JSONField(_("materials required"), default=list, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=5)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.GENERAL)
    online = models.BooleanField(_("can be applied for online"), default=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["harbor", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["harbor", "code"], name="service_unique_code_per_harbor")]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """A resident's application for a service, online or at the harbor desk. It is handled
    through a matter of the provider unit (deadlines, timeline, supervision)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")  # 已受理
        REVIEWING = "reviewing", _("under review")  # 审核中
        MATERIALS = "materials", _("materials missing")  # 待补正
        APPROVED = "approved", _("approved")  # 已通过
        REFUSED = "refused", _("refused")  # 不予办理
        DELIVERED = "delivered", _("delivered")  # 已办结

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        DESK = "desk", _("at the harbor desk")

    OPEN_STATUSES = ("received", "reviewing", "materials")

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT,
                                related_name="applications")
    harbor = models.ForeignKey(Harbor, verbose_name=_("harbor"), on_delete=models.PROTECT, related_name="+")
    port = models.ForeignKey(Port, verbose_name=_("port"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    provider_unit = models.ForeignKey(Unit, verbose_name=_("provider unit"), on_delete=models.PROTECT,
                                      related_name="+")
    matter = models.OneToOneField("matters.Matter", verbose_name=_("matter"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="service_application")
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    check_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)

    applicant_name = EncryptedTextField(_("applicant's name"), mask="name")
    applicant_phone = EncryptedTextField(_("applicant's phone"), mask="phone")
    applicant_id_number = EncryptedTextField(_("applicant's ID number"), mask="id_number")
    applicant_address = EncryptedTextField(_("applicant's address"), mask="address")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    details = models.TextField(_("what the applicant asks for"), blank=True)
    materials_received = models.JSONField(_("materials received"), default=list, blank=True)

    created_at = models.DateTimeField(_("applied at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(_("decide by"), null=True, blank=True)
    # 补正: while the applicant brings missing materials the time limit does not run.
    paused_at = models.DateTimeField(_("waiting for materials since"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(_("reasons of the decision"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True, db_index=True)
    certificate_valid_until = models.DateField(_("valid until"), null=True, blank=True)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    job_title = models.CharField(_("job"), max_length=100, blank=True)
    job = models.ForeignKey("JobOpening", verbose_name=_("job opening"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="placements")
    event = models.ForeignKey("Event", verbose_name=_("training"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="applications")
    handover_matter = models.ForeignKey("matters.Matter", verbose_name=_("mediation matter"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "harbor"], name="svc_app_status_harbor"),
            # the open queue and its counts: by status, in the order of the deadline
            models.Index(fields=["status", "due_at"], name="svc_app_status_due"),
        ]
        verbose_name = _("service application")
        verbose_name_plural = _("service applications")

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.service.name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def missing_materials(self) -> list[str]:
        got = set(self.materials_received or [])
        return [m for m in (self.service.materials or []) if m not in got]

    @property
    def is_overdue(self) -> bool:
        """Past the time limit; never while the clock is paused for missing materials."""
        return (self.is_open and self.paused_at is None and self.due_at is not None
                and self.due_at < timezone.now())


class ApplicationStep(models.Model):
    """The application's own timeline; `public` steps are shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    status = models.CharField(max_length=20, choices=Application.Status.choices)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    by_applicant = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class JobOpening(models.Model):
    """岗位信息: an employer's opening collected by a port or the HR bureau."""

    harbor = models.ForeignKey(Harbor, verbose_name=_("harbor"), on_delete=models.CASCADE, related_name="jobs")
    port = models.ForeignKey(Port, verbose_name=_("port"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="jobs")
    collected_by = models.ForeignKey(Unit, verbose_name=_("collected by"), on_delete=models.PROTECT,
                                     related_name="+")
    employer = models.CharField(_("employer"), max_length=100)
    title = models.CharField(_("job"), max_length=100)
    description = models.TextField(_("requirements and duties"), blank=True)
    positions = models.PositiveSmallIntegerField(_("positions"), default=1)
    salary = models.CharField(_("pay"), max_length=60, blank=True)
    place = models.CharField(_("place of work"), max_length=100, blank=True)
    contact = models.CharField(_("employer's contact"), max_length=100, blank=True)
    suits_difficulty = models.BooleanField(_("suits people with employment difficulty"), default=True)
    published = models.BooleanField(_("published to residents"), default=True)
    valid_until = models.DateField(_("open until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job opening")
        verbose_name_plural = _("job openings")

    def __str__(self) -> str:
        return f"{self.employer} · {self.title}"

    @property
    def filled(self) -> int:
        return self.placements.filter(status=Application.Status.DELIVERED).count()


class SafeFamilyCriterion(models.Model):
    """A criterion of the safe-family title (平安家庭), configurable per harbor."""

    harbor = models.ForeignKey(Harbor, on_delete=models.CASCADE, related_name="safe_family_criteria")
    text = models.CharField(_("criterion"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # A criterion some family was assessed against is retired, not deleted (the assessment keeps it).
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["harbor", "sort_order", "pk"]
        verbose_name = _("safe-family criterion")
        verbose_name_plural = _("safe-family criteria")

    def __str__(self) -> str:
        return self.text


class SafeFamily(models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("nominated")
        APPLIED = "applied", _("applied")
        AWARDED = "awarded", _("awarded")
        NOT_AWARDED = "not_awarded", _("not awarded")

    harbor = models.ForeignKey(Harbor, on_delete=models.CASCADE, related_name="safe_families")
    port = models.ForeignKey(Port, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    household = EncryptedTextField(_("head of household"), mask="name")
    address = EncryptedTextField(_("address"), mask="address")
    phone = EncryptedTextField(_("phone"), mask="phone")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED)
    nominated_by = models.CharField(_("nominated by"), max_length=100, blank=True)
    assessment = models.JSONField(_("assessment"), default=dict, blank=True)
    assessment_note = models.TextField(_("assessment note"), blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    valid_until = models.DateField(_("title valid until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        from safeharbor.lib.masking import mask_name

        return f"{mask_name(self.household)} ({self.get_status_display()})"


class Event(models.Model):
    """An activity or training (活动、培训) hosted by a harbor, a port or the duty rotation."""

    class Kind(models.TextChoices):
        SKILLS = "skills", _("skills training")
        LEGAL = "legal", _("legal lecture")
        VOLUNTEER = "volunteer", _("volunteer service")
        YOUTH = "youth", _("youth exchange")
        FIRST_AID = "first_aid", _("first-aid training")
        SCIENCE = "science", _("science-literacy activity")
        MENTAL = "mental", _("mental-health festival")
        EMPLOYMENT = "employment", _("employment guidance")
        STUDY = "study", _("study session")
        OTHER = "other", _("other activity")

    TRAINING_KINDS = ("skills", "first_aid", "employment")

    harbor = models.ForeignKey(Harbor, verbose_name=_("harbor"), on_delete=models.CASCADE, related_name="events")
    port = models.ForeignKey(Port, verbose_name=_("host port"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="events")
    by_rotation = models.BooleanField(_("hosted by the duty rotation"), default=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    trainers = models.CharField(_("trainers"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=30)
    is_training = models.BooleanField(_("training (certificates for completion)"), default=False)
    public = models.BooleanField(_("open for online sign-up"), default=True)
    checkin_token = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.checkin_token:
            self.checkin_token = secrets.token_urlsafe(16)
        super().save(*args, **kwargs)


class Enrollment(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        ONSITE = "onsite", _("on site")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="enrollments")
    name = EncryptedTextField(_("name"), mask="name")
    phone = EncryptedTextField(_("phone"), mask="phone")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    enrolled_at = models.DateTimeField(default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)

    class Meta:
        ordering = ["enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "phone_index"], condition=~models.Q(phone_index=""),
                                    name="enrollment_once_per_phone"),
        ]

    def __str__(self) -> str:
        from safeharbor.lib.masking import mask_name

        return f"{self.event_id}: {mask_name(self.name)}"


def event_photo_path(instance, filename: str) -> str:
    return f"services/events/{instance.event_id}/{secrets.token_hex(8)}-{filename[-60:]}"


class EventPhoto(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(upload_to=event_photo_path)
    caption = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.caption or self.file.name


class HotlineCall(models.Model):
    """A call to a port's rights hotline (维权专线); the call itself is a matter."""

    port = models.ForeignKey(Port, verbose_name=_("port"), on_delete=models.PROTECT, related_name="calls")
    matter = models.OneToOneField("matters.Matter", on_delete=models.CASCADE, related_name="hotline_call")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.port} {self.at:%Y-%m-%d %H:%M}"


class DutyRoster(models.Model):
    """A rota (轮值) among a harbor's ports over a period."""

    class Kind(models.TextChoices):
        DUTY = "duty", _("duty day")
        STUDY = "study", _("study session")
        TRAINING = "training", _("training")
        EMPLOYMENT = "employment", _("employment guidance")

    harbor = models.ForeignKey(Harbor, on_delete=models.CASCADE, related_name="rosters")
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    kinds = models.JSONField(_("what is rotated"), default=list)
    # {"<port id>": ["2027-01-05", ...]}: days an organization cannot take
    unavailable = models.JSONField(_("unavailable dates"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title


class DutySlot(models.Model):
    roster = models.ForeignKey(DutyRoster, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=DutyRoster.Kind.choices)
    port = models.ForeignKey(Port, verbose_name=_("organization on duty"), on_delete=models.PROTECT,
                             related_name="duty_slots")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "kind"]
        constraints = [models.UniqueConstraint(fields=["roster", "date", "kind"], name="duty_one_per_day_kind")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.kind} {self.port}"


class DutySwap(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    slot = models.ForeignKey(DutySlot, on_delete=models.CASCADE, related_name="swaps")
    with_slot = models.ForeignKey(DutySlot, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.slot} ⇄ {self.with_slot}"


class Beneficiary(models.Model):
    """A person helped by the ports, shared across the organizations of a harbor: matched
    by ID number (keyed hash), their consent governs what one organization sees of the others'."""

    harbor = models.ForeignKey(Harbor, on_delete=models.CASCADE, related_name="beneficiaries")
    name = EncryptedTextField(_("name"), mask="name")
    id_number = EncryptedTextField(_("ID number"), mask="id_number")
    id_index = models.CharField(max_length=64, db_index=True, editable=False)
    phone = EncryptedTextField(_("phone"), mask="phone")
    address = EncryptedTextField(_("address"), mask="address")
    registered_by = models.ForeignKey(Port, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    consent_share = models.BooleanField(_("consents to sharing among the organizations"), default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["harbor", "id_index"], name="beneficiary_once_per_harbor")]

    def __str__(self) -> str:
        from safeharbor.lib.masking import mask_name

        return mask_name(self.name)


class AidResource(models.Model):
    class Kind(models.TextChoices):
        FUNDS = "funds", _("funds")
        GOODS = "goods", _("goods")
        HOURS = "hours", _("volunteer hours")
        PLACES = "places", _("training places")

    harbor = models.ForeignKey(Harbor, on_delete=models.CASCADE, related_name="aid_resources")
    port = models.ForeignKey(Port, verbose_name=_("offered by"), on_delete=models.PROTECT, related_name="aid")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    unit_label = models.CharField(_("measured in"), max_length=20)
    quantity = models.DecimalField(_("amount offered"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["port", "name"]

    def __str__(self) -> str:
        return self.name


class AidAllocation(models.Model):
    resource = models.ForeignKey(AidResource, on_delete=models.PROTECT, related_name="allocations")
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="allocations")
    quantity = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    given_at = models.DateTimeField(default=timezone.now, db_index=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.resource} {self.quantity}"