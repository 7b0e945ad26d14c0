"""Forms of the campus pages: input shape only; the rules live in actions.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.campus.models import Guard, Hazard, Incident, PsychActivity, PsychCase, PsychModule, Slot
from safeharbor.core.models import User
from safeharbor.matters.forms import DateInput, DateTimeInput, MultipleFileField, MultipleFileInput, textarea
from safeharbor.matters.models import Meeting


class ProfileForm(forms.Form):
    safety_officer = forms.ModelChoiceField(label=_("Safety officer"), queryset=None, required=False)
    psych_lead = forms.ModelChoiceField(label=_("Psychology lead"), queryset=None, required=False)
    designated_leader = forms.ModelChoiceField(
        label=_("Designated school leader"), queryset=None, required=False,
        help_text=_("The one school leader who may read individual psychology records."),
    )
    gate_lat = forms.FloatField(label=_("Gate latitude"), required=False)
    gate_lon = forms.FloatField(label=_("Gate longitude"), required=False)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(school=school, is_active=True).order_by("full_name")
        for name in ("safety_officer", "psych_lead", "designated_leader"):
            self.fields[name].queryset = staff


class ClassForm(forms.Form):
    grade_name = forms.CharField(label=_("Grade"), max_length=40, help_text=_("e.g. 初一年级"))
    name = forms.CharField(label=_("Class"), max_length=40, help_text=_("e.g. 3班"))
    student_count = forms.IntegerField(label=_("Students"), min_value=0, max_value=200)
    head_teacher = forms.CharField(label=_("Head teacher"), max_length=40, required=False)


class MonitorForm(forms.Form):
    name = forms.CharField(label=_("Class psychology monitor"), max_length=40, required=False)


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room"), max_length=60)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500, initial=1)


class BookingForm(forms.Form):
    room = forms.ModelChoiceField(label=_("Room"), queryset=None)
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())
    purpose = forms.CharField(label=_("Purpose"), max_length=200)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = school.rooms.all()


JOINT_KIND_CHOICES = [(Meeting.Kind.SCHOOL_SAFETY, Meeting.Kind.SCHOOL_SAFETY.label),
                      (Meeting.Kind.SCHOOL_SURROUNDINGS, Meeting.Kind.SCHOOL_SURROUNDINGS.label)]


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=JOINT_KIND_CHOICES)
    every_months = forms.IntegerField(label=_("Every (months)"), min_value=1, max_value=12, initial=1)
    first_on = forms.DateField(label=_("First meeting on"), widget=DateInput(), initial=timezone.localdate)


class JointMeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=JOINT_KIND_CHOICES)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    attending_units = forms.ModelMultipleChoiceField(label=_("Attending units"), queryset=None, required=False,
                                                     widget=forms.CheckboxSelectMultiple)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=textarea(3), max_length=5000)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=textarea(4), max_length=50000)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attending_units"].queryset = units


class HazardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Hazard.Kind.choices)
    description = forms.CharField(label=_("What is there"), widget=textarea(3), max_length=5000)
    address = forms.CharField(label=_("Place"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    lon = forms.FloatField(label=_("Longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}),
                           help_text=_("Click the map to fill in the point."))
    photos = MultipleFileField(label=_("Photos before"), help_text=_("Up to 3 photos."),
                               widget=MultipleFileInput(attrs={"accept": "image/*"}))


class InspectionForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Rectified")), ("no", _("Not rectified: send back to the unit"))],
    )
    note = forms.CharField(label=_("What was found"), widget=textarea(2), max_length=2000)
    photos = MultipleFileField(label=_("Photos after"), help_text=_("Up to 3 photos."),
                               widget=MultipleFileInput(attrs={"accept": "image/*"}))


class GateForm(forms.Form):
    name = forms.CharField(label=_("Gate"), max_length=60)
    people_per_slot = forms.IntegerField(label=_("People needed per slot"), min_value=1, max_value=20, initial=2)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)


class TermForm(forms.Form):
    name = forms.CharField(label=_("Term"), max_length=60)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())


class GuardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Guard.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=40)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)


class RosterForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=None)
    gate = forms.ModelChoiceField(label=_("Gate"), queryset=None)
    slots = forms.MultipleChoiceField(label=_("Times of day"), choices=Slot.choices, initial=list(Slot.values),
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = school.terms.all()
        self.fields["gate"].queryset = school.gates.all()


class SignInForm(forms.Form):
    phone = forms.CharField(label=_("Your mobile phone"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel",
                                                          "autofocus": True}))


class LessonForm(forms.Form):
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), initial=timezone.localdate)
    module = forms.ChoiceField(label=_("Module"), choices=PsychModule.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PsychActivity.Kind.choices)
    module = forms.ChoiceField(label=_("Module"), choices=[("", "—"), *PsychModule.choices], required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput(), required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2))


class CaseForm(forms.Form):
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=PsychCase.Kind.choices, initial=PsychCase.Kind.CRISIS)
    risk = forms.ChoiceField(label=_("Risk grade"), choices=PsychCase.Risk.choices)
    source = forms.ChoiceField(label=_("Screening source"), choices=PsychCase.Source.choices)
    student_name = forms.CharField(label=_("Pupil's name"), max_length=40)
    concern = forms.CharField(label=_("What was noticed"), widget=textarea(3), max_length=5000)
    safety_plan = forms.CharField(label=_("Safety plan"), widget=textarea(3), required=False, max_length=5000)
    guardian_name = forms.CharField(label=_("Guardian"), max_length=40, required=False)
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=20, required=False)
    guardian_consent = forms.BooleanField(label=_("Guardian informed and consents"), required=False)
    referral = forms.CharField(label=_("Referral (hospital, department)"), max_length=200, required=False)
    referred_on = forms.DateField(label=_("Referred on"), widget=DateInput(), required=False)
    next_follow_up = forms.DateField(label=_("Next follow-up"), widget=DateInput(), required=False)

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class CaseFollowUpForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=textarea(3), max_length=5000)
    risk = forms.ChoiceField(label=_("Risk grade now"), choices=PsychCase.Risk.choices)
    next_follow_up = forms.DateField(label=_("Next follow-up"), widget=DateInput(), required=False)
    referral = forms.CharField(label=_("New referral (hospital, department)"), max_length=200, required=False)


class CloseCaseForm(forms.Form):
    note = forms.CharField(label=_("Why the case can be closed"), widget=textarea(2), max_length=5000)


class RevealForm(forms.Form):
    field = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why you need to see it in full"), max_length=200)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Incident.Kind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Incident.Severity.choices)
    occurred_at = forms.DateTimeField(label=_("Occurred at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("What happened"), widget=textarea(3), max_length=5000)
    safety_accident = forms.BooleanField(label=_("Counts as a campus safety accident"), required=False)
    crime_case = forms.BooleanField(label=_("A criminal or public-order case"), required=False)
