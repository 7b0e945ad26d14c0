"""People's mediation (人民调解): committees with their members, dispute cases with parties,
risk assessment, sessions, agreements, follow-up visits and archiving.

A case is handled through the matter engine as well: every case has a matter (the one it was
registered from, or one made for it), whose deadline is the case's time limit, so that the
engine's sweep warns, supervises and escalates overdue cases like any other work order.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeharbor.core.crypto import EncryptedTextField
from safeharbor.core.models import Area, Harbor, Unit


class Committee(models.Model):
    """A people's mediation committee (人民调解委员会)."""

    class Level(models.TextChoices):
        COMMUNITY = "community", _("community (village) committee")
        SUBDISTRICT = "subdistrict", _("sub-district (town) committee")
        DISTRICT = "district", _("district committee")
        SPECIALISED = "specialised", _("specialised committee")

    LEVEL_ORDER = ("community", "subdistrict", "district")

    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    specialty = models.CharField(
        _("specialty"), max_length=60, blank=True, help_text=_("for specialised committees, e.g. traffic accidents")
    )
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="committees")
    unit = models.ForeignKey(
        Unit, verbose_name=_("guiding unit"), on_delete=models.PROTECT, related_name="committees",
    )
    # The prefix of the committee's case numbers: 乌达调字 → 乌达调字〔2026〕第023号.
    number_prefix = models.CharField(_("case number prefix"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["area__path", "level", "name"]
        verbose_name = _("mediation committee")
        verbose_name_plural = _("mediation committees")

    def __str__(self) -> str:
        return self.name

    @property
    def rank(self) -> int:
        """Community 0, sub-district 1, district 2; specialised committees count as district."""
        return self.LEVEL_ORDER.index(self.level) if self.level in self.LEVEL_ORDER else 2


class Member(models.Model):
    """A member of a committee; those with an account can be assigned as mediators."""

    class Position(models.TextChoices):
        DIRECTOR = "director", _("director")
        DEPUTY = "deputy", _("deputy director")
        MEMBER = "member", _("member")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mediation_memberships",
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.MEMBER)

    class Meta:
        ordering = ["committee", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], condition=Q(user__isnull=False),
                                    name="mediation_member_once")
        ]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self) -> str:
        return f"{self.committee} · {self.name}"


class TimeLimit(models.Model):
    """Working days a committee of each level has to mediate a case it accepted
    (editable in the admin; DEFAULT_LIMITS apply where no row exists)."""

    level = models.CharField(_("level"), max_length=20, choices=Committee.Level.choices, unique=True)
    workdays = models.PositiveSmallIntegerField(_("working days"))

    class Meta:
        verbose_name = _("mediation time limit")
        verbose_name_plural = _("mediation time limits")

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.workdays}"


class Case(models.Model):
    """A dispute case (纠纷案件)."""

    class Kind(models.TextChoices):
        NEIGHBOR = "neighbor", _("neighbours")  # 邻里
        FAMILY = "family", _("marriage and family")  # 婚姻家庭
        SUPPORT = "support", _("support, maintenance, inheritance")  # 赡养抚养继承
        LABOR = "labor", _("labour dispute")  # 劳动争议
        PROPERTY = "property", _("property management")  # 物业
        CONTRACT = "contract", _("contract")  # 合同
        DAMAGES = "damages", _("damages")  # 损害赔偿
        LAND = "land", _("land and housing")  # 土地/房屋
        OTHER = "other", _("other dispute")

    class Source(models.TextChoices):
        MATTER = "matter", _("from a matter")
        APPLICATION = "application", _("parties applied")  # 当事人申请
        INITIATIVE = "initiative", _("found by the committee")  # 主动调解（排查）
        REFERRAL = "referral", _("referred by a unit")  # 委托移送（公安、法院）

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("mediation case", "registered")  # 登记, to be accepted
        ACCEPTED = "accepted", pgettext_lazy("mediation", "accepted")  # 受理, waiting for the first session
        MEDIATING = "mediating", _("being mediated")  # 调解中
        AGREED = "agreed", _("agreement reached")  # 调解成功, performance followed up
        FAILED = "failed", _("no agreement")  # 调解不成
        DECLINED = "declined", _("mediation declined")  # 不予受理/当事人不同意调解
        ARCHIVED = "archived", _("archived")  # 归档

    OPEN_STATUSES = ("registered", "accepted", "mediating")

    class Risk(models.TextChoices):
        LOW = "low", _("low risk")
        MEDIUM = "medium", _("medium risk")
        HIGH = "high", _("high risk")

    class Guidance(models.TextChoices):
        LITIGATION = "litigation", _("litigation in court")  # 诉讼
        ARBITRATION = "arbitration", _("arbitration")  # 仲裁（劳动人事争议仲裁）
        ADMINISTRATIVE = "administrative", _("administrative channels")  # 行政处理/复议
        LEGAL_AID = "legal_aid", _("legal aid")  # 法律援助
        OTHER = "other", _("other channel")

    class Performance(models.TextChoices):
        PENDING = "", _("not followed up yet")
        PERFORMED = "performed", _("performed")  # 已履行
        PARTLY = "partly", _("partly performed")  # 部分履行
        NOT_PERFORMED = "not_performed", _("not performed")  # 未履行

    class Confirmation(models.TextChoices):
        NONE = "", _("not applied")
        APPLIED = "applied", _("applied to the court")
        CONFIRMED = "confirmed", _("confirmed by the court")
        REJECTED = "rejected", _("not confirmed")

    matter = models.OneToOneField(
        "matters.Matter", verbose_name=_("matter"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="mediation_case",
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases",
    )
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("mediators"), blank=True, related_name="mediation_cases"
    )
    joint_units = models.ManyToManyField(
        Unit, verbose_name=_("joint mediation units"), blank=True, related_name="joint_mediation_cases"
    )
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="mediation_cases")
    harbor = models.ForeignKey(
        Harbor, verbose_name=_("harbor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mediation_cases",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.APPLICATION)
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("facts of the dispute"))
    claims = models.TextField(_("disputed items and requests"), blank=True)
    amount = models.DecimalField(_("amount in dispute (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)

    risk_level = models.CharField(_("risk level"), max_length=10, choices=Risk.choices, default=Risk.LOW)
    risk_violence = models.BooleanField(_("may turn violent or criminal"), default=False)  # 民转刑
    risk_group = models.BooleanField(_("group dispute"), default=False)  # 群体性
    risk_vulnerable = models.BooleanField(_("minors or vulnerable people involved"), default=False)
    risk_note = models.TextField(_("risk assessment"), blank=True)
    risk_assessed_at = models.DateTimeField(_("risk assessed at"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("mediate by"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    decline_reason = models.TextField(_("why mediation was declined"), blank=True)
    failure_reason = models.TextField(_("why no agreement was reached"), blank=True)
    guidance = models.CharField(_("guided to"), max_length=20, choices=Guidance.choices, blank=True)
    guidance_note = models.TextField(_("guidance given"), blank=True)

    performance = models.CharField(
        _("performance"), max_length=20, choices=Performance.choices, blank=True, default=""
    )
    confirmation = models.CharField(
        _("judicial confirmation"), max_length=20, choices=Confirmation.choices, blank=True, default=""
    )
    confirmation_court = models.CharField(_("court"), max_length=100, blank=True)
    confirmation_applied_on = models.DateField(_("applied on"), null=True, blank=True)
    confirmation_decided_on = models.DateField(_("decided on"), null=True, blank=True)

    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    number_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    number = models.CharField(_("case number"), max_length=60, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number_year", "number_seq"],
                                    condition=Q(number_seq__isnull=False), name="mediation_case_number_once"),
        ]
        indexes = [
            models.Index(fields=["status", "risk_level"], name="mediation_status_risk"),
            models.Index(fields=["committee", "status"], name="mediation_committee_status"),
        ]
        verbose_name = _("dispute case")
        verbose_name_plural = _("dispute cases")

    def __str__(self) -> str:
        return self.number or self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_at and self.due_at < timezone.now())

    @property
    def risk_flags(self) -> list[str]:
        names = [("risk_violence", _("may turn violent or criminal")), ("risk_group", _("group dispute")),
                 ("risk_vulnerable", _("minors or vulnerable people involved"))]
        return [str(label) for field, label in names if getattr(self, field)]


class Party(models.Model):
    """A party to a dispute: a person or an organization. Personal data encrypted at rest."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANIZATION = "organization", _("organization")

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("applicant")  # 申请人
        RESPONDENT = "respondent", _("respondent")  # 被申请人
        THIRD = "third", _("third party")

    class Consent(models.TextChoices):
        PENDING = "", _("not asked yet")
        AGREES = "agrees", _("agrees to mediation")
        DECLINES = "declines", _("declines mediation")

    class Gender(models.TextChoices):
        UNKNOWN = "", _("not given")
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(_("role in the dispute"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    name = EncryptedTextField(_("name"), mask="name")
    id_number = EncryptedTextField(_("ID number or credit code"), mask="id_number")
    phone = EncryptedTextField(_("phone"), mask="phone")
    address = EncryptedTextField(_("address"), mask="address")
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default="")
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    consent = models.CharField(_("consent"), max_length=20, choices=Consent.choices, blank=True, default="")
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        from safeharbor.core.models import masked

        return f"{self.get_role_display()} {masked(self, 'name')}"


class Session(models.Model):
    """One mediation session (调解记录)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.TextField(_("participants"))
    record = models.TextField(_("record"))
    joint_units = models.ManyToManyField(Unit, verbose_name=_("joint mediation units"), blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["held_at", "pk"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self) -> str:
        return f"{self.case} {self.held_at:%Y-%m-%d}"


class Agreement(models.Model):
    """The mediation agreement (调解协议书), written or oral."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("written agreement")
        ORAL = "oral", _("oral agreement")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agreement")
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.WRITTEN)
    parties = models.ManyToManyField(Party, verbose_name=_("parties bound by it"), related_name="agreements")
    facts = models.TextField(_("main facts and disputed items"))
    responsibilities = models.TextField(_("responsibilities"))
    content = models.TextField(_("agreed content"))
    performance_method = models.TextField(_("way of performance"))
    performance_deadline = models.DateField(_("performance deadline"))
    signed_on = models.DateField(_("concluded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set once by the periodic reminder (compare-and-set), so the mediators hear of a
    # follow-up that is due once per agreement, however many workers run.
    follow_up_reminded_at = models.DateTimeField(_("follow-up reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")

    def __str__(self) -> str:
        return f"{self.case} {self.get_form_display()}"


class Visit(models.Model):
    """A follow-up visit (回访) on how the agreement is performed."""

    class NextStep(models.TextChoices):
        NONE = "", _("nothing more")
        REOPEN = "reopen", _("mediate again")
        GUIDE = "guide", _("guide to other channels")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    result = models.CharField(_("performance"), max_length=20, choices=Case.Performance.choices)
    note = models.TextField(_("what was found"))
    next_step = models.CharField(_("next step"), max_length=10, choices=NextStep.choices, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["visited_on", "pk"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")

    def __str__(self) -> str:
        return f"{self.case} {self.visited_on}"


class CaseEvent(models.Model):
    """The case's timeline: who did what, when."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("registered")
        PARTY_ADDED = "party_added", _("party added")
        RISK = "risk", _("risk assessed")
        ACCEPTED = "accepted", pgettext_lazy("mediation", "accepted")
        CONSENT = "consent", _("consent recorded")
        DECLINED = "declined", _("mediation declined")
        JOINT = "joint", _("unit invited to joint mediation")
        SESSION = "session", _("session held")
        AGREED = "agreed", _("agreement reached")
        FAILED = "failed", _("no agreement")
        ESCALATED = "escalated", _("escalated")
        CONFIRMATION = "confirmation", _("judicial confirmation")
        VISIT = "visit", _("follow-up visit")
        REMINDED = "reminded", _("follow-up reminder sent")
        REOPENED = "reopened", _("mediated again")
        ARCHIVED = "archived", _("archived")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"
