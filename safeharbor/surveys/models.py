"""Anonymous questionnaires (无记名问卷调查).

Anonymity by construction: a `Response` row holds the answers, the version they answered
and the day (a date, not a time) — nothing else. It has a random UUID key (no insertion
order to line up with anything), no user, no IP address, no user agent, no timestamp, no
invitation code and no cookie value. An `Invitation` is a separate row that only records
*that* its code was used (a boolean, no time, no reference to the response); see
`actions.submit_response` for the mechanism.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core.crypto import EncryptedTextField
from safeharbor.core.models import Area, Unit

DEFAULT_MIN_GROUP = 5


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("closed")

    class Access(models.TextChoices):
        OPEN = "open", _("open link (anyone with the link or QR code)")
        INVITATION = "invitation", _("invitation codes only (one response per code)")

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction for respondents"), blank=True)
    owner_unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="surveys")
    area = models.ForeignKey(Area, verbose_name=_("area surveyed"), on_delete=models.PROTECT, related_name="surveys")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    access = models.CharField(_("distribution"), max_length=20, choices=Access.choices, default=Access.OPEN)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    min_group_size = models.PositiveSmallIntegerField(_("smallest group shown"), default=DEFAULT_MIN_GROUP)
    # The public address: /q/<token>/ (unguessable, so a draft cannot be found by counting).
    token = models.CharField(max_length=32, unique=True, editable=False)
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("repeat of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title

    def current_version(self) -> "Version | None":
        return self.versions.order_by("-number").first()

    def is_answerable(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class Version(models.Model):
    """The questions as respondents saw them. A version that has responses is never changed:
    editing the questionnaire then starts the next version."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique")]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class Section(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("section title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        RATING = "rating", _("rating scale")
        MATRIX = "matrix", _("matrix (rows × scale)")
        TEXT = "text", _("free text")

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    # Stable across versions and repeats (q1, q2, ...): trends compare questions by key.
    key = models.SlugField(_("key"), max_length=20)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(_("options"), default=list, blank=True)  # choices; matrix: the scale columns
    rows = models.JSONField(_("matrix rows"), default=list, blank=True)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    low_label = models.CharField(_("label of the lowest point"), max_length=40, blank=True)
    high_label = models.CharField(_("label of the highest point"), max_length=40, blank=True)
    # Simple skip logic (single choice): answering option `skip_option` (1-based) jumps to
    # the question `skip_to` (a key of the same version) or to the end ("end").
    skip_option = models.PositiveSmallIntegerField(null=True, blank=True)
    skip_to = models.CharField(max_length=20, blank=True)
    # Ranking of "the problems most complained about": choices picked (all but neutral
    # ones), the matrix columns listed here (default the last), or the bottom of a rating.
    ranks_problems = models.BooleanField(_("counts in the ranking of complaints"), default=False)
    complaint_options = models.CharField(_("complaint options"), max_length=60, blank=True)

    class Meta:
        ordering = ["version", "section__position", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="survey_question_key_unique")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    def scale(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class Response(models.Model):
    """One anonymous response. See the module docstring: nothing here identifies anyone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="responses")
    submitted_on = models.DateField(_("day"))
    answers = models.JSONField(default=dict)

    class Meta:
        # Never ordered by anything that follows arrival: the key is random.
        ordering = ["submitted_on", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.submitted_on:%Y-%m-%d}"


class AnswerValue(models.Model):
    """One value of one response, so that the results are counted in the database (GROUP BY)
    rather than by reading every response: a single choice or a rating (row 0), each option
    picked in a multiple choice, each cell of a matrix (its row number and column), or a
    free-text answer (value empty; the text stays in the response). Like the response it
    belongs to, it holds nothing that identifies anyone, and its key is random too (no
    insertion order that would tell the order responses arrived in)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="values")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="+")  # the response's, for counting
    key = models.SlugField(max_length=20)
    row = models.PositiveSmallIntegerField(default=0)
    value = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["version", "key", "row", "value"], name="survey_answer_count"),
            models.Index(fields=["response", "key", "value"], name="survey_answer_pairs"),  # cross-tabs
        ]

    def __str__(self) -> str:
        return f"{self.key}[{self.row}]={self.value}"


class TextTerm(models.Model):
    """A word (or two-word phrase) of a free-text answer, once per answer, so that the themes
    are counted in the database. Derived from the response's own text; nothing more."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="terms")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=20)
    phrase = models.BooleanField(default=False)
    term = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["version", "key", "phrase", "term"], name="survey_text_term")]

    def __str__(self) -> str:
        return self.term


class InvitationBatch(models.Model):
    """One-time codes for a closed population (e.g. the transport companies of a district)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="batches")
    label = models.CharField(_("who receives them"), max_length=200)
    size = models.PositiveIntegerField(_("number of codes"))
    # The codes in clear, encrypted at rest, only to print the slips again. The Invitation
    # rows hold a keyed hash of each code, never the code.
    codes = EncryptedTextField(_("codes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.label

    def code_list(self) -> list[str]:
        return [c for c in (self.codes or "").split() if c]


class Invitation(models.Model):
    """A code's redemption: `used` flips to True, and that is all that is recorded — no
    time, no response id, no client data. Which response it produced is never stored."""

    batch = models.ForeignKey(InvitationBatch, on_delete=models.CASCADE, related_name="invitations")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.batch} #{self.pk}"


class Finding(models.Model):
    """A result turned into a matter (or a campaign clue) for a unit to handle."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="findings")
    summary = models.CharField(_("finding"), max_length=200)
    matter = models.ForeignKey("matters.Matter", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.summary
