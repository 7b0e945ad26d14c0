"""Forms of the services app: shape of the input only; the rules are in actions.py."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeharbor.core import access
from safeharbor.core.models import Area, Category, Harbor, Port, Unit
from safeharbor.services import queries
from safeharbor.services.models import AidResource, DutyRoster, DutySlot, Event, Service

TEL = {"inputmode": "tel", "autocomplete": "tel"}
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplyForm(forms.Form):
    """The resident's application (online) and the clerk's (at the desk)."""

    name = forms.CharField(label=pgettext_lazy("applicant", "Full name"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs=TEL))
    id_number = forms.CharField(label=_("ID card number"), max_length=18, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    details = forms.CharField(label=_("What do you need?"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class DeskApplyForm(ApplyForm):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    materials = forms.MultipleChoiceField(label=_("Materials handed in"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        services = access.visible_services(user).filter(active=True).select_related("harbor")
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: f"{s.harbor.name} · {s.name}"
        self.fields["materials"].choices = sorted({(m, m) for s in services for m in s.materials or []})
        self.fields["name"].label = _("Applicant's name")
        self.fields["details"].label = _("What the applicant asks for")


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=30)
    check = forms.CharField(label=_("Check code"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class SupplementForm(forms.Form):
    text = forms.CharField(label=_("Add information"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class MaterialsForm(forms.Form):
    materials = forms.MultipleChoiceField(label=_("Materials received"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = [(m, m) for m in service.materials or []]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=pgettext_lazy("service application", "Decision"),
                                 choices=[("approve", pgettext_lazy("service application", "Approve")),
                                          ("refuse", _("Refuse"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reasons / note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    event = forms.ModelChoiceField(label=_("Training to enroll in"), queryset=Event.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        self.fields["event"].queryset = access.visible_events(user).filter(
            is_training=True, ends_at__gte=timezone.now()).order_by("starts_at")


class DeliverForm(forms.Form):
    note = forms.CharField(label=_("Outcome"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    job = forms.ModelChoiceField(label=_("Job opening"), queryset=None, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    job_title = forms.CharField(label=_("Job"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].queryset = access.visible_jobs(user)


class RevealForm(forms.Form):
    field = forms.CharField(max_length=40, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why do you need to see it in full?"), max_length=200)


class ServiceForm(forms.ModelForm):
    materials_text = forms.CharField(label=_("Materials required (one a line)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))

    class Meta:
        model = Service
        fields = ["harbor", "port", "code", "name", "provider_unit", "category", "description", "eligibility",
                  "time_limit_days", "outcome", "online", "active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["harbor"].queryset = access.visible_service_harbors(user)
        self.fields["port"].queryset = access.visible_ports(user)
        self.fields["provider_unit"].queryset = access.visible_units(user)
        self.fields["category"].queryset = Category.objects.filter(active=True)
        if self.instance.pk:
            self.fields["materials_text"].initial = "\n".join(self.instance.materials or [])


class JobForm(forms.Form):
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=Harbor.objects.none())
    port = forms.ModelChoiceField(label=_("Port"), queryset=Port.objects.none(), required=False)
    collected_by = forms.ModelChoiceField(label=_("Collected by"), queryset=Unit.objects.none())
    employer = forms.CharField(label=_("Employer"), max_length=100)
    title = forms.CharField(label=_("Job"), max_length=100)
    positions = forms.IntegerField(label=_("Positions"), min_value=1, initial=1)
    salary = forms.CharField(label=_("Pay"), max_length=60, required=False)
    place = forms.CharField(label=_("Place of work"), max_length=100, required=False)
    contact = forms.CharField(label=_("Employer's contact"), max_length=100, required=False)
    description = forms.CharField(label=_("Requirements and duties"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    valid_until = forms.DateField(label=_("Open until"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["harbor"].queryset = access.visible_service_harbors(user)
        self.fields["port"].queryset = access.visible_service_ports(user)
        self.fields["collected_by"].queryset = access.visible_units(user)
        if user.unit_id:
            self.fields["collected_by"].initial = user.unit_id


class PlaceForm(forms.Form):
    certified = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class FamilyForm(forms.Form):
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=Harbor.objects.none())
    area = forms.ModelChoiceField(label=_("Community"), queryset=Area.objects.none())
    household = forms.CharField(label=_("Head of household"), max_length=40)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs=TEL))
    nominated_by = forms.CharField(label=_("Nominated by"), max_length=100, required=False)
    applied = forms.BooleanField(label=_("The family applied itself"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        harbors = access.visible_service_harbors(user).filter(ports__isnull=False).distinct()
        self.fields["harbor"].queryset = harbors
        self.fields["area"].queryset = communities = queries.nomination_communities(user)
        own = harbors.first()
        if own is not None and communities.filter(pk=own.area_id).exists():
            self.fields["area"].initial = own.area_id  # the harbor's own community first


class PublicFamilyForm(forms.Form):
    """A family applies for the safe-family title online."""

    area = forms.ModelChoiceField(label=_("Your community"), queryset=Area.objects.none())
    household = forms.CharField(label=_("Head of household"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs=TEL))
    address = forms.CharField(label=_("Address"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    visit = forms.BooleanField(label=_("We agree that the women's federation visits us for the assessment"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = queries.public_family_communities()


class CriterionForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Criterion"), max_length=200, required=False)
    required = forms.BooleanField(label=pgettext_lazy("safe-family criterion", "Required"), required=False,
                                  initial=True)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("text", "required", "active"):  # a table row: the column heads are the labels
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label


CriteriaFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True, max_num=40)


class AssessForm(forms.Form):
    met = forms.MultipleChoiceField(label=_("Criteria met"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Assessment note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["met"].choices = [(str(c.pk), c.text + ("" if c.required else " *")) for c in criteria]


class EventForm(forms.Form):
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=Harbor.objects.none())
    port = forms.ModelChoiceField(label=_("Host port"), queryset=Port.objects.none(), required=False)
    by_rotation = forms.BooleanField(label=_("Hosted by the duty rotation"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=150)
    trainers = forms.CharField(label=_("Trainers (volunteers included)"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=150, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, initial=30)
    public = forms.BooleanField(label=_("Open for online sign-up"), required=False, initial=True)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["harbor"].queryset = access.visible_service_harbors(user)
        self.fields["port"].queryset = access.visible_service_ports(user)


class EnrollForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("applicant", "Full name"), max_length=40)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs=TEL))


class CheckInForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone you signed up with"), max_length=20,
                            widget=forms.TextInput(attrs=TEL))
    name = forms.CharField(label=_("Name (only if you did not sign up)"), max_length=40, required=False)


class PhotoForm(forms.Form):
    file = forms.ImageField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class HotlineForm(forms.Form):
    port = forms.ModelChoiceField(label=_("Hotline"), queryset=Port.objects.none())
    phone = forms.CharField(label=_("Caller's number"), max_length=20, widget=forms.TextInput(
        attrs={**TEL, "autofocus": True}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    description = forms.CharField(label=_("What the caller says"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ports = access.visible_service_ports(user).exclude(hotline_number="")
        self.fields["port"].queryset = ports
        self.fields["port"].label_from_instance = lambda p: f"{p.hotline_name} {p.hotline_number} · {p.name}"
        if user.port_id and ports.filter(pk=user.port_id).exists():
            self.fields["port"].initial = user.port_id
        self.fields["category"].queryset = Category.objects.filter(code__startswith="rights.", active=True)


class RosterForm(forms.Form):
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=Harbor.objects.none())
    title = forms.CharField(label=_("Title"), max_length=100)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    kinds = forms.MultipleChoiceField(label=_("What is rotated"), choices=DutyRoster.Kind.choices,
                                      widget=forms.CheckboxSelectMultiple, initial=["duty"])
    unavailable = forms.CharField(
        label=_("Unavailable dates"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line per organization: port name, then dates, e.g. 青年港: 2027-01-05 2027-01-06"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["harbor"].queryset = access.visible_service_harbors(user).filter(ports__isnull=False).distinct()


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, slot):
        return _slot_label(slot)


def _slot_label(slot) -> str:
    from django.utils.formats import date_format

    return f"{date_format(slot.date, 'Y-m-d D')} · {slot.get_kind_display()} · {slot.port.name}"


class SwapForm(forms.Form):
    """Pick the two days: one of the user's own upcoming days (any day for the harbor's staff)
    and a day of the same kind of another organization."""

    slot = SlotChoiceField(label=_("Your day"), queryset=DutySlot.objects.none())
    with_slot = SlotChoiceField(label=_("For a day of another organization"), queryset=DutySlot.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, roster, **kwargs):
        super().__init__(*args, **kwargs)
        mine, others = queries.swap_choices(user, roster)
        self.fields["slot"].queryset = mine
        self.fields["with_slot"].queryset = others
        self.fields["slot"].widget.choices = _grouped(self.fields["slot"], mine)
        self.fields["with_slot"].widget.choices = _grouped(self.fields["with_slot"], others)

    def clean(self):
        data = super().clean()
        slot, other = data.get("slot"), data.get("with_slot")
        if slot and other and slot.port_id == other.port_id:
            self.add_error("with_slot", _("Choose a day of another organization."))
        elif slot and other and slot.kind != other.kind:
            self.add_error("with_slot", _("Swap a day for a day of the same kind."))
        return data


def _grouped(field, slots) -> list:
    """The options grouped by what is rotated, then by month."""
    groups: dict = {}
    for slot in slots:
        key = f"{slot.get_kind_display()} · {slot.date:%Y-%m}"
        groups.setdefault(key, []).append((slot.pk, _slot_label(slot)))
    return [("", "---------"), *groups.items()]


class ResourceForm(forms.Form):
    port = forms.ModelChoiceField(label=_("Offered by"), queryset=Port.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=AidResource.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    unit_label = forms.CharField(label=_("Measured in"), max_length=20)
    quantity = forms.DecimalField(label=_("Amount offered"), min_value=0, decimal_places=2)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["port"].queryset = access.visible_service_ports(user)


class BeneficiaryForm(forms.Form):
    port = forms.ModelChoiceField(label=_("Registered by"), queryset=Port.objects.none())
    name = forms.CharField(label=_("Name"), max_length=40)
    id_number = forms.CharField(label=_("ID card number"), max_length=18)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs=TEL))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    consent = forms.BooleanField(label=_("The person consents to sharing among the organizations"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["port"].queryset = access.visible_service_ports(user)
        if user.port_id:
            self.fields["port"].initial = user.port_id


class AllocateForm(forms.Form):
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=AidResource.objects.none())
    quantity = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        resources = access.visible_aid_resources(user).filter(harbor=beneficiary.harbor)
        if not access.is_admin(user) and user.role != user.Role.HARBOR_STAFF:  # give from their own org's only
            resources = resources.filter(Q(port_id=user.port_id) | Q(port__owner_unit_id=user.unit_id))
        self.fields["resource"].queryset = resources


class ReportForm(forms.Form):
    harbor = forms.ModelChoiceField(label=_("Harbor"), queryset=Harbor.objects.none(), required=False)
    port = forms.ModelChoiceField(label=_("Port"), queryset=Port.objects.none(), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["harbor"].queryset = access.visible_service_harbors(user).filter(ports__isnull=False).distinct()
        self.fields["port"].queryset = access.visible_service_ports(user)
