"""Versioned classifier artifacts: one row per trained model, its file in HOME/models/."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClassifierModel(models.Model):
    """A trained category classifier.

    `path` is relative to the data directory (HOME), so a moved installation keeps its
    models. `metrics` holds the held-out figures computed at training time:
    {"heldout": {"n", "top1", "top3", "macro_f1", "per_category": {code: {"precision",
    "recall", "support"}}, "confusions": [{"true", "predicted", "count"}]}, "n_seed",
    "n_matters", "seconds"}. At most one row is active.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    path = models.CharField(_("file"), max_length=255)
    n_samples = models.PositiveIntegerField(_("training samples"), default=0)
    n_categories = models.PositiveIntegerField(_("categories"), default=0)
    metrics = models.JSONField(_("held-out metrics"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("classifier model")
        verbose_name_plural = _("classifier models")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="one_active_classifier"),
        ]

    def __str__(self) -> str:
        return f"classifier v{self.version}"

    @property
    def file(self) -> Path:
        return Path(settings.HOME) / self.path


class MatterSuggestion(models.Model):
    """What the classifier suggested for a matter when it arrived (or when a dispatcher first
    looked at it): the category, the unit (an area rule's or the category's default), the
    confidence and the alternatives [{"category": code, "confidence"}], and what became of it."""

    class Outcome(models.TextChoices):
        PENDING = "", _("not decided yet")
        ACCEPTED = "accepted", _("accepted")
        CORRECTED = "corrected", _("corrected")
        AUTO = "auto", _("auto-dispatched")

    matter = models.OneToOneField("matters.Matter", verbose_name=_("matter"), on_delete=models.CASCADE,
                                  related_name="routing_suggestion")
    category = models.ForeignKey("core.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    confidence = models.FloatField(_("confidence"), default=0.0)
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    model_version = models.PositiveIntegerField(_("model version"), null=True, blank=True)
    created_at = models.DateTimeField(_("suggested at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default="", blank=True)

    class Meta:
        verbose_name = _("routing suggestion")
        verbose_name_plural = _("routing suggestions")

    def __str__(self) -> str:
        return f"{self.matter_id}: {self.category_id} ({self.confidence:.2f})"

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


class RoutingRule(models.Model):
    """An administrator's rule: matters of `category` in `area` (and below) go to `unit`.
    The most specific area wins; without a rule the category's default unit does."""

    category = models.ForeignKey("core.Category", verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="routing_rules")
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="routing_rules")
    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["category__code", "area__path"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [models.UniqueConstraint(fields=["category", "area"], name="one_rule_per_category_area")]

    def __str__(self) -> str:
        return f"{self.category_id}@{self.area_id} → {self.unit_id}"


class AutoDispatch(models.Model):
    """Per category: a new matter whose suggestion is this category with at least
    `threshold` confidence is dispatched without a dispatcher. No row: off."""

    category = models.OneToOneField("core.Category", verbose_name=_("category"), on_delete=models.CASCADE,
                                    related_name="auto_dispatch")
    threshold = models.FloatField(_("confidence threshold"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["category__code"]
        verbose_name = _("auto-dispatch threshold")
        verbose_name_plural = _("auto-dispatch thresholds")

    def __str__(self) -> str:
        return f"{self.category_id} ≥ {self.threshold}"


class MatterFingerprint(models.Model):
    """What the duplicate search needs of a matter, computed once on arrival: the
    classifier's view of its topic (the top categories and their probabilities,
    {code: weight}, unit length; empty when only keyword rules were available)."""

    matter = models.OneToOneField("matters.Matter", on_delete=models.CASCADE, primary_key=True,
                                  related_name="routing_fingerprint")
    topic = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("duplicate fingerprint")
        verbose_name_plural = _("duplicate fingerprints")

    def __str__(self) -> str:
        return f"{self.matter_id}: {self.topic}"


class DuplicateKey(models.Model):
    """The index of the duplicate search: a matter is filed under (where × what) keys —
    its ~1 km cell, its grid, the places it names, each combined with its likely
    categories — with its time. A search reads the few keys of the new matter within the
    time window through the (key, at) index: never a scan of all matters."""

    matter = models.ForeignKey("matters.Matter", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="routing_dupkey_key_at")]
        verbose_name = _("duplicate search key")
        verbose_name_plural = _("duplicate search keys")

    def __str__(self) -> str:
        return f"{self.matter_id}: {self.key}"
