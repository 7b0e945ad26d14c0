"""Special rectification campaigns (专项整治): the roadmap (tasks that are matters), the
timetable (phases, deadlines), the responsibility system (owner units and persons),
progress dispatch (调度 reports on a cadence), bulletins (通报) and clues (线索)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core.crypto import EncryptedTextField
from safeharbor.core.models import Area, Unit

DEFAULT_PHASES = (
    ("动员部署", "Mobilization and deployment"),
    ("自查自纠", "Self-inspection and correction"),
    ("总结提升", "Summary and improvement"),
)


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+")
    participating_units = models.ManyToManyField(Unit, verbose_name=_("participating units"), related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"))
    goals = models.TextField(_("goals"))
    report_every_days = models.PositiveSmallIntegerField(_("progress report every (days)"), default=14)
    public_clues = models.BooleanField(_("accepts clues from the public"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name

    def report_due_dates(self) -> list:
        """The dates progress reports are due: every `report_every_days` from the start, and
        the last day of the campaign."""
        step = timedelta(days=max(self.report_every_days, 1))
        dates, day = [], self.start_date + step
        while day < self.end_date:
            dates.append(day)
            day += step
        dates.append(self.end_date)
        return dates

    def is_running(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.start_date <= today <= self.end_date


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("phase"), max_length=60)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "start_date", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.name


class CampaignTask(models.Model):
    """One line of the roadmap: owner unit, responsible person, deadline, milestones and a
    measurable target. Its handling (deadlines, extensions, supervision) is its matter's."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    phase = models.ForeignKey(Phase, verbose_name=_("phase"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner_unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+")
    responsible_person = models.CharField(_("responsible person"), max_length=60)
    start_date = models.DateField(_("starts on"))
    deadline = models.DateField(_("deadline"))
    milestones = models.TextField(_("milestones"), blank=True, help_text=_("One per line."))
    target = models.CharField(_("measurable target"), max_length=200)
    matter = models.OneToOneField("matters.Matter", on_delete=models.PROTECT, related_name="campaign_task")
    meeting = models.ForeignKey("matters.Meeting", verbose_name=_("decided at"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("campaign task")
        verbose_name_plural = _("campaign tasks")

    def __str__(self) -> str:
        return self.title

    def milestone_list(self) -> list[str]:
        return [line.strip() for line in self.milestones.splitlines() if line.strip()]


def report_file_path(instance, filename):
    return f"campaigns/{timezone.now():%Y/%m}/{filename}"


class ProgressReport(models.Model):
    """调度: what a participating unit did in one reporting period."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("filed at"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    highlights = models.TextField(_("highlights"), blank=True)
    results = models.TextField(_("results"), blank=True)
    figures = models.JSONField(_("results in numbers"), default=dict, blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    late = models.BooleanField(_("filed late"), default=False)

    class Meta:
        ordering = ["-due_date", "unit__sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "due_date"], name="one_report_per_period")]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.unit} {self.due_date:%Y-%m-%d}"


class TaskProgress(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="task_progress")
    task = models.ForeignKey(CampaignTask, on_delete=models.CASCADE, related_name="progress")
    percent = models.PositiveSmallIntegerField(_("percent done"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["task__deadline", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="one_progress_per_task_report")]

    def __str__(self) -> str:
        return f"{self.task} {self.percent}%"



class ReportAttachment(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=report_file_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name



class ReportChase(models.Model):
    """A missing report was chased (催报): once per unit and period."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="chases")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()
    chased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "due_date"], name="one_chase_per_period")]

    def __str__(self) -> str:
        return f"{self.unit} {self.due_date:%Y-%m-%d}"



class Bulletin(models.Model):
    """通报: a snapshot of the campaign's progress on one date, reviewed and published by the
    lead unit. `content` keeps the figures as they were, so the history does not change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="bulletins")
    number = models.PositiveSmallIntegerField(_("issue"))
    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(default=dict)
    remarks = models.TextField(_("remarks of the lead unit"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="bulletin_number_unique")]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self) -> str:
        return f"{self.campaign} #{self.number}"


class Clue(models.Model):
    """线索: a lead about the problems the campaign targets, verified and then turned into a
    matter of the responsible unit or closed with a reason."""

    class Channel(models.TextChoices):
        PUBLIC = "public", _("public clue page")
        HOTLINE = "hotline", _("hotline")
        WALK_IN = "walk_in", _("walk-in at a harbor")
        SURVEY = "survey", _("survey")
        INSPECTION = "inspection", _("inspection")
        INTAKE = "intake", _("a matter received through the intake channels")

    class Status(models.TextChoices):
        NEW = "new", _("to verify")
        MATTER = "matter", _("verified, handled as a matter")
        CLOSED = "closed", _("closed")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="clues")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PUBLIC)
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    check_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    text = models.TextField(_("what the clue is"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = EncryptedTextField(_("reporter's name"), mask="name")
    reporter_phone = EncryptedTextField(_("reporter's phone"), mask="phone")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    verification = models.TextField(_("verification"), blank=True)
    matter = models.OneToOneField("matters.Matter", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="clue")
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["campaign", "status"], name="clue_campaign_status")]
        verbose_name = _("clue")
        verbose_name_plural = _("clues")

    def __str__(self) -> str:
        return self.tracking_code


class CampaignMeeting(models.Model):
    """A dispatch meeting (调度会) of the campaign; the meeting itself is the matter engine's."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="meeting_links")
    meeting = models.OneToOneField("matters.Meeting", on_delete=models.CASCADE, related_name="campaign_link")

    class Meta:
        ordering = ["-meeting__held_at"]

    def __str__(self) -> str:
        return str(self.meeting)
