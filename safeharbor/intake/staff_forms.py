"""Forms of the staff intake desks. They read and check input; who may do what is decided
in intake/actions.py, and every choice list comes through safeharbor.core.access."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safeharbor.core.models import Area
from safeharbor.intake import staff_queries
from safeharbor.lib.redact import public_place, redact_text
from safeharbor.matters.forms import AreaChoiceField, FollowUpQuestions, areas_for, categories_for, textarea
from safeharbor.matters.models import Matter, Urgency

PHONE_REGEX = r"^\+?[0-9][0-9 -]{5,18}$"


def phone_field(label, **attrs) -> forms.RegexField:
    return forms.RegexField(
        label=label, regex=PHONE_REGEX, max_length=20, required=False,
        error_messages={"invalid": _("Enter a phone number of digits only.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", **attrs}),
    )


def same_caller_lookup() -> dict:
    """htmx attributes of a phone field: the caller's earlier matters, as soon as typed."""
    return {"hx-post": reverse("intake:same_caller"), "hx-trigger": "input changed delay:300ms, change",
            "hx-target": "#same-caller", "hx-sync": "this:replace", "hx-params": "phone"}


class CategoryInput(forms.CharField):
    """A category typed with suggestions (a datalist): by its Chinese name, part of it, or
    its code. Chinese is typed through an input method, which a <select> cannot take."""

    def __init__(self, *, categories=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.categories = categories

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        categories = list(self.categories)
        for key in ("code", "name_zh", "name_en"):
            exact = [c for c in categories if getattr(c, key).lower() == text.lower()]
            if exact:
                return exact[0]
        partial = [c for c in categories if text in c.name_zh]
        if len(partial) == 1:
            return partial[0]
        raise ValidationError(_("No category “%(text)s”: pick one from the suggestions.") % {"text": text})


class HotlineForm(forms.Form):
    """来电登记, in the order the operator goes: number, words, category, area, urgency."""

    phone = phone_field(_("Caller's number"), autofocus=True)
    description = forms.CharField(label=_("What the caller says"), max_length=2000, widget=textarea(5))
    category = CategoryInput(label=_("Category"), widget=forms.TextInput(
        attrs={"list": "category-options", "autocomplete": "off", "placeholder": _("Type to search: 工资, 漏水…")}))
    area = AreaChoiceField(label=_("Area"), queryset=None, required=False, empty_label=_("Not known"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    address = forms.CharField(label=_("Place"), max_length=200, required=False)
    name = forms.CharField(label=_("Caller's name"), max_length=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.category_options = categories_for(user)
        self.fields["category"].categories = self.category_options
        self.fields["area"].queryset = areas_for(user).only("pk", "name", "depth", "path")
        self.fields["phone"].widget.attrs.update(same_caller_lookup())


class PatrolForm(forms.Form):
    """网格巡查: a grid worker's finding, from a phone."""

    description = forms.CharField(label=_("What you found"), max_length=2000, widget=textarea(4))
    area = AreaChoiceField(label=_("Grid or compound"), queryset=None)
    address = forms.CharField(label=_("Place"), max_length=200, required=False,
                              help_text=_("Street, building, or a landmark."))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = staff_queries.patrol_areas(user)
        self.fields["area"].queryset = areas
        first = areas.filter(level=Area.Level.GRID).first()
        if first is not None:
            self.fields["area"].initial = first.pk


class WalkInForm(forms.Form):
    """来访登记 at a harbor's desk."""

    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=None)
    name = forms.CharField(label=_("Visitor's name"), max_length=60, required=False)
    phone = phone_field(_("Visitor's phone"))
    description = forms.CharField(label=_("What the visitor says"), max_length=2000, widget=textarea(5))
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False,
                                      empty_label=_("Not sure yet (the dispatcher decides)"))
    address = forms.CharField(label=_("Place"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("The visitor wants to stay anonymous"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["harbor"].queryset = staff_queries.walk_in_harbors(user)
        self.fields["category"].queryset = categories_for(user)
        self.fields["harbor"].initial = user.harbor_id or (user.port.harbor_id if user.port_id else None)
        self.fields["name"].widget.attrs["autofocus"] = True
        self.fields["phone"].widget.attrs.update(same_caller_lookup())


class VisitForm(FollowUpQuestions):
    """回访 recorded on a visit: the same questions as on the phone."""


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Public title"), max_length=100)
    text = forms.CharField(label=_("Public text"), max_length=1000, widget=textarea(4),
                           help_text=_("No names, phone numbers or house numbers: residents read this."))
    place = forms.CharField(label=_("Place (road or compound)"), max_length=100)

    @classmethod
    def for_matter(cls, matter: Matter, publication=None, **kwargs) -> "PublishForm":
        """Prefilled from the board entry, or from the matter with personal data masked."""
        if publication is not None:
            initial = {"title": publication.title, "text": publication.text, "place": publication.place}
        else:
            title = matter.title or (matter.category.name_zh if matter.category else "") or matter.summary
            initial = {
                "title": redact_text(title)[:100], "text": redact_text(matter.description)[:1000],
                "place": public_place(matter.address, fallback=matter.area.name),
            }
        return cls(initial=initial, auto_id="id_publish_%s", **kwargs)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"),
                           help_text=_("As exported by the 12345 hotline system; the first row holds the "
                                       "column names."))
    mapping = forms.FileField(label=_("Column mapping (YAML)"), required=False,
                              help_text=_("Only when the column names differ from the usual ones."))
    dry_run = forms.BooleanField(label=_("Only check the file, import nothing"), required=False)
