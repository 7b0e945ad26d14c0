from django.contrib import admin

from safeharbor.mediation.models import Committee, Member, TimeLimit


class MemberInline(admin.TabularInline):
    model = Member
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "specialty", "area", "number_prefix", "active"]
    list_filter = ["level", "active"]
    search_fields = ["name", "number_prefix"]
    inlines = [MemberInline]
    raw_id_fields = ["area"]


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["level", "workdays"]
