"""Configuration of the figures: the weights of the composite index of the rankings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RankingWeights(models.Model):
    """One row (pk=1): composite = response × w1 + resolution × w2 + satisfaction × w3.

    The default is the weighting of Beijing's 接诉即办 (0.1, 0.5, 0.4); the weights add up to 1."""

    response = models.FloatField(_("weight of the response rate"), default=0.1,
                                 validators=[MinValueValidator(0), MaxValueValidator(1)])
    resolution = models.FloatField(_("weight of the resolution rate"), default=0.5,
                                   validators=[MinValueValidator(0), MaxValueValidator(1)])
    satisfaction = models.FloatField(_("weight of the satisfaction rate"), default=0.4,
                                     validators=[MinValueValidator(0), MaxValueValidator(1)])
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ranking weights")
        verbose_name_plural = _("ranking weights")

    def __str__(self) -> str:
        return f"{self.response:g} / {self.resolution:g} / {self.satisfaction:g}"
