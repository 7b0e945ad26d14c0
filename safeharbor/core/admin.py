from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from safeharbor.core.actions import area_paths, sync_area_paths
from safeharbor.core.models import Area, AuditLog, Category, Domain, Harbor, Port, School, Unit, User, masked

admin.site.site_header = _("Safe Harbor administration")
admin.site.site_title = _("Safe Harbor")
admin.site.index_title = _("Configuration")


@admin.register(Area)
class AreaAdmin(TreeAdmin):
    form = movenodeform_factory(Area)
    list_display = ["name", "code", "level"]
    search_fields = ["name", "code"]
    list_filter = ["level"]

    def save_model(self, request, obj, form, change):
        before = area_paths()
        super().save_model(request, obj, form, change)
        # Moving an area rewrites the paths of its subtree: keep the copies on rows in step.
        sync_area_paths(before)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "sort_order"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "kind", "area", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name_zh", "name_en"]
    autocomplete_fields = ["area"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "domain", "default_unit", "accept_days", "resolve_days", "active"]
    list_filter = ["domain", "active"]
    search_fields = ["code", "name_zh"]


class PortInline(admin.TabularInline):
    model = Port
    extra = 0


@admin.register(Harbor)
class HarborAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "area", "host_unit", "active"]
    list_filter = ["domain", "active"]
    search_fields = ["name", "code", "address"]
    autocomplete_fields = ["area", "host_unit"]
    inlines = [PortInline]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["unit", "area", "class_count", "student_count"]
    autocomplete_fields = ["unit", "area"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "unit", "harbor", "masked_phone", "is_active"]
    list_filter = ["role", "is_active", "unit"]
    search_fields = ["username", "full_name"]
    filter_horizontal = ["areas", "groups", "user_permissions"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone", "id_number")}),
        (_("Role and scope"), {"fields": ("role", "unit", "areas", "harbor", "port", "school")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "role", "password1", "password2")}),
    )

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, obj):
        return masked(obj, "phone")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_id", "field", "reason"]
    list_filter = ["action"]
    search_fields = ["target_type", "target_id", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
