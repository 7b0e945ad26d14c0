from django import forms
from django.utils.translation import gettext_lazy as _


class WeightsForm(forms.Form):
    response = forms.FloatField(label=_("Weight of the response rate"), min_value=0, max_value=1)
    resolution = forms.FloatField(label=_("Weight of the resolution rate"), min_value=0, max_value=1)
    satisfaction = forms.FloatField(label=_("Weight of the satisfaction rate"), min_value=0, max_value=1)
