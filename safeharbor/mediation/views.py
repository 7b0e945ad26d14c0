"""Staff pages of people's mediation: access helper → form → action → redirect or render."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeharbor.core import access
from safeharbor.core.actions import record_audit
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.models import AuditLog
from safeharbor.mediation import actions, documents, exports, forms, queries, rules
from safeharbor.mediation.models import Case, Committee

PER_PAGE = 50


@dataclass(frozen=True)
class ActionSpec:
    title: str
    button: str
    form_class: type
    primary: bool = False


# In the order they appear on the case page.
ACTIONS = {
    "accept": ActionSpec(gettext_lazy("Accept for a committee"), gettext_lazy("Accept the case"), forms.AcceptForm, True),
    "consent": ActionSpec(gettext_lazy("Record consent"), gettext_lazy("Record"), forms.ConsentForm, True),
    "session": ActionSpec(gettext_lazy("Record a session"), gettext_lazy("Record the session"), forms.SessionForm,
                          True),
    "agreement": ActionSpec(gettext_lazy("Agreement reached"), gettext_lazy("Record the agreement"),
                            forms.AgreementForm),
    "failure": ActionSpec(gettext_lazy("No agreement"), gettext_lazy("Record no agreement"), forms.FailureForm),
    "visit": ActionSpec(gettext_lazy("Follow-up visit"), gettext_lazy("Record the visit"), forms.VisitForm, True),
    "archive": ActionSpec(gettext_lazy("Archive"), gettext_lazy("Archive with a number"), forms.ArchiveForm, True),
    "confirmation": ActionSpec(gettext_lazy("Judicial confirmation"), gettext_lazy("Save"), forms.ConfirmationForm),
    "risk": ActionSpec(gettext_lazy("Risk assessment"), gettext_lazy("Save the assessment"), forms.RiskForm),
    "party": ActionSpec(gettext_lazy("Add a party"), gettext_lazy("Add"), forms.AddPartyForm),
    "joint": ActionSpec(gettext_lazy("Invite a unit to joint mediation"), gettext_lazy("Invite"), forms.JointForm),
    "escalate": ActionSpec(gettext_lazy("Escalate to the higher committee"), gettext_lazy("Escalate"),
                           forms.EscalateForm),
    "decline": ActionSpec(gettext_lazy("Mediation declined"), gettext_lazy("Record the decline"), forms.DeclineForm),
}


def _case_or_404(user, pk) -> Case:
    return access.get_visible_or_404(
        access.visible_mediation_cases(user).select_related("committee", "area", "harbor", "matter", "created_by"),
        pk=pk)


@login_required
def case_list(request):
    filters = {name: request.GET.get(name, "").strip() for name in ("status", "kind", "committee", "risk", "q")}
    cases = queries.case_list(request.user, **filters)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "mediation/case_list.html", {
        "page": page, "filters": filters, "statuses": Case.Status.choices, "kinds": Case.Kind.choices,
        "risks": Case.Risk.choices, "committees": queries.committees_for(request.user),
        "follow_ups": queries.follow_ups_due(request.user)[:20], "section": "cases", "can_register": rules.can_register(request.user),
    })


@login_required
def case_new(request):
    if not rules.can_register(request.user):
        raise PermissionDenied
    matter = None
    if request.GET.get("matter") or request.POST.get("matter"):
        matter = access.get_visible_or_404(access.visible_matters(request.user),
                                           pk=request.GET.get("matter") or request.POST.get("matter"))
    initial, party_initial = {}, None
    if matter is not None:
        defaults = actions.case_defaults_from_matter(matter)
        party_initial = defaults.pop("parties") or None
        initial = defaults
    form = forms.CaseForm(request.POST or None, user=request.user, matter=matter, initial=initial)
    parties = forms.PartyFormSet(request.POST or None, prefix="parties", initial=party_initial)
    status = 200
    if request.method == "POST" and form.is_valid() and parties.is_valid():
        data = dict(form.cleaned_data)
        try:
            case = actions.register_case(actor=request.user, matter=matter, parties=parties.cleaned_data, **data)
        except ActionError as error:
            status = add_action_error(form, error)
        else:
            messages.success(request, _("The case is registered."))
            return redirect("mediation:detail", case.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "mediation/case_new.html", {"form": form, "parties": parties, "matter": matter, "section": "cases"},
                  status=status)


def _panels(request, case, allowed, failed: tuple[str, forms.ActionForm] | None = None):
    panels = []
    for name, spec in ACTIONS.items():
        if name not in allowed:
            continue
        if failed and failed[0] == name:
            form, is_open = failed[1], True
        else:
            form, is_open = spec.form_class(case=case, user=request.user), spec.primary
        panels.append({"name": name, "spec": spec, "form": form, "open": is_open})
    return panels


def _render_detail(request, case, *, failed=None, status=200):
    allowed = rules.allowed_actions(request.user, case)
    return render(request, "mediation/case_detail.html", {
        "case": case, "section": "cases", "parties": case.parties.all(), "sessions": case.sessions.prefetch_related("joint_units"),
        "agreement": getattr(case, "agreement", None), "visits": case.visits.all(),
        "events": case.events.select_related("actor"), "mediators": case.mediators.all(),
        "joint_units": case.joint_units.all(), "panels": _panels(request, case, allowed, failed),
        "escalation_target": actions.escalation_target(case) if "escalate" in allowed else None,
        "limit_days": actions.time_limit(case.committee.level) if case.committee else None,
        "overdue": queries.overdue_state(case), "follow_up": queries.follow_up_state(case),
    }, status=status)


@login_required
def case_detail(request, pk):
    return _render_detail(request, _case_or_404(request.user, pk))


@login_required
@require_POST
def case_action(request, pk, action):
    case = _case_or_404(request.user, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    access.require_write(request.user)
    form = spec.form_class(request.POST, case=case, user=request.user)
    if form.is_valid():
        try:
            form.apply()
        except ActionError as error:
            status = add_action_error(form, error)
        else:
            messages.success(request, _("Saved: %(what)s.") % {"what": spec.title})
            return redirect("mediation:detail", case.pk)
    else:
        status = 400
    return _render_detail(request, _case_or_404(request.user, pk), failed=(action, form), status=status)


@login_required
def agreement_pdf(request, pk):
    case = _case_or_404(request.user, pk)
    agreement = getattr(case, "agreement", None)
    if agreement is None or agreement.form != agreement.Form.WRITTEN:
        raise Http404
    # The document prints the parties' names and numbers in full: an audited act.
    record_audit(actor=request.user, action=AuditLog.Action.EXPORT, target=case, field="agreement",
                 reason=_("mediation agreement printed"), ip=request.META.get("REMOTE_ADDR"))
    response = HttpResponse(documents.agreement_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{case.pk}.pdf"'
    return response


@login_required
def committee_list(request):
    committees = queries.committees_for(request.user).prefetch_related("members")
    return render(request, "mediation/committee_list.html", {
        "committees": committees, "limits": {level: actions.time_limit(level) for level in actions.DEFAULT_LIMITS},
        "levels": Committee.Level.choices, "section": "committees",
    })


@login_required
def committee_detail(request, pk):
    committee = access.get_visible_or_404(queries.committees_for(request.user), pk=pk)
    cases = queries.case_list(request.user).filter(committee=committee)[:100]
    return render(request, "mediation/committee_detail.html", {
        "committee": committee, "members": committee.members.select_related("user"),
        "load": queries.committee_load(committee), "cases": cases,
        "limit_days": actions.time_limit(committee.level), "section": "committees",
    })


def _period(request) -> tuple[forms.StatsForm, date, date, str]:
    today = timezone.localdate()
    first = today.replace(day=1)
    default_start = (first - timedelta(days=1)).replace(day=1) if today.day < 6 else first
    form = forms.StatsForm(request.GET or None, initial={"start": default_start, "end": today, "group": "committee"})
    start, end, group = default_start, today, "committee"
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        group = form.cleaned_data["group"] or "committee"
        if end < start:
            start, end = end, start
    return form, start, end, group


@login_required
def stats(request):
    form, start, end, group = _period(request)
    data = queries.statistics(request.user, start=start, end=end, group=group)
    return render(request, "mediation/stats.html", {"form": form, "stats": data, "section": "stats"})


@login_required
def stats_export(request):
    _form, start, end, group = _period(request)
    data = queries.statistics(request.user, start=start, end=end, group=group)
    record_audit(actor=request.user, action=AuditLog.Action.EXPORT, target_type="mediation.statistics",
                 target_repr=f"{start}..{end} {group}", ip=request.META.get("REMOTE_ADDR"))
    response = HttpResponse(exports.statistics_xlsx(data, title_area=_scope_name(request.user)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="mediation-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


def _scope_name(user) -> str:
    areas = list(access.visible_areas(user).order_by("depth", "path")[:1])
    return areas[0].name if areas else ""


@login_required
def from_matter(request, pk):
    """The dispatcher's way in from a matter page: the case of the matter, or a new one."""
    matter = access.get_visible_or_404(access.visible_matters(request.user), pk=pk)
    case = Case.objects.filter(matter=matter).first()
    if case is not None and access.visible_mediation_cases(request.user).filter(pk=case.pk).exists():
        return redirect("mediation:detail", case.pk)
    if case is not None:
        raise Http404
    return redirect(f"{reverse('mediation:new')}?matter={matter.pk}")

