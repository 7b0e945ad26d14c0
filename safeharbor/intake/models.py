"""Intake: what residents and channels add around a matter — the public board with
"me too", and the record of bulk imports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core.crypto import EncryptedTextField
from safeharbor.matters.models import Matter


class Publication(models.Model):
    """A matter a dispatcher put on the public board (公开栏), with personal data removed."""

    matter = models.OneToOneField(Matter, on_delete=models.CASCADE, related_name="publication")
    title = models.CharField(_("public title"), max_length=100)
    text = models.TextField(_("public text"))
    place = models.CharField(_("public place (road or compound)"), max_length=100)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    me_too_count = models.PositiveIntegerField(_("me too"), default=0)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("public board entry")
        verbose_name_plural = _("public board")

    def __str__(self) -> str:
        return self.title


class MeToo(models.Model):
    """A resident pressed 我也遇到. `client_key` (a keyed hash of the client and the day)
    lets one person count once without storing who they are; a phone number, if given,
    subscribes them to progress messages."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="me_toos")
    created_at = models.DateTimeField(default=timezone.now)
    client_key = models.CharField(max_length=64)
    phone = EncryptedTextField(_("phone for updates"), mask="phone")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "client_key"], name="one_me_too_per_client")
        ]
        verbose_name = _("me too")
        verbose_name_plural = _("me too")

    def __str__(self) -> str:
        return f"{self.publication_id} {self.created_at:%Y-%m-%d}"


class ImportBatch(models.Model):
    """One bulk import of historical matters (a 12345 export), with its report."""

    class Status(models.TextChoices):
        DONE = "done", _("imported")
        FAILED = "failed", _("rejected: nothing imported")

    file_name = models.CharField(_("file"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
