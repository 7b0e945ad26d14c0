"""Open311 GeoReport v2: API keys for client apps, attributes of service definitions and
the requests that came in through it."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core.crypto import EncryptedTextField
from safeharbor.core.models import Category
from safeharbor.matters.models import Matter


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """A client application's key. Only its hash is stored; it can be revoked."""

    name = models.CharField(_("client application"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ServiceAttribute(models.Model):
    """An extra question a category asks (Open311 service definition attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", "string"
        NUMBER = "number", "number"
        DATETIME = "datetime", "datetime"
        TEXT = "text", "text"
        SINGLEVALUELIST = "singlevaluelist", "singlevaluelist"
        MULTIVALUELIST = "multivaluelist", "multivaluelist"

    LIST_TYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.SlugField(_("code"), max_length=50)
    datatype = models.CharField(_("data type"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    # False: the attribute only shows information to the user (no input).
    variable = models.BooleanField(_("asks for input"), default=True)
    description = models.CharField(_("question"), max_length=200)
    datatype_description = models.CharField(_("hint for the answer"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    values = models.JSONField(_("choices"), default=list, blank=True)  # [{"key": ..., "name": ...}]

    class Meta:
        ordering = ["category", "order"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code")]
        verbose_name = _("Open311 attribute")
        verbose_name_plural = _("Open311 attributes")

    def __str__(self) -> str:
        return f"{self.category.code}/{self.code}"

    @property
    def is_list(self) -> bool:
        return self.datatype in self.LIST_TYPES

    def value_keys(self) -> set[str]:
        return {str(v.get("key")) for v in self.values or () if isinstance(v, dict)}


class Open311Request(models.Model):
    """How a matter came in through Open311: its token, client key and attributes.

    The reporter's name and phone go to the matter (encrypted there); the e-mail address,
    which the matter has no column for, is kept here, encrypted as well.
    """

    matter = models.OneToOneField(Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="open311")
    token = models.CharField(_("token"), max_length=40, unique=True)
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("client application"), null=True, on_delete=models.SET_NULL, related_name="requests"
    )
    attributes = models.JSONField(_("answers to the attributes"), default=dict, blank=True)
    device_id = models.CharField(_("device"), max_length=100, blank=True)
    account_id = models.CharField(_("account in the client application"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    address_id = models.CharField(_("address ID"), max_length=100, blank=True)
    email = EncryptedTextField(_("reporter's e-mail"), mask="name")

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return self.token
