from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core.crypto import EncryptedTextField


class Notification(models.Model):
    """One in-platform message to one staff member (the bell)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    # What it is about, as "app_label.model:pk" (for de-duplication and links), optional.
    target = models.CharField(max_length=80, blank=True, db_index=True)
    # The same, split, so that the scope check is one query: "app_label.model" and the pk.
    target_label = models.CharField(max_length=60, blank=True, default="")
    target_pk = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["target_label", "target_pk"], name="notification_target"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """What a staff member also wants by email, and whether they want the daily digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_prefs")
    email_kinds = models.JSONField(_("also by email"), default=list, blank=True)
    daily_digest = models.BooleanField(_("daily digest of overdue matters"), default=False)
    last_digest_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class SmsTemplate(models.Model):
    """The text of one resident message, edited by administrators; the code has defaults."""

    kind = models.CharField(_("message"), max_length=30, unique=True)
    text = models.CharField(_("text"), max_length=200)
    active = models.BooleanField(_("send this message"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.kind


class OptOut(models.Model):
    """A phone number that asked for no more messages (by reply or on the web)."""

    class Via(models.TextChoices):
        REPLY = "reply", _("replied to a message")
        WEB = "web", _("on the web page")
        STAFF = "staff", _("recorded by staff")

    phone_index = models.CharField(max_length=64, unique=True)
    via = models.CharField(_("how"), max_length=10, choices=Via.choices)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self) -> str:
        return f"{self.via} {self.created_at:%Y-%m-%d}"


class OutboxMessage(models.Model):
    """One message to send (SMS to a resident, email to staff). Written in the transaction of
    the event that causes it; the worker sends it afterwards, claiming it first."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("email")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("message"), max_length=40)
    # Idempotence: one message per (cause, recipient); also the key the gateway dedupes on.
    key = models.CharField(max_length=120, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    phone = EncryptedTextField(_("phone"), mask="phone")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    matter = models.ForeignKey(
        "matters.Matter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    send_after = models.DateTimeField(_("not before"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    gateway = models.CharField(_("gateway"), max_length=40, blank=True)
    gateway_ref = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="outbox_due"),
            models.Index(fields=["phone_index", "sent_at"], name="outbox_phone_sent"),
            models.Index(fields=["status", "created_at"], name="outbox_status"),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} {self.status}"
