"""Forms of the campaign pages: input shape only; the rules live in actions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from safeharbor.campaigns.models import Clue
from safeharbor.core.models import Area
from safeharbor.matters.forms import (
    AreaChoiceField,
    DateInput,
    DateTimeInput,
    MultipleFileField,
    areas_for,
    textarea,
    units_for,
)


def campaign_areas(user):
    """Areas a campaign may run in: the user's, or (for a unit's staff) the unit's area or,
    for a district-wide unit, every area."""
    unit = user.unit if user.unit_id else None
    if unit is not None and unit.area_id is None:
        return Area.objects.order_by("path")
    if unit is not None:
        return (areas_for(user) | Area.subtree_of(unit.area)).distinct().order_by("path")
    return areas_for(user)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None)
    participating_units = forms.ModelMultipleChoiceField(label=_("Participating units"), queryset=None,
                                                         widget=forms.CheckboxSelectMultiple)
    area = AreaChoiceField(label=_("Area"), queryset=None)
    start_date = forms.DateField(label=_("Starts on"), widget=DateInput())
    end_date = forms.DateField(label=_("Ends on"), widget=DateInput())
    goals = forms.CharField(label=_("Goals"), widget=textarea(4), max_length=5000)
    report_every_days = forms.IntegerField(label=_("Progress report every (days)"), min_value=1, max_value=92,
                                           initial=14)
    public_clues = forms.BooleanField(label=_("Accept clues from the public"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(user)
        self.fields["lead_unit"].queryset = units
        self.fields["participating_units"].queryset = units
        self.fields["area"].queryset = campaign_areas(user)
        self.initial.setdefault("lead_unit", user.unit_id)
        self.initial.setdefault("area", campaign_areas(user).values_list("pk", flat=True).first())


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Phase"), max_length=60)
    start_date = forms.DateField(label=_("Starts on"), widget=DateInput())
    end_date = forms.DateField(label=_("Ends on"), widget=DateInput())


class CadenceForm(forms.Form):
    report_every_days = forms.IntegerField(label=_("Progress report every (days)"), min_value=1, max_value=92)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=60)
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=None, required=False)
    start_date = forms.DateField(label=_("Starts on"), widget=DateInput(), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    target = forms.CharField(label=_("Measurable target"), max_length=200)
    milestones = forms.CharField(label=_("Milestones"), widget=textarea(3), required=False, max_length=5000,
                                 help_text=_("One per line."))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = (campaign.participating_units.all() | type(campaign.lead_unit).objects
                                              .filter(pk=campaign.lead_unit_id)).distinct()
        self.fields["phase"].queryset = campaign.phases.all()


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=textarea(3), required=False, max_length=5000)
    minutes = forms.CharField(label=_("Minutes"), widget=textarea(4), required=False, max_length=50000)


class ReportForm(forms.Form):
    """The structured progress report; one percent field per task the unit owns."""

    highlights = forms.CharField(label=_("Highlights"), widget=textarea(3), required=False, max_length=5000)
    results = forms.CharField(label=_("Results achieved"), widget=textarea(3), max_length=5000)
    figures = forms.CharField(label=_("Results in numbers"), widget=textarea(3), required=False, max_length=2000,
                              help_text=_("One per line, e.g. “车辆检查: 120”."))
    problems = forms.CharField(label=_("Problems found"), widget=textarea(3), required=False, max_length=5000)
    next_steps = forms.CharField(label=_("Next steps"), widget=textarea(3), max_length=5000)
    files = MultipleFileField()

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = list(tasks)
        fields = {}
        for task in self.tasks:
            fields[f"task_{task.pk}"] = forms.IntegerField(
                label=_("%(task)s: percent done") % {"task": task.title},
                help_text=_("Target: %(target)s") % {"target": task.target},
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            )
        self.fields = {**fields, **self.fields}

    def progress(self) -> dict:
        return {task.pk: self.cleaned_data.get(f"task_{task.pk}") for task in self.tasks}


class BulletinForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), widget=DateInput())


class PublishForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks of the lead unit"), widget=textarea(4), required=False,
                              max_length=5000)


class ClueForm(forms.Form):
    """A clue registered by staff."""

    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Clue.Channel.choices if c[0] != "public"])
    text = forms.CharField(label=_("What the clue is"), widget=textarea(4), max_length=3000)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    name = forms.CharField(label=_("Name of the reporter"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone of the reporter"), max_length=40, required=False)


class VerifyClueForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit that must act"), queryset=None)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    verification = forms.CharField(label=_("What the verification found"), widget=textarea(3), max_length=5000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)


class CloseClueForm(forms.Form):
    reason = forms.CharField(label=_("Why it is closed"), widget=textarea(3), max_length=5000)


class PublicClueForm(forms.Form):
    text = forms.CharField(label=_("What did you see?"), widget=textarea(5), max_length=3000)
    place = forms.CharField(label=_("Where (road, checkpoint, company)"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False)
    name = forms.CharField(label=_("Your name (optional)"), max_length=60, required=False)
    phone = forms.CharField(label=_("Your phone"), max_length=40, required=False)


class TrackClueForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
    check = forms.CharField(label=_("Check code"), max_length=10)
