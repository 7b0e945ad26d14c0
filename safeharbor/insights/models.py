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


# "responded": matters with a valid follow-up that were accepted within the time limit (the
# numerator of the response rate, 响应率); "contacted": the reporter said at the follow-up
# that the unit contacted them (a figure of its own).
# Handling time histogram: one column per working day 0..HIST_DAYS (exact); matters that took
# longer are the difference between `resolved` and the sum of the columns, and the few of them
# are looked up directly when a 90th percentile falls among them (insights.rollups).
HIST_DAYS = 30
COUNTERS = ("received", "rejected", "accepted", "accepted_on_time", "resolved", "resolved_on_time",
            "followed_up", "contacted", "solved", "satisfied", "basic", "unsatisfied", "reopened", "supervised",
            "handling_days", "responded")
HIST = tuple(f"h{i}" for i in range(HIST_DAYS + 1))
DIMENSIONS = ("area_path", "category_id", "domain_id", "unit_id", "harbor_id", "source")


class Rollup(models.Model):
    """Aggregates of the matters *received* in one day, month or year, per area × category ×
    domain × unit × harbor × channel (merged duplicates left out). Day rows are recomputed from
    the matters when a matter of that day changes (insights.rollups); month and year rows are
    the sums of their days, kept in step by the same code. Plain ids, not foreign keys: a rollup
    never holds a record back from deletion; the rebuild command repairs everything."""

    class Grain(models.TextChoices):
        DAY = "d", _("day")
        MONTH = "m", _("month")
        YEAR = "y", _("year")
        # The same sums without harbor and channel (harbor_id NULL, source ""): several times
        # fewer rows, read whenever no harbor or channel is asked about.
        COARSE_DAY = "D", _("day, all harbors and channels")
        COARSE_MONTH = "M", _("month, all harbors and channels")
        COARSE_YEAR = "Y", _("year, all harbors and channels")

    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField(help_text="first day of the day, month or year")
    area_path = models.CharField(max_length=255)
    category_id = models.IntegerField(null=True)
    domain_id = models.IntegerField(null=True)
    unit_id = models.IntegerField(null=True)
    harbor_id = models.IntegerField(null=True)
    source = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["grain", "day"], name="rollup_grain_day")]
        verbose_name = _("figures rollup")
        verbose_name_plural = _("figures rollups")

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.area_path} {self.received}"

    def key(self) -> tuple:
        return tuple(getattr(self, name) for name in DIMENSIONS)


for _name in COUNTERS + HIST:
    Rollup.add_to_class(_name, models.IntegerField(default=0))


class RollupPending(models.Model):
    """A day whose matters changed since its rollup rows were computed. Written by the
    matter-event hook inside the transaction of the change; the token changes on every mark,
    so a refresh that read an older state leaves the day pending."""

    day = models.DateField(unique=True)
    token = models.CharField(max_length=32)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("day waiting for its figures")
        verbose_name_plural = _("days waiting for their figures")

    def __str__(self) -> str:
        return f"{self.day} ({self.marked_at:%Y-%m-%d %H:%M})"


class RollupState(models.Model):
    """One row (pk=1): every writer of the rollups locks it, so refreshes and rebuilds never
    interleave; remembers when the rollups were last brought up to date."""

    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refreshed {self.refreshed_at}, rebuilt {self.rebuilt_at}"
