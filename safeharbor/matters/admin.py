"""Admin for the matter engine's configuration. Matters themselves are read-only here:
their state changes only through actions.py (the staff pages, the API or the worker)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from safeharbor.core.errors import ActionError
from safeharbor.core.models import Holiday
from safeharbor.matters import actions
from safeharbor.matters.models import Commendation, DeadlinePolicy, Matter, MatterEvent, Meeting, Supervision


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["urgency", "accept_amount", "accept_unit", "resolve_amount", "resolve_unit",
                    "return_amount", "return_unit"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


class EventInline(admin.TabularInline):
    model = MatterEvent
    extra = 0
    fields = ["at", "actor", "action", "from_status", "to_status", "unit", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["tracking_code", "summary", "status", "category", "unit", "area", "created_at", "due_at"]
    list_filter = ["status", "source", "urgency", "domain"]
    search_fields = ["tracking_code", "description"]
    date_hierarchy = "created_at"
    inlines = [EventInline]
    actions = ["close_resolved"]
    list_select_related = ["category", "unit", "area"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Matter._meta.fields] + ["co_units"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Close the selected resolved matters"))
    def close_resolved(self, request, queryset):
        done = 0
        for matter in queryset:
            try:
                actions.close_matter(matter, actor=request.user, note=str(_("Closed from the admin.")))
                done += 1
            except ActionError as exc:
                self.message_user(request, f"{matter.tracking_code}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(n)d matters closed.") % {"n": done})


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    list_display = ["pk", "level", "origin", "unit", "status", "issued_at", "reply_due", "replied_at"]
    list_filter = ["status", "level", "origin"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Supervision._meta.fields] + ["matters"]

    def has_add_permission(self, request):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organizer", "held_at"]
    list_filter = ["kind"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ["kind", "unit", "person_name", "giver", "received_on"]
    list_filter = ["kind"]
