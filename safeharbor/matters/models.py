"""The one work-order engine: matters, their events, deadlines, supervision, meetings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeharbor.core.crypto import EncryptedTextField
from safeharbor.core.models import Area, Category, Domain, Harbor, Unit


class Urgency(models.TextChoices):
    URGENT = "urgent", _("urgent")  # 紧急: hours, around the clock
    UTILITY = "utility", _("water, power, gas, heating")  # 水电气暖: 24 hours
    NORMAL = "normal", _("general")  # 一般: the category's working days
    COMPLEX = "complex", _("complex")  # 复杂: 15 working days


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    WORKDAYS = "workdays", _("working days")


class DeadlinePolicy(models.Model):
    """Time limits per urgency. For `normal` urgency a matter's category limits win."""

    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, unique=True)
    accept_amount = models.PositiveSmallIntegerField(_("time to accept"))
    accept_unit = models.CharField(_("unit"), max_length=10, choices=LimitUnit.choices)
    resolve_amount = models.PositiveSmallIntegerField(_("time to resolve"))
    resolve_unit = models.CharField(_("unit"), max_length=10, choices=LimitUnit.choices)
    return_amount = models.PositiveSmallIntegerField(_("time to return a misrouted matter"))
    return_unit = models.CharField(_("unit"), max_length=10, choices=LimitUnit.choices)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return self.get_urgency_display()


class MatterQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Matter.OPEN_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def near_deadline(self, now=None, hours: int = 24):
        now = now or timezone.now()
        return self.open().filter(due_at__gte=now, due_at__lt=now + timezone.timedelta(hours=hours))


OPEN = ["received", "dispatched", "accepted", "in_progress", "returned", "reopened"]


class Matter(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")  # 受理, waiting for dispatch
        DISPATCHED = "dispatched", _("dispatched")  # 已分拨, waiting for the unit to accept
        ACCEPTED = "accepted", _("accepted")  # 已签收
        IN_PROGRESS = "in_progress", _("in progress")  # 办理中
        RETURNED = "returned", _("returned")  # 已退单, waiting for re-dispatch
        RESOLVED = "resolved", _("resolved")  # 已办结, waiting for follow-up
        REOPENED = "reopened", _("reopened")  # 重办, back with the unit, to accept again
        CLOSED = "closed", _("closed")  # 已归档
        MERGED = "merged", _("merged")  # 重复件, merged into another
        REJECTED = "rejected", _("rejected")  # 不予受理

    OPEN_STATUSES = tuple(OPEN)
    WITH_UNIT_STATUSES = ("dispatched", "accepted", "in_progress", "reopened")

    class Source(models.TextChoices):
        WEB = "web", _("resident web form")
        QR = "qr", _("harbor QR code")
        HOTLINE = "hotline", pgettext_lazy("matter source", "hotline")
        PATROL = "patrol", _("grid patrol")
        WALK_IN = "walk_in", _("walk-in at a harbor")
        OPEN311 = "open311", _("Open311")
        IMPORT = "import", _("import")
        MEETING = "meeting", _("meeting decision")
        CAMPAIGN = "campaign", _("campaign task")
        HAZARD = "hazard", _("hazard near a school")
        CLUE = "clue", _("clue")
        STAFF = "staff", _("registered by staff")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")  # 满意
        BASIC = "basic", _("basically satisfied")  # 基本满意
        UNSATISFIED = "unsatisfied", _("not satisfied")  # 不满意

    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    check_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.STAFF)
    title = models.CharField(_("summary"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    # The foreign keys' indexes are in Meta.indexes: partial (most new matters have no unit,
    # handler, harbor... yet) or led by the key. Each index is one more B-tree that every new
    # matter writes while the other writers wait.
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="matters",
        db_index=False,
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), null=True, blank=True, on_delete=models.PROTECT, related_name="matters",
        db_index=False,
    )
    # No index of its own: every read goes by area_path ("everything under X").
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="matters",
                             db_index=False)
    # Copy of area.path: "everything under X" without a join (kept by actions.py).
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    harbor = models.ForeignKey(
        Harbor, verbose_name=_("harbor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="matters",
        db_index=False,
    )
    address = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)

    anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = EncryptedTextField(_("reporter's name"), mask="name")
    reporter_phone = EncryptedTextField(_("reporter's phone"), mask="phone")
    reporter_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="matters", db_index=False,
    )
    co_units = models.ManyToManyField(Unit, verbose_name=_("co-units"), blank=True, related_name="co_matters")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_matters", db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="registered_matters", db_index=False,
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="duplicates", db_index=False,
    )

    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    return_due_at = models.DateTimeField(_("return allowed until"), null=True, blank=True)
    # The deadline running now (accept_due_at while with the unit unaccepted, then
    # resolve_due_at); NULL when nothing is running. The sweep reads only this column.
    due_at = models.DateTimeField(_("current deadline"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn from"), null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    auto_supervised_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_to = models.ForeignKey(
        Area, verbose_name=_("escalated to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    accept_late = models.BooleanField(_("accepted late"), default=False)
    resolve_late = models.BooleanField(_("resolved late"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    supervised = models.BooleanField(_("under supervision"), default=False)

    result = models.TextField(_("result"), blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    # The reporter added information on the tracking page that the handler has not read yet.
    new_info_at = models.DateTimeField(_("new information from the reporter"), null=True, blank=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        indexes = [
            models.Index(fields=["status", "area_path"], name="matter_status_area"),
            # The open matters received in a period (dashboards' "still open / overdue now"):
            # a few seeks per status instead of every matter of the period.
            models.Index(fields=["status", "created_at"], name="matter_status_created"),
            # Partial on "is set": a query for a given unit, handler... implies it (SQLite and
            # PostgreSQL both see that), and the matters without one are not written into them.
            models.Index(fields=["unit", "status"], name="matter_unit_status", condition=Q(unit__isnull=False)),
            models.Index(fields=["assignee", "status"], name="matter_assignee_status",
                         condition=Q(assignee__isnull=False)),
            models.Index(fields=["category"], name="matter_category", condition=Q(category__isnull=False)),
            models.Index(fields=["domain"], name="matter_domain", condition=Q(domain__isnull=False)),
            models.Index(fields=["harbor"], name="matter_harbor", condition=Q(harbor__isnull=False)),
            models.Index(fields=["created_by"], name="matter_created_by", condition=Q(created_by__isnull=False)),
            models.Index(fields=["merged_into"], name="matter_merged_into", condition=Q(merged_into__isnull=False)),
            # Partial on "has a deadline" (only open matters have one), not on the status list:
            # SQLite cannot use a partial index whose condition Django sends as parameters.
            models.Index(fields=["due_at"], name="matter_open_due", condition=Q(due_at__isnull=False)),
            models.Index(fields=["warn_at"], name="matter_open_warn", condition=Q(warn_at__isnull=False)),
            models.Index(fields=["created_at"], name="matter_supervised", condition=Q(supervised=True)),
            models.Index(fields=["new_info_at"], name="matter_new_info", condition=Q(new_info_at__isnull=False)),
            models.Index(fields=["escalated_to", "status"], name="matter_escalated",
                         condition=Q(escalated_to__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.summary}"

    @property
    def summary(self) -> str:
        text = self.title or self.description
        return text if len(text) <= 40 else text[:40] + "…"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_at and self.due_at < timezone.now())


class MatterEvent(models.Model):
    """One entry of a matter's timeline: who did what, when, with which note."""

    class Action(models.TextChoices):
        CREATED = "created", _("registered")
        DISPATCHED = "dispatched", _("dispatched")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")
        ASSIGNED = "assigned", _("assigned")
        NOTE = "note", _("handling note")
        INFO_ADDED = "info_added", _("new information from the reporter")
        EXTENSION_REQUESTED = "extension_requested", _("extension requested")
        EXTENSION_APPROVED = "extension_approved", _("extension approved")
        EXTENSION_DENIED = "extension_denied", _("extension denied")
        RESOLVED = "resolved", _("resolved")
        FOLLOW_UP = "follow_up", _("follow-up")
        REOPENED = "reopened", _("reopened")
        CLOSED = "closed", _("closed")
        MERGED = "merged", _("merged")
        UNMERGED = "unmerged", _("merge undone")
        REJECTED = "rejected", _("rejected")
        RECATEGORIZED = "recategorized", _("category changed")
        SUPERVISED = "supervised", _("supervision order")
        SUPERVISION_REPLIED = "supervision_replied", _("reply to supervision")
        SUPERVISION_CLOSED = "supervision_closed", _("supervision closed")
        WARNED = "warned", _("deadline near")
        OVERDUE = "overdue", _("overdue")
        ESCALATED = "escalated", _("escalated")

    # Indexes in Meta: event_matter_at serves the matter's own; the others are partial.
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             db_index=False)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)  # before/after of changed fields
    public = models.BooleanField(_("shown to the reporter"), default=False)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["matter", "at"], name="event_matter_at"),
            models.Index(fields=["actor"], name="event_actor", condition=Q(actor__isnull=False)),
            models.Index(fields=["unit"], name="event_unit", condition=Q(unit__isnull=False)),
        ]
        verbose_name = _("matter event")
        verbose_name_plural = _("matter events")

    def __str__(self) -> str:
        return f"{self.matter_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    return f"matters/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(MatterEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    meeting = models.ForeignKey(
        "Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    public = models.BooleanField(_("shown to the reporter"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        DENIED = "denied", _("denied")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"))
    days = models.PositiveSmallIntegerField(_("extra working days"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"], condition=Q(status="requested"), name="one_pending_extension_per_matter"
            )
        ]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.matter_id} +{self.days} ({self.status})"


class FollowUp(models.Model):
    """回访: was the reporter contacted (响应), is it solved (解决), how satisfied."""

    class Channel(models.TextChoices):
        WEB = "web", _("tracking page")
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("visit")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="follow_ups")
    at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contacted = models.BooleanField(_("contacted by the handling unit"))
    solved = models.BooleanField(_("problem solved"))
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Matter.Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.matter_id} {self.satisfaction}"


class Supervision(models.Model):
    """督办: an order to a unit about one or more of its matters, with a reply date."""

    class Level(models.TextChoices):
        NORMAL = "normal", _("supervision")  # 一般督办
        KEY = "key", _("key supervision")  # 重点督办
        LISTED = "listed", _("listed supervision")  # 挂牌督办

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for reply")
        REPLIED = "replied", _("replied")
        CLOSED = "closed", pgettext_lazy("supervision order", "closed")

    class Origin(models.TextChoices):
        MANUAL = "manual", _("issued by a person")
        SWEEP = "sweep", _("overdue sweep")
        FOLLOW_UP = "follow_up", _("reporter still not satisfied")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.NORMAL)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="supervisions")
    matters = models.ManyToManyField(Matter, verbose_name=_("matters"), related_name="supervisions")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    reason = models.TextField(_("requirement"))
    reply_due = models.DateField(_("reply by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["unit", "status"], name="supervision_unit_status")]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")

    def __str__(self) -> str:
        return f"{self.get_level_display()} → {self.unit}"

    @property
    def reply_late(self) -> bool:
        today = timezone.localdate()
        if self.replied_at:
            return timezone.localtime(self.replied_at).date() > self.reply_due
        return today > self.reply_due


class Meeting(models.Model):
    """联席会议, 调度会: attending units, minutes, and decisions that become matters."""

    class Kind(models.TextChoices):
        JOINT = "joint", _("joint meeting")  # 联席会议
        SCHOOL_SAFETY = "school_safety", _("school-safety joint meeting")
        SCHOOL_SURROUNDINGS = "school_surroundings", _("school-surroundings joint meeting")
        DISPATCH = "dispatch", _("dispatch meeting")  # 调度会
        OTHER = "other", _("other meeting")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.JOINT)
    title = models.CharField(_("title"), max_length=200)
    organizer = models.ForeignKey(Unit, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="meetings")
    harbor = models.ForeignKey(
        Harbor, verbose_name=_("harbor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    attending_units = models.ManyToManyField(Unit, verbose_name=_("attending units"), related_name="meetings")
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A meeting decision; handled and supervised as a matter of its owner unit."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    owner_unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"))
    matter = models.OneToOneField(Matter, on_delete=models.PROTECT, related_name="decision")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:40]


class Commendation(models.Model):
    """锦旗, 感谢信: recognition for a unit or a person, counted in report cards."""

    class Kind(models.TextChoices):
        BANNER = "banner", _("silk banner")
        LETTER = "letter", _("thank-you letter")
        OTHER = "other", _("other praise")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="commendations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="commendations",
    )
    person_name = models.CharField(_("person named"), max_length=60, blank=True)
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="commendations",
    )
    giver = models.CharField(_("from"), max_length=100)
    text = models.TextField(_("words"), blank=True)
    received_on = models.DateField(_("received on"))
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_on"]
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}"


class PeriodicRun(models.Model):
    """When each periodic job last ran; claimed by compare-and-set so that two workers
    never run the same slot."""

    name = models.CharField(max_length=60, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
