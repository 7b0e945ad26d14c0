from django import forms
from django.utils.translation import gettext_lazy as _

from safeharbor.notifications import kinds


class PreferenceForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send me an email for"), required=False, widget=forms.CheckboxSelectMultiple, choices=(),
    )
    daily_digest = forms.BooleanField(
        label=_("Every morning, email me the overdue matters in my area of work"), required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = [(code, label) for code, label in kinds.STAFF_KINDS.items()]


class TemplateForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=_("Send this message"), required=False, initial=True)


class StopForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=30)
    check = forms.CharField(label=_("Check code"), max_length=20)
