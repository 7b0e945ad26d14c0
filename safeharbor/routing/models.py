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
