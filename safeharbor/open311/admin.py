"""Administrators issue and revoke the keys of Open311 client applications, and define
the extra questions (attributes) a category asks through Open311."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from safeharbor.open311 import actions
from safeharbor.open311.models import ApiKey, Open311Request, ServiceAttribute


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:  # only the name can change; the secret never does
            obj.save(update_fields=["name"])
            return
        _key, raw = actions.create_api_key(name=obj.name, actor=request.user, instance=obj)
        messages.warning(
            request,
            _("The new API key is %(key)s — copy it now: it is shown only this once and cannot be recovered.")
            % {"key": raw},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the requests keep their client

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = sum(actions.revoke_api_key(key, actor=request.user) for key in queryset)
        self.message_user(
            request, ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count}
        )


class ServiceAttributeForm(forms.ModelForm):
    class Meta:
        model = ServiceAttribute
        fields = ["category", "code", "order", "description", "datatype", "required", "variable",
                  "datatype_description", "values"]
        help_texts = {
            "values": _('For list types: [{"key": "1", "name": "卫生间"}, …]. Keys are what clients send.'),
            "variable": _("Off: the attribute only shows information and takes no answer."),
        }

    def clean(self):
        data = super().clean()
        values = data.get("values") or []
        datatype = data.get("datatype")
        if not isinstance(values, list) or not all(
            isinstance(v, dict) and str(v.get("key", "")).strip() and str(v.get("name", "")).strip() for v in values
        ):
            self.add_error("values", _('Write a list of {"key": …, "name": …} entries.'))
        elif datatype in ServiceAttribute.LIST_TYPES and not values:
            self.add_error("values", _("A list type needs at least one value."))
        elif len({str(v["key"]) for v in values}) != len(values):
            self.add_error("values", _("Each key may appear only once."))
        return data


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    form = ServiceAttributeForm
    list_display = ["category", "order", "code", "datatype", "required", "variable", "description"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__code", "category__name_zh"]
    autocomplete_fields = ["category"]


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    """What came in through Open311, for tracing a client's submissions (read-only)."""

    list_display = ["token", "matter", "api_key", "device_id", "account_id"]
    list_filter = ["api_key"]
    search_fields = ["token", "matter__tracking_code"]
    fields = ["matter", "token", "api_key", "attributes", "device_id", "account_id", "media_url", "address_id"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
