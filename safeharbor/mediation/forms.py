"""Forms of the mediation pages: shape only; every rule lives in actions.py. Each action form
knows which action it feeds (`apply`)."""

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeharbor.core import access
from safeharbor.core.models import Area, User
from safeharbor.mediation import actions
from safeharbor.mediation.models import Agreement, Case, Committee, Party, Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of dispute"), choices=Case.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    facts = forms.CharField(label=_("Facts of the dispute"), widget=forms.Textarea(attrs={"rows": 4}))
    claims = forms.CharField(label=_("Disputed items and requests"), widget=TEXT, required=False)
    amount = forms.DecimalField(label=_("Amount in dispute (yuan)"), required=False, min_value=0, decimal_places=2,
                                max_digits=12)
    source = forms.ChoiceField(label=_("Source"), choices=[c for c in Case.Source.choices if c[0] != "matter"])
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=None, required=False)
    committee = forms.ModelChoiceField(label=_("Committee (if known)"), queryset=Committee.objects.none(),
                                       required=False)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=Case.Risk.choices, initial=Case.Risk.LOW)
    risk_violence = forms.BooleanField(label=_("may turn violent or criminal"), required=False)
    risk_group = forms.BooleanField(label=_("group dispute"), required=False)
    risk_vulnerable = forms.BooleanField(label=_("minors or vulnerable people involved"), required=False)
    risk_note = forms.CharField(label=_("Risk assessment"), widget=TEXT, required=False)

    def __init__(self, *args, user, matter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.matter = matter
        self.fields["area"].queryset = access.visible_areas(user).order_by("path")
        self.fields["harbor"].queryset = access.visible_harbors(user)
        self.fields["committee"].queryset = access.visible_mediation_committees(user)
        if matter is not None:  # place and source come from the matter
            for name in ("area", "harbor", "source"):
                del self.fields[name]


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Person or organization"), choices=Party.Kind.choices)
    role = forms.ChoiceField(label=_("Role in the dispute"), choices=Party.Role.choices)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Party.Gender.choices, required=False)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    id_number = forms.CharField(label=_("ID number or credit code"), max_length=30, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    representative = forms.CharField(label=_("Legal representative"), max_length=60, required=False)


PartyFormSet = formset_factory(PartyForm, extra=0, min_num=2, max_num=10)


# --- action forms on the case page ------------------------------------------------------------


class ActionForm(forms.Form):
    def __init__(self, *args, case: Case, user, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)

    def apply(self):
        raise NotImplementedError


class AddPartyForm(ActionForm, PartyForm):
    def apply(self):
        return actions.add_party(self.case, actor=self.user, **self.cleaned_data)


class RiskForm(ActionForm):
    level = forms.ChoiceField(label=_("Risk level"), choices=Case.Risk.choices)
    violence = forms.BooleanField(label=_("may turn violent or criminal"), required=False)
    group = forms.BooleanField(label=_("group dispute"), required=False)
    vulnerable = forms.BooleanField(label=_("minors or vulnerable people involved"), required=False)
    note = forms.CharField(label=_("Assessment"), widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        c = self.case
        self.initial.update(level=c.risk_level, violence=c.risk_violence, group=c.risk_group,
                            vulnerable=c.risk_vulnerable, note=c.risk_note)

    def apply(self):
        return actions.assess_risk(self.case, actor=self.user, **self.cleaned_data)


class AcceptForm(ActionForm):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    mediators = forms.ModelMultipleChoiceField(label=_("Mediators"), queryset=User.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committees = [c for c in access.visible_mediation_committees(self.user).filter(active=True)
                      if self.case.area.path.startswith(c.area.path)]
        self.fields["committee"].queryset = Committee.objects.filter(pk__in=[c.pk for c in committees])
        self.fields["mediators"].queryset = User.objects.filter(
            role=User.Role.MEDIATOR, is_active=True, mediation_memberships__committee__in=committees).distinct()
        self.fields["mediators"].label_from_instance = lambda u: u.display_name
        mine = [c for c in committees if c.members.filter(user=self.user).exists()]
        if self.case.committee_id:
            self.initial["committee"] = self.case.committee_id
        elif mine:
            self.initial["committee"] = max(mine, key=lambda c: c.area.depth).pk
        if self.user.role == User.Role.MEDIATOR:
            self.initial["mediators"] = [self.user.pk]

    def apply(self):
        return actions.accept_case(self.case, actor=self.user, **self.cleaned_data)


class ConsentForm(ActionForm):
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.none())
    agrees = forms.TypedChoiceField(label=_("Consent to mediation"), coerce=lambda v: v == "yes",
                                    choices=[("yes", _("agrees")), ("no", _("declines"))], widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = self.case.parties.all()

    def apply(self):
        return actions.record_consent(self.case, actor=self.user, **self.cleaned_data)


class GuidanceForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=TEXT)
    guidance = forms.ChoiceField(label=_("Guided to"), choices=Case.Guidance.choices)
    guidance_note = forms.CharField(label=_("Guidance given"), widget=TEXT)


class DeclineForm(GuidanceForm):
    def apply(self):
        return actions.decline_case(self.case, actor=self.user, **self.cleaned_data)


class FailureForm(GuidanceForm):
    def apply(self):
        return actions.record_failure(self.case, actor=self.user, **self.cleaned_data)


class JointForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("Member unit"), queryset=None)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.visible_units(self.user).filter(active=True)

    def apply(self):
        return actions.invite_joint_unit(self.case, actor=self.user, **self.cleaned_data)


class SessionForm(ActionForm):
    held_at = forms.DateTimeField(label=_("Date and time of the session"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M",
                                                                                       "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200)
    participants = forms.CharField(label=_("Participants"), widget=TEXT)
    record = forms.CharField(label=_("Record"), widget=forms.Textarea(attrs={"rows": 5}))
    joint_units = forms.ModelMultipleChoiceField(label=_("Joint mediation units present"), queryset=None,
                                                 required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joint_units"].queryset = self.case.joint_units.all()
        self.initial.setdefault("held_at", timezone.localtime().replace(second=0, microsecond=0))
        if self.case.committee and self.case.committee.address:
            self.initial.setdefault("place", self.case.committee.address)

    def apply(self):
        return actions.record_session(self.case, actor=self.user, **self.cleaned_data)


class AgreementForm(ActionForm):
    form = forms.ChoiceField(label=_("Form"), choices=Agreement.Form.choices)
    parties = forms.ModelMultipleChoiceField(label=_("Parties bound by it"), queryset=Party.objects.none(),
                                             widget=forms.CheckboxSelectMultiple, required=False)
    facts = forms.CharField(label=_("Main facts and disputed items"), widget=TEXT)
    responsibilities = forms.CharField(label=_("Responsibilities"), widget=TEXT)
    content = forms.CharField(label=_("Agreed content"), widget=forms.Textarea(attrs={"rows": 5}))
    performance_method = forms.CharField(label=_("Way of performance"), widget=TEXT)
    performance_deadline = forms.DateField(label=_("Performance deadline"), widget=DATE)
    signed_on = forms.DateField(label=_("Concluded on"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = self.case.parties.all()
        self.initial.setdefault("parties", [p.pk for p in self.case.parties.all()])
        self.initial.setdefault("facts", self.case.facts)
        self.initial.setdefault("signed_on", timezone.localdate())

    def apply(self):
        return actions.record_agreement(self.case, actor=self.user, **self.cleaned_data)


class EscalateForm(ActionForm):
    reason = forms.CharField(label=_("Why the committee could not settle it"), widget=TEXT)

    def apply(self):
        return actions.escalate_case(self.case, actor=self.user, **self.cleaned_data)


class ConfirmationForm(ActionForm):
    status = forms.ChoiceField(label=_("State"), choices=[c for c in Case.Confirmation.choices if c[0]])
    court = forms.CharField(label=_("Court"), max_length=100, initial="乌海市乌达区人民法院")
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def apply(self):
        return actions.record_confirmation(self.case, actor=self.user, **self.cleaned_data)


class VisitForm(ActionForm):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    result = forms.ChoiceField(label=_("Performance"), choices=[c for c in Case.Performance.choices if c[0]])
    note = forms.CharField(label=_("What was found"), widget=TEXT)
    next_step = forms.ChoiceField(label=_("Next step"), choices=Visit.NextStep.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_on", timezone.localdate())

    def apply(self):
        return actions.record_visit(self.case, actor=self.user, **self.cleaned_data)


class ArchiveForm(ActionForm):
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def apply(self):
        return actions.archive_case(self.case, actor=self.user, **self.cleaned_data)


class StatsForm(forms.Form):
    start = forms.DateField(label=_("Registered from"), widget=DATE)
    end = forms.DateField(label=_("Registered until"), widget=DATE)
    group = forms.ChoiceField(label=_("Per"), choices=[("committee", _("committee")), ("area", _("area")),
                                                        ("kind", _("type"))], required=False)
