"""Forms of the matter pages. They read and check input only; every rule of who may do
what lives in actions.py and rules.py, and every choice list comes from access.py."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core import access
from safeharbor.core.models import Domain, User
from safeharbor.matters import actions, queries
from safeharbor.matters.models import Commendation, Extension, FollowUp, Matter, Meeting, Supervision, Urgency
from safeharbor.routing import queries as routing_queries

MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024
# Photos, scans, office documents, voice and video; never HTML, SVG or scripts.
FILE_TYPES = {
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt",
    ".pptx", ".wps", ".txt", ".csv", ".zip", ".rar", ".7z", ".mp3", ".m4a", ".amr", ".wav", ".mp4", ".mov",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to MAX_FILES files of at most 10 MB each, of the usual office and photo types."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", _("Up to 5 files, 10 MB each: photos, PDF, office documents, voice."))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(n)d files at a time.") % {"n": MAX_FILES})
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            if upload.size > MAX_FILE_SIZE:
                raise ValidationError(_("%(name)s is larger than 10 MB.") % {"name": upload.name})
            if Path(upload.name).suffix.lower() not in FILE_TYPES:
                raise ValidationError(_("%(name)s: this type of file is not accepted.") % {"name": upload.name})
        return cleaned


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AreaChoiceField(forms.ModelChoiceField):
    """Areas indented by their level in the tree."""

    def label_from_instance(self, obj):
        return "\u3000" * max(obj.depth - 1, 0) + obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.unit.name} · {obj.display_name}" if obj.unit_id else obj.display_name


def units_for(user):
    return access.visible_units(user).filter(active=True).order_by("kind", "sort_order", "code")


def categories_for(user):
    return access.visible_categories(user).filter(active=True).select_related("domain").order_by(
        "domain__sort_order", "sort_order", "code"
    )


def areas_for(user):
    return access.visible_areas(user).order_by("path")


# --- The list filters ------------------------------------------------------------------------


class MatterFilterForm(forms.Form):
    """Renders the filters of the matter list; queries.MatterFilter reads them."""

    q = forms.CharField(required=False, label=_("Search"),
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Text, place or tracking code")}))
    status = forms.ChoiceField(required=False, label=_("Status"))
    category = forms.ChoiceField(required=False, label=_("Category"))
    domain = forms.ChoiceField(required=False, label=_("Domain"))
    area = forms.ChoiceField(required=False, label=_("Area"))
    harbor = forms.ChoiceField(required=False, label=_("Harbor"))
    unit = forms.ChoiceField(required=False, label=_("Responsible unit"))
    source = forms.ChoiceField(required=False, label=_("Source"))
    urgency = forms.ChoiceField(required=False, label=_("Urgency"))
    date_from = forms.DateField(required=False, label=_("Received from"), widget=DateInput())
    date_to = forms.DateField(required=False, label=_("Received until"), widget=DateInput())

    def __init__(self, data, *, user):
        super().__init__(data)
        every = [("", _("All"))]
        self.fields["status"].choices = [*every, ("open", _("All open matters")), *Matter.Status.choices]
        self.fields["category"].choices = every + [(c.code, c.name) for c in categories_for(user)]
        self.fields["domain"].choices = every + [(d.code, d.name) for d in Domain.objects.order_by("sort_order")]
        self.fields["area"].choices = every + [
            (a.pk, "\u3000" * max(a.depth - 1, 0) + a.name) for a in areas_for(user).only("pk", "name", "depth")
        ]
        self.fields["harbor"].choices = every + list(
            access.visible_harbors(user).order_by("name").values_list("pk", "name")
        )
        self.fields["unit"].choices = every + [(u.pk, u.name) for u in units_for(user)]
        self.fields["source"].choices = every + Matter.Source.choices
        self.fields["urgency"].choices = every + Urgency.choices

    @property
    def active_count(self) -> int:
        """How many filters (other than the search box) are set."""
        return sum(1 for name in self.fields if name != "q" and self.data.get(name))


# --- Registering a matter --------------------------------------------------------------------


STAFF_SOURCES = [Matter.Source.WALK_IN, Matter.Source.PATROL, Matter.Source.HOTLINE, Matter.Source.STAFF]


class MatterCreateForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=[(s.value, s.label) for s in STAFF_SOURCES])
    description = forms.CharField(label=_("What happened"), max_length=5000, widget=textarea(5),
                                  help_text=_("In the reporter's own words: what, where, since when."))
    title = forms.CharField(label=_("Summary"), max_length=200, required=False,
                            help_text=_("Optional; the list shows the start of the text otherwise."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False,
                                      empty_label=_("Not sure yet (the dispatcher decides)"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    area = AreaChoiceField(label=_("Area"), queryset=None)
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=None, required=False, empty_label=_("None"))
    address = forms.CharField(label=_("Place"), max_length=200, required=False,
                              help_text=_("Street, building, unit, or a landmark."))
    anonymous = forms.BooleanField(label=_("The reporter wants to stay anonymous"), required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=60, required=False)
    reporter_phone = forms.RegexField(
        label=_("Reporter's phone"), regex=r"^\+?[0-9][0-9 -]{5,18}$", max_length=20, required=False,
        error_messages={"invalid": _("Enter a phone number of digits only.")},
        help_text=_("Stored encrypted; staff see it masked."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_for(user)
        self.fields["area"].queryset = areas_for(user)
        self.fields["harbor"].queryset = access.visible_harbors(user).order_by("name")
        first_area = self.fields["area"].queryset.filter(pk__in=user.areas.values("pk")).first()
        if first_area:
            self.fields["area"].initial = first_area.pk
        self.fields["harbor"].initial = user.harbor_id
        self.fields["source"].initial = {
            User.Role.GRID_WORKER: Matter.Source.PATROL, User.Role.HARBOR_STAFF: Matter.Source.WALK_IN,
            User.Role.PORT_STAFF: Matter.Source.WALK_IN,
        }.get(user.role, Matter.Source.STAFF)

    def clean(self):
        data = super().clean()
        if data.get("anonymous"):
            data["reporter_name"] = ""
        return data


# --- Matter actions: one small form per action --------------------------------------------------


class ActionForm(forms.Form):
    """The base of every action form: the status the user saw, so that a concurrent
    change answers with a clear conflict message instead of doing the wrong thing."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, matter: Matter, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.matter = user, matter
        if not self.is_bound:
            self.fields["expected_status"].initial = matter.status
        self.setup()

    def setup(self) -> None:
        pass

    def clean_expected_status(self) -> str | None:
        return self.cleaned_data.get("expected_status") or None


class DispatchForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None)
    co_units = forms.ModelMultipleChoiceField(label=_("Co-units"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    assignee = UserChoiceField(label=_("Handler"), queryset=None, required=False,
                               empty_label=_("The unit decides"), help_text=_("Must belong to the responsible unit."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False,
                                      empty_label=_("Not classified yet"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    note = forms.CharField(label=_("Instructions to the unit"), required=False, widget=textarea(2), max_length=5000)

    def setup(self):
        units = units_for(self.user)
        self.fields["unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["assignee"].queryset = queries.assignable_users(self.user)
        self.fields["category"].queryset = categories_for(self.user)
        matter = self.matter
        # Not classified yet: start from the classifier's suggestion (the dispatcher accepts
        # it with one click or corrects it; what they dispatch with trains the next model).
        self.suggestion = routing_queries.suggestion_for(matter, self.fields["category"].queryset)
        if self.suggestion:
            self.initial.setdefault("category", self.suggestion["category"].pk)
            self.initial.setdefault("unit", self.suggestion["unit"].pk)
        default_unit = matter.category.default_unit_id if matter.category_id else None
        if matter.status == Matter.Status.RETURNED and default_unit == matter.unit_id:
            default_unit = None  # not back to the unit that just returned it
        elif matter.status != Matter.Status.RETURNED and matter.unit_id:
            default_unit = matter.unit_id  # re-dispatching: start from the current unit
        self.initial.setdefault("unit", default_unit)
        self.initial.setdefault("category", matter.category_id)
        self.initial.setdefault("urgency", matter.urgency)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=textarea(2), max_length=5000)


class ReturnForm(ReasonForm):
    def setup(self):
        self.fields["reason"].help_text = _("Which unit should handle it instead, and why.")


class RejectForm(ReasonForm):
    def setup(self):
        self.fields["reason"].help_text = _("The reporter reads this reason.")


class AssignForm(ActionForm):
    assignee = UserChoiceField(label=_("Handler"), queryset=None)

    def setup(self):
        self.fields["assignee"].queryset = queries.assignable_users(self.user, unit=self.matter.unit)
        self.initial.setdefault("assignee", self.matter.assignee_id)


class NoteForm(ActionForm):
    note = forms.CharField(label=_("What was done"), widget=textarea(3), max_length=5000)
    files = MultipleFileField()
    public = forms.BooleanField(label=_("Show this note to the reporter"), required=False)


class ExtensionRequestForm(ActionForm):
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=30, initial=3)
    reason = forms.CharField(label=_("Reason"), widget=textarea(2), max_length=5000)


class ExtensionDecisionForm(ActionForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("deny", _("Deny"))],
                                 widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2), max_length=1000)

    def setup(self):
        self.pending = self.matter.extensions.filter(status=Extension.Status.REQUESTED).first()


class ResolveForm(ActionForm):
    result = forms.CharField(label=_("Result"), widget=textarea(4), max_length=5000,
                             help_text=_("What was done and how it ended; the reporter reads it."))
    files = MultipleFileField()


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class FollowUpQuestions(forms.Form):
    """回访, the 12345 way: contacted (响应), solved (解决), how satisfied; on the phone
    (FollowUpForm) or on a visit (intake's VisitForm)."""

    contacted = forms.TypedChoiceField(label=_("Did the unit contact the reporter?"), choices=YES_NO,
                                       coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    solved = forms.TypedChoiceField(label=_("Is the problem solved?"), choices=YES_NO,
                                    coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Matter.Satisfaction.choices,
                                     widget=forms.RadioSelect)
    comment = forms.CharField(label=_("The reporter's words"), required=False, widget=textarea(2), max_length=1000)


class FollowUpForm(ActionForm, FollowUpQuestions):
    channel = forms.ChoiceField(label=_("How"), choices=FollowUp.Channel.choices, initial=FollowUp.Channel.PHONE)

    field_order = ["channel", "contacted", "solved", "satisfaction", "comment"]


class CloseForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2), max_length=5000,
                           help_text=_("For example: the reporter could not be reached."))


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Tracking code of the main matter"), max_length=20)

    def clean_into(self):
        target = queries.matter_by_code(self.user, self.cleaned_data["into"])
        if target is None:
            raise ValidationError(_("No matter with that tracking code in your area of work."))
        return target


class SuperviseForm(ActionForm):
    level = forms.ChoiceField(label=_("Level"), choices=Supervision.Level.choices)
    reason = forms.CharField(label=_("Requirement"), widget=textarea(2), max_length=5000)
    reply_due = forms.DateField(label=_("Reply by"), widget=DateInput())

    def setup(self):
        self.initial.setdefault("reply_due", actions.default_reply_due())


# --- Supervision orders --------------------------------------------------------------------------


class BulkSuperviseForm(forms.Form):
    matters = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    level = forms.ChoiceField(label=_("Level"), choices=Supervision.Level.choices)
    reason = forms.CharField(label=_("Requirement"), widget=textarea(3), max_length=5000)
    reply_due = forms.DateField(label=_("Reply by"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matters"].queryset = access.visible_matters(user)
        self.fields["matters"].error_messages["required"] = _("Choose at least one matter.")
        self.initial.setdefault("reply_due", actions.default_reply_due())


class SupervisionReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply"), widget=textarea(4), max_length=5000,
                            help_text=_("What the unit has done, and when it will be finished."))


# --- Meetings and commendations ------------------------------------------------------------------


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    organizer = forms.ModelChoiceField(label=_("Organizer"), queryset=None)
    area = AreaChoiceField(label=_("Area"), queryset=None)
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=None, required=False, empty_label=_("None"))
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    attending_units = forms.ModelMultipleChoiceField(label=_("Attending units"), queryset=None, required=False,
                                                     widget=forms.CheckboxSelectMultiple)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=textarea(4), max_length=5000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(user)
        self.fields["organizer"].queryset = units
        self.fields["attending_units"].queryset = units
        self.fields["area"].queryset = areas_for(user)
        self.fields["harbor"].queryset = access.visible_harbors(user).order_by("name")
        self.initial.setdefault("organizer", user.unit_id)
        self.initial.setdefault("area", user.areas.order_by("path").values_list("pk", flat=True).first())


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=textarea(8), max_length=50000)
    files = MultipleFileField()


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=textarea(2), max_length=2000)
    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=None)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units_for(user)


class CommendationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Commendation.Kind.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    person = UserChoiceField(label=_("Staff member"), queryset=None, required=False, empty_label=_("The whole unit"))
    person_name = forms.CharField(label=_("Or the person's name"), max_length=60, required=False)
    giver = forms.CharField(label=_("From"), max_length=100, help_text=_("Who gave it, e.g. 永昌佳苑 5号楼 王女士."))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput(), initial=timezone.localdate)
    area = AreaChoiceField(label=_("Area"), queryset=None)
    matter = forms.CharField(label=_("Tracking code of the matter"), max_length=20, required=False)
    text = forms.CharField(label=_("Words"), required=False, widget=textarea(2), max_length=2000,
                           help_text=_("What the banner or letter says."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = units_for(user)
        self.fields["person"].queryset = queries.assignable_users(user)
        self.fields["area"].queryset = areas_for(user)
        self.initial.setdefault("area", user.areas.order_by("path").values_list("pk", flat=True).first())

    def clean_matter(self):
        code = self.cleaned_data["matter"].strip()
        if not code:
            return None
        matter = queries.matter_by_code(self.user, code)
        if matter is None:
            raise ValidationError(_("No matter with that tracking code in your area of work."))
        return matter

