"""The organization model: areas, domains, units, categories, harbors, ports, schools,
users with roles and memberships, and the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from safeharbor.core.crypto import EncryptedTextField, blind_index
from safeharbor.lib.masking import MASKERS


class BilingualName(models.Model):
    """Taxonomy rows keep their zh and en labels in the row (they are data, not code)."""

    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "zh-hans").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class Area(MP_Node):
    """District → sub-district/town → community/village → grid → compound.

    Materialized path: everything under an area is `path__startswith=area.path`, one
    indexed prefix query (see `subtree()`).
    """

    class Level(models.TextChoices):
        DISTRICT = "district", _("district")
        SUBDISTRICT = "subdistrict", _("sub-district")
        TOWN = "town", _("town")
        COMMUNITY = "community", _("community")
        VILLAGE = "village", _("village")
        GRID = "grid", _("grid")
        COMPOUND = "compound", _("residential compound")

    steplen = 3
    # No node_order_by: siblings keep insertion order, so existing paths never shift when
    # an area is added (matters keep a copy of their area's path).

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    geometry = models.JSONField(_("GeoJSON geometry"), null=True, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def subtree_of(cls, area: "Area"):
        return cls.objects.filter(path__startswith=area.path)

    def full_name(self) -> str:
        names = [a.name for a in Area.objects.get_ancestors(self)] + [self.name]
        return " / ".join(names[1:] if len(names) > 1 else names)

    def centroid(self) -> tuple[float, float] | None:
        """(lat, lon) of the geometry's vertices' mean; enough for a map marker."""
        geom = self.geometry or {}
        coords = geom.get("coordinates")
        if not coords:
            return None
        points: list = []

        def walk(node):
            if node and isinstance(node[0], (int, float)):
                points.append(node)
            else:
                for child in node:
                    walk(child)

        walk(coords)
        if not points:
            return None
        return (sum(p[1] for p in points) / len(points), sum(p[0] for p in points) / len(points))


class Domain(BilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class Unit(BilingualName):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government department")
        MASS_ORG = "mass_org", _("mass organization")
        SCHOOL = "school", _("school")
        COMMUNITY = "community", _("community")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    # Units without an area work district-wide; a community office or a school has one.
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")


class Category(BilingualName):
    code = models.CharField(_("code"), max_length=60, unique=True)
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="categories")
    default_unit = models.ForeignKey(
        Unit, verbose_name=_("default unit"), on_delete=models.PROTECT, related_name="default_categories"
    )
    description = models.TextField(_("description"), blank=True)
    accept_days = models.PositiveSmallIntegerField(_("working days to accept"), default=1)
    resolve_days = models.PositiveSmallIntegerField(_("working days to resolve"), default=5)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class School(models.Model):
    """A school served by an education harbor; its staff are school users."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="school",
        limit_choices_to={"kind": Unit.Kind.SCHOOL},
    )
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="schools")
    address = models.CharField(_("address"), max_length=200, blank=True)
    stage = models.CharField(_("school stage"), max_length=50, blank=True)
    class_count = models.PositiveIntegerField(_("classes"), default=0)
    student_count = models.PositiveIntegerField(_("students"), default=0)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return str(self.unit)


class Harbor(models.Model):
    """A Safe Harbor post (港湾) where residents bring what worries them."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="harbors")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="harbors")
    host_unit = models.ForeignKey(Unit, verbose_name=_("host unit"), on_delete=models.PROTECT, related_name="harbors")
    school = models.ForeignKey(
        School, verbose_name=_("school"), null=True, blank=True, on_delete=models.SET_NULL, related_name="harbors"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["domain__sort_order", "name"]
        verbose_name = _("harbor")
        verbose_name_plural = _("harbors")

    def __str__(self) -> str:
        return self.name


class Port(models.Model):
    """A mass organization's port (港) inside a harbor."""

    class Kind(models.TextChoices):
        FRATERNITY = "fraternity", _("Fraternity Port (博爱港)")
        HEROINES = "heroines", _("Heroines Port (巾帼港)")
        YOUTH = "youth", _("Youth Port (青年港)")
        VANGUARD = "vanguard", _("Vanguard Port (先锋港)")
        WARM = "warm", _("Warm Port (温馨港)")

    harbor = models.ForeignKey(Harbor, verbose_name=_("harbor"), on_delete=models.CASCADE, related_name="ports")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    owner_unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="ports")
    description = models.TextField(_("what the port does"), blank=True)
    hotline_name = models.CharField(_("hotline"), max_length=100, blank=True)
    hotline_number = models.CharField(_("hotline number"), max_length=40, blank=True)

    class Meta:
        ordering = ["harbor", "kind"]
        constraints = [models.UniqueConstraint(fields=["harbor", "kind"], name="port_unique_kind_per_harbor")]
        verbose_name = _("port")
        verbose_name_plural = _("ports")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        DISPATCHER = "dispatcher", _("dispatcher")
        LEADER = "leader", _("leader")
        UNIT_HANDLER = "unit_handler", _("unit handler")
        GRID_WORKER = "grid_worker", _("grid worker")
        HARBOR_STAFF = "harbor_staff", _("harbor staff")
        MEDIATOR = "mediator", _("mediator")
        SCHOOL_SAFETY = "school_safety", _("school safety officer")
        PSYCH_TEACHER = "psych_teacher", _("psychology teacher")
        PORT_STAFF = "port_staff", _("mass-organization staff")

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.HARBOR_STAFF)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    areas = models.ManyToManyField(Area, verbose_name=_("areas"), blank=True, related_name="members")
    harbor = models.ForeignKey(
        Harbor, verbose_name=_("harbor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    port = models.ForeignKey(
        Port, verbose_name=_("port"), null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    phone = EncryptedTextField(_("mobile phone"), mask="phone")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number = EncryptedTextField(_("ID card number"), mask="id_number")

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # Derived column, kept in step with the encrypted phone for exact-match lookups.
        self.phone_index = blind_index(self.phone) if self.phone else ""
        if kwargs.get("update_fields") is not None and "phone" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "phone_index"}
        super().save(*args, **kwargs)


class AuditLog(models.Model):
    """Who did what to which record, when and why. Written, never edited."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("revealed personal data")
        EXPORT = "export", _("exported data")
        DENIED = "denied", _("access denied")
        CONFIG = "config", _("changed configuration")
        IMPORT = "import", _("imported data")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=60, blank=True)
    target_id = models.CharField(_("record id"), max_length=40, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=60, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_type}#{self.target_id}"


def masked(obj: models.Model, field_name: str) -> str:
    """The display form of an encrypted field of any model."""
    field = obj._meta.get_field(field_name)
    return MASKERS[getattr(field, "mask", "name")](getattr(obj, field_name))


class Holiday(models.Model):
    """An override of the working-day calendar: a public holiday or an adjusted working day
    (调休). Wins over the calendar library, and covers years the library does not know yet."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("holiday calendar")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
