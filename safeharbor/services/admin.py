"""Admin for the services app's configuration: the catalogue, the safe-family criteria, job
openings, events and the aid pool. Applications, enrollments and beneficiaries hold personal
data and change only through actions.py (staff pages, API)."""

from django.contrib import admin

from safeharbor.services.models import (
    AidResource,
    DutyRoster,
    Event,
    JobOpening,
    SafeFamilyCriterion,
    Service,
)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "harbor", "port", "provider_unit", "outcome", "time_limit_days", "online", "active"]
    list_filter = ["harbor", "outcome", "active"]
    search_fields = ["name", "code"]


@admin.register(SafeFamilyCriterion)
class SafeFamilyCriterionAdmin(admin.ModelAdmin):
    list_display = ["text", "harbor", "required", "sort_order"]
    list_filter = ["harbor", "required"]


@admin.register(JobOpening)
class JobOpeningAdmin(admin.ModelAdmin):
    list_display = ["title", "employer", "harbor", "positions", "published", "valid_until"]
    list_filter = ["harbor", "published"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "harbor", "port", "starts_at", "capacity", "is_training"]
    list_filter = ["harbor", "kind", "is_training"]
    exclude = ["checkin_token"]


@admin.register(AidResource)
class AidResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "port", "kind", "quantity", "unit_label"]
    list_filter = ["harbor", "kind"]


@admin.register(DutyRoster)
class DutyRosterAdmin(admin.ModelAdmin):
    list_display = ["title", "harbor", "starts_on", "ends_on"]
