"""Forms of the publicity pages: input shape only; the rules live in actions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from safeharbor.core import access
from safeharbor.matters.forms import AreaChoiceField, DateInput, areas_for, textarea, units_for
from safeharbor.publicity.models import Activity, Material


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=100)
    audience = forms.ChoiceField(label=_("Audience"), choices=Material.Audience.choices)
    summary = forms.CharField(label=_("Summary of the material"), widget=textarea(3), max_length=5000)
    body = forms.CharField(label=_("Text for the public page"), widget=textarea(8), required=False, max_length=50000)
    video_url = forms.CharField(label=_("Video address"), max_length=300, required=False)
    file = forms.FileField(label=_("File"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput(), required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput(), required=False)
    owner_unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    published = forms.BooleanField(label=_("Show on the public pages"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units_for(user)
        self.initial.setdefault("owner_unit", user.unit_id)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    venue = forms.ChoiceField(label=_("Where"), choices=Activity.Venue.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    area = AreaChoiceField(label=_("Area"), queryset=None)
    organizer = forms.ModelChoiceField(label=_("Organizer"), queryset=None)
    units = forms.ModelMultipleChoiceField(label=_("Other units"), queryset=None, required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 4}))
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=None, required=False)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None, required=False)
    audience = forms.CharField(label=_("Audience"), max_length=200)
    audience_size = forms.IntegerField(label=_("People reached"), min_value=0)
    notes = forms.CharField(label=_("What was done"), widget=textarea(3), required=False, max_length=5000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(user)
        self.fields["organizer"].queryset = units
        self.fields["units"].queryset = units
        self.fields["area"].queryset = areas_for(user)
        self.fields["harbor"].queryset = access.visible_harbors(user).order_by("name")
        self.fields["campaign"].queryset = access.visible_campaigns(user)
        self.initial.setdefault("organizer", user.unit_id)
        self.materials = list(access.visible_materials(user).order_by("topic", "title"))
        for material in self.materials:
            self.fields[f"copies_{material.pk}"] = forms.IntegerField(
                label=_("Copies of “%(title)s”") % {"title": material.title}, min_value=0, required=False)

    def copies(self) -> dict:
        return {m: self.cleaned_data.get(f"copies_{m.pk}") for m in self.materials}


class FigureForm(forms.Form):
    by = forms.ChoiceField(label=_("Per"), required=False, choices=[
        ("unit", _("unit")), ("harbor", _("harbor")), ("campaign", _("campaign")), ("area", _("area"))])
    start = forms.DateField(label=_("Starts on"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("Ends on"), widget=DateInput(), required=False)
