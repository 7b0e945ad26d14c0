"""Forms of the public pages. They only read the input; the rules (lengths, the district's
outline, photos by content, phone numbers) live in intake.actions, whose errors the views
put next to the field they concern."""

from django import forms
from django.utils.translation import gettext_lazy as _

from safeharbor.core.forms import add_action_error as core_add_action_error
from safeharbor.core.models import Category
from safeharbor.intake import queries
from safeharbor.intake.actions import MAX_REPORT_CHARS
from safeharbor.intake.uploads import MAX_PHOTOS
from safeharbor.matters.models import Matter

# An action's error field -> the form field shown next to it.
ERROR_FIELDS = {"location": "lat", "lon": "lat"}  # the other fields keep their names


def add_action_error(form: forms.Form, error) -> int:
    """Show an ActionError next to its field; the map point's errors go to `lat`."""
    return core_add_action_error(form, error, fields=ERROR_FIELDS)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos; checked by content in uploads.clean_photos, not here."""

    def __init__(self, **kwargs):
        widget = MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True,
                                           "data-max": MAX_PHOTOS})
        super().__init__(required=False, widget=widget, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


class CategoryField(forms.ModelChoiceField):
    """An active category, offered grouped by domain, the empty choice first.

    The grouped choices are computed when the select is rendered, not for every submission.
    Each form's copy of the field shares this field's queryset instead of cloning it twice
    (ModelChoiceField's copy), which was a good part of building the form for every report:
    the queryset itself is never evaluated, so no results are cached on it for another
    request to see; a submitted value is checked with queryset.get(), a new query each time."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.filter(active=True), **kwargs)
        self.choices = lambda: [("", self.empty_label), *queries.category_groups()]

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ReportForm(forms.Form):
    description = forms.CharField(
        label=_("What happened?"), required=False, strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_REPORT_CHARS, "data-counter": MAX_REPORT_CHARS,
                                     "placeholder": _("Where, what, since when. For example: the pipe in the "
                                                      "corridor of building 5 has been leaking for three days.")}),
    )
    category = CategoryField(label=_("What is it about? (optional)"), required=False, empty_label=_("Not sure"))
    address = forms.CharField(
        label=_("Place"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 永昌佳苑 building 5, unit 2"), "autocomplete": "off"}),
    )
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)
    photos = PhotosField(label=_("Photos (up to 3, optional)"))
    identity = forms.ChoiceField(
        label=_("Your name"), choices=[("named", _("Give my name")), ("anonymous", _("Stay anonymous"))],
        initial="named", widget=forms.RadioSelect, required=False,
    )
    name = forms.CharField(label=_("Name (optional)"), required=False, max_length=60,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Phone for follow-up (optional)"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only the staff handling your report can see it; it is stored encrypted."),
    )

    def clean(self):
        data = super().clean()
        lat, lon = (data.get("lat") or "").strip(), (data.get("lon") or "").strip()
        data["lat"] = data["lon"] = None
        if lat or lon:
            try:
                data["lat"], data["lon"] = float(lat), float(lon)
            except ValueError:
                self.add_error("lat", _("The map point is incomplete; pick it again."))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "placeholder": "261128-7KQ3MZ", "spellcheck": "false"}),
    )
    check = forms.CharField(
        label=_("Check code"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "123456"}),
    )


class InfoForm(forms.Form):
    text = forms.CharField(
        label=_("What would you like to add?"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REPORT_CHARS, "data-counter": MAX_REPORT_CHARS}),
    )
    photos = PhotosField(label=_("Photos (up to 3, optional)"))


class FollowUpForm(forms.Form):
    """The 12345 follow-up: contacted (响应), solved (解决), satisfaction, comment."""

    contacted = forms.ChoiceField(label=_("Did the handling unit contact you?"), choices=YES_NO,
                                  widget=forms.RadioSelect)
    solved = forms.ChoiceField(label=_("Is the problem solved?"), choices=YES_NO, widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label=_("How satisfied are you with the handling?"),
                                     choices=Matter.Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything else you want to tell us? (optional)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}))


class MeTooForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone, to hear about its progress (optional)"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )


class BoardFilterForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=queries.board_areas(), required=False,
                                  empty_label=_("Whole district"))
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
