"""Reads of the publicity app: the library, activities and the figures for report cards."""

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from safeharbor.core import access
from safeharbor.publicity.models import Activity, Distribution, Material

GROUPS = {
    "harbor": ("harbor_id", "harbor__name"),
    "unit": ("organizer_id", "organizer__name_zh"),
    "campaign": ("campaign_id", "campaign__name"),
    "area": ("area_id", "area__name"),
}


def material_list(user, *, topic: str = "", audience: str = ""):
    qs = access.visible_materials(user).select_related("owner_unit")
    if topic:
        qs = qs.filter(topic=topic)
    if audience:
        qs = qs.filter(audience=audience)
    return qs.annotate(copies=Coalesce(Sum("distributions__copies"), 0))


def activity_list(user):
    return (access.visible_activities(user).select_related("organizer", "area", "harbor", "campaign")
            .annotate(copies=Coalesce(Subquery(
                Distribution.objects.filter(activity=OuterRef("pk")).values("activity")
                .annotate(n=Sum("copies")).values("n"), output_field=IntegerField()), 0)))


def public_materials():
    today = timezone.localdate()
    return [m for m in Material.objects.filter(published=True).order_by("topic", "title") if m.is_valid(today)]


def public_material(code: str) -> Material | None:
    material = Material.objects.filter(published=True, code=code).first()
    return material if material and material.is_valid() else None


def filter_period(qs, start: date | None, end: date | None):
    if start:
        qs = qs.filter(held_on__gte=start)
    if end:
        qs = qs.filter(held_on__lte=end)
    return qs


def totals(activities) -> dict:
    """Activities, people reached and copies distributed of a set of activities."""
    row = activities.aggregate(activities=Count("pk"), people=Coalesce(Sum("audience_size"), 0))
    row["copies"] = Distribution.objects.filter(activity__in=activities.values("pk")).aggregate(
        n=Coalesce(Sum("copies"), 0))["n"]
    return row


def figures(user, *, by: str = "unit", start: date | None = None, end: date | None = None) -> list[dict]:
    """Report-card figures per harbor, unit, campaign or area over a period."""
    key, label = GROUPS.get(by, GROUPS["unit"])
    activities = filter_period(access.visible_activities(user), start, end)
    rows = {r[key]: {"key": r[key], "label": r[label] or "—", "activities": r["n"], "people": r["people"], "copies": 0}
            for r in activities.values(key, label).annotate(n=Count("pk"), people=Sum("audience_size"))}
    copies = (Distribution.objects.filter(activity__in=activities.values("pk"))
              .values(f"activity__{key}").annotate(n=Sum("copies")))
    for r in copies:
        if r[f"activity__{key}"] in rows:
            rows[r[f"activity__{key}"]]["copies"] = r["n"]
    return sorted(rows.values(), key=lambda r: (-r["people"], str(r["label"])))


def material_copies(activities) -> list[dict]:
    return list(Distribution.objects.filter(activity__in=activities.values("pk"))
                .values("material__title").annotate(copies=Sum("copies")).order_by("-copies"))


def campaign_totals(campaign) -> dict:
    return totals(Activity.objects.filter(campaign=campaign))
