"""Legal publicity (法治宣传, 普法): a materials library with public pages and QR codes, and
publicity activities with their audiences, copies distributed and photos."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core.models import Area, Harbor, Unit


class Material(models.Model):
    class Kind(models.TextChoices):
        LAW = "law", _("law or regulation")
        LEAFLET = "leaflet", _("leaflet")
        POSTER = "poster", _("poster")
        VIDEO = "video", _("video")
        BOOKLET = "booklet", _("booklet")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("everyone")
        COMPANIES = "companies", _("companies and their workers")
        DRIVERS = "drivers", _("drivers and transport workers")
        STUDENTS = "students", _("students and parents")
        RESIDENTS = "residents", _("residents")
        MERCHANTS = "merchants", _("merchants and consumers")
        ELDERLY = "elderly", _("the elderly")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=100)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("text for the public page"), blank=True)
    video_url = models.CharField(_("video address"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to="publicity/%Y/%m/", blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    owner_unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    published = models.BooleanField(_("shown on the public pages"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["topic", "title"]
        verbose_name = _("publicity material")
        verbose_name_plural = _("publicity materials")

    def __str__(self) -> str:
        return self.title

    def is_valid(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or today <= self.valid_until)


class Activity(models.Model):
    """一次宣传活动: into a company, school, community, market, or at a checkpoint."""

    class Venue(models.TextChoices):
        COMPANY = "company", _("into companies")
        SCHOOL = "school", _("into schools")
        COMMUNITY = "community", _("into communities")
        MARKET = "market", _("into markets")
        CHECKPOINT = "checkpoint", _("at a checkpoint")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=200)
    venue = models.CharField(_("where"), max_length=20, choices=Venue.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    organizer = models.ForeignKey(Unit, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="+")
    units = models.ManyToManyField(Unit, verbose_name=_("other units"), blank=True, related_name="+")
    harbor = models.ForeignKey(Harbor, verbose_name=_("harbor"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="publicity_activities")
    audience = models.CharField(_("audience"), max_length=200)
    audience_size = models.PositiveIntegerField(_("people reached"))
    notes = models.TextField(_("what was done"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("publicity activity")
        verbose_name_plural = _("publicity activities")

    def __str__(self) -> str:
        return self.title


class Distribution(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="distributions")
    material = models.ForeignKey(Material, verbose_name=_("material"), on_delete=models.PROTECT,
                                 related_name="distributions")
    copies = models.PositiveIntegerField(_("copies"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "material"], name="one_line_per_material")]

    def __str__(self) -> str:
        return f"{self.material} × {self.copies}"



class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="publicity/photos/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name
