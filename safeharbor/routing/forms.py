from django import forms
from django.utils.translation import gettext_lazy as _

from safeharbor.core import access


class RuleForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    area = forms.ModelChoiceField(label=_("Area (and everything below it)"), queryset=None)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = access.visible_categories(user).filter(active=True).order_by(
            "domain__sort_order", "sort_order", "code")
        self.fields["area"].queryset = access.visible_areas(user).order_by("path")
        self.fields["area"].label_from_instance = lambda a: "\u3000" * max(a.depth - 1, 0) + a.name
        self.fields["unit"].queryset = access.visible_units(user).filter(active=True).order_by(
            "kind", "sort_order", "code")


class ThresholdForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    threshold = forms.IntegerField(
        label=_("Auto-dispatch at confidence (%)"), required=False, min_value=50, max_value=100,
        help_text=_("Leave empty to turn auto-dispatch off for this category."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = access.visible_categories(user).filter(active=True).order_by(
            "domain__sort_order", "sort_order", "code")
