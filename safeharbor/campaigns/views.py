"""Staff pages of campaigns: access helper → form → action → redirect or render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeharbor.campaigns import actions, forms, pdf, queries
from safeharbor.campaigns.models import Bulletin, ReportAttachment
from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.models import masked
from safeharbor.publicity import queries as publicity_queries


def campaign_list(request):
    today = timezone.localdate()
    return render(request, "campaigns/campaign_list.html", {
        "campaigns": queries.campaign_list(request.user), "today": today,
        "can_create": access.can_write(request.user),
    })


def campaign_new(request):
    access.require_write(request.user)
    form = forms.CampaignForm(request.POST or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.create_campaign(actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Campaign created with the default phases. Add the tasks of the roadmap."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_new.html", {"form": form}, status=status)


def _detail_context(request, campaign, **forms_in) -> dict:
    user = request.user
    today = timezone.localdate()
    manage = queries.can_manage(user, campaign)
    visible = set(access.visible_matters(user).filter(campaign_task__campaign=campaign).values_list("pk", flat=True))
    tasks = queries.task_rows(campaign, today)
    for row in tasks:
        row["visible"] = row["task"].matter_id in visible
    meetings = [link.meeting for link in campaign.meeting_links.select_related("meeting")]
    return {
        "campaign": campaign, "manage": manage, "today": today,
        "can_report": queries.can_report(user, campaign),
        "phases": campaign.phases.all(), "current_phase": queries.current_phase(campaign, today),
        "elapsed": queries.elapsed_percent(campaign.start_date, campaign.end_date, today),
        "units": queries.reporting_units(campaign), "tasks": tasks,
        "matrix": [r for r in queries.report_matrix(campaign, today)
                   if manage or access.visible_progress_reports(user).filter(unit=r["unit"]).exists()
                   or r["unit"].pk == user.unit_id],
        "due_dates": campaign.report_due_dates(),
        "meetings": meetings,
        "bulletins": queries.bulletins_for(user, campaign),
        "publicity": publicity_queries.campaign_totals(campaign),
        "clue_stats": queries.clue_stats(campaign) if manage or access.visible_clues(user).exists() else None,
        "phase_form": forms_in.get("phase_form") or (forms.PhaseForm() if manage else None),
        "cadence_form": forms_in.get("cadence_form")
        or (forms.CadenceForm(initial={"report_every_days": campaign.report_every_days}) if manage else None),
        "bulletin_form": forms_in.get("bulletin_form") or (forms.BulletinForm(initial={"as_of": today}) if manage
                                                          else None),
    }


def campaign_detail(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign))


@require_POST
def phase_save(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    queries.require_manage(request.user, campaign)
    form = forms.PhaseForm(request.POST)
    phase = campaign.phases.filter(pk=request.POST.get("phase") or 0).first()
    status = 400
    if form.is_valid():
        try:
            actions.save_phase(campaign, actor=request.user, phase=phase, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Phase saved."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign, phase_form=form),
                  status=status)


@require_POST
def cadence(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    queries.require_manage(request.user, campaign)
    form = forms.CadenceForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.set_cadence(campaign, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Reporting cadence saved."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign, cadence_form=form),
                  status=status)


def task_new(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    queries.require_manage(request.user, campaign)
    meeting = None
    if request.GET.get("meeting") or request.POST.get("meeting"):
        meeting = access.get_visible_or_404(
            access.visible_meetings(request.user).filter(campaign_link__campaign=campaign),
            pk=request.GET.get("meeting") or request.POST.get("meeting"))
    form = forms.TaskForm(request.POST or None, campaign=campaign)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            task = actions.add_task(campaign, actor=request.user, meeting=meeting, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Task added as matter %(code)s of %(unit)s.") % {
                "code": task.matter.tracking_code, "unit": task.owner_unit.name})
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/task_new.html", {"campaign": campaign, "form": form, "meeting": meeting},
                  status=status)


def meeting_new(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    queries.require_manage(request.user, campaign)
    form = forms.MeetingForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.hold_dispatch_meeting(campaign, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Dispatch meeting recorded. Add its decisions as tasks."))
            return redirect(reverse("campaigns:task_new", args=[campaign.pk]) + f"?meeting={meeting.pk}")
    return render(request, "campaigns/meeting_new.html", {"campaign": campaign, "form": form}, status=status)


def report_new(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    if not queries.can_report(request.user, campaign):
        raise PermissionDenied
    unit = request.user.unit
    tasks = campaign.tasks.filter(owner_unit=unit)
    due = queries.next_due_date(campaign, unit)
    form = forms.ReportForm(request.POST or None, request.FILES or None, tasks=tasks)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("task_")}
        try:
            report = actions.file_report(campaign, actor=request.user, progress=form.progress(), **data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Progress report for %(due)s filed.") % {"due": report.due_date})
            return redirect("campaigns:report", report.pk)
    return render(request, "campaigns/report_new.html", {
        "campaign": campaign, "form": form, "due": due, "unit": unit,
        "previous": queries.unit_reports(campaign, unit)}, status=status)


def report_detail(request, pk):
    report = access.get_visible_or_404(
        access.visible_progress_reports(request.user).select_related("campaign", "unit", "submitted_by"), pk=pk)
    return render(request, "campaigns/report_detail.html", {
        "report": report, "campaign": report.campaign,
        "progress": report.task_progress.select_related("task"), "attachments": report.attachments.all()})


def report_file(request, pk):
    attachment = access.get_visible_or_404(
        ReportAttachment.objects.filter(report__in=access.visible_progress_reports(request.user)), pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def reports_list(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    return render(request, "campaigns/report_list.html", {
        "campaign": campaign, "reports": queries.reports_for(request.user, campaign)})


# --- bulletins ---------------------------------------------------------------------------------


@require_POST
def bulletin_new(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    queries.require_manage(request.user, campaign)
    form = forms.BulletinForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            bulletin = actions.generate_bulletin(campaign, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Draft bulletin generated. Review it, then publish it."))
            return redirect("campaigns:bulletin", bulletin.pk)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign, bulletin_form=form),
                  status=status)


def bulletin_detail(request, pk, publish_form=None, status=200):
    bulletin = queries.get_bulletin(request.user, pk)
    manage = queries.can_manage(request.user, bulletin.campaign)
    if publish_form is None and manage and bulletin.status == Bulletin.Status.DRAFT:
        publish_form = forms.PublishForm()
    return render(request, "campaigns/bulletin_detail.html", {
        "bulletin": bulletin, "campaign": bulletin.campaign, "c": bulletin.content, "publish_form": publish_form,
    }, status=status)


@require_POST
def bulletin_publish(request, pk):
    bulletin = queries.get_bulletin(request.user, pk)
    queries.require_manage(request.user, bulletin.campaign)
    form = forms.PublishForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.publish_bulletin(bulletin, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Bulletin published to the participating units."))
            return redirect("campaigns:bulletin", bulletin.pk)
    return bulletin_detail(request, pk, publish_form=form, status=status)


def bulletin_pdf(request, pk):
    bulletin = queries.get_bulletin(request.user, pk)
    response = HttpResponse(pdf.bulletin_pdf(bulletin), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{bulletin.campaign_id}-{bulletin.number}.pdf"'
    return response


# --- clues ----------------------------------------------------------------------------------------


def clue_list(request, pk):
    campaign = queries.get_campaign(request.user, pk)
    clues = queries.clues_for(request.user, campaign)
    status_filter = request.GET.get("status", "")
    if status_filter:
        clues = clues.filter(status=status_filter)
    manage = queries.can_manage(request.user, campaign)
    form = forms.ClueForm(request.POST or None) if manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                clue, _check = actions.register_clue(campaign, actor=request.user, **form.cleaned_data)
            except ActionError as exc:
                status = add_action_error(form, exc)
            else:
                messages.success(request, _("Clue %(code)s registered.") % {"code": clue.tracking_code})
                return redirect("campaigns:clue", clue.pk)
    return render(request, "campaigns/clue_list.html", {
        "campaign": campaign, "clues": clues, "stats": queries.clue_stats(campaign), "form": form,
        "status_filter": status_filter}, status=status)


def clue_detail(request, pk, verify_form=None, close_form=None, status=200):
    clue = queries.get_clue(request.user, pk)
    manage = queries.can_manage(request.user, clue.campaign) and clue.status == clue.Status.NEW
    return render(request, "campaigns/clue_detail.html", {
        "clue": clue, "campaign": clue.campaign,
        "name": masked(clue, "reporter_name"), "phone": masked(clue, "reporter_phone"),
        "matter_visible": bool(clue.matter_id and access.visible_matters(request.user).filter(pk=clue.matter_id)
                               .exists()),
        "verify_form": verify_form or (forms.VerifyClueForm(user=request.user) if manage else None),
        "close_form": close_form or (forms.CloseClueForm() if manage else None),
    }, status=status)


@require_POST
def clue_verify(request, pk):
    clue = queries.get_clue(request.user, pk)
    queries.require_manage(request.user, clue.campaign)
    form = forms.VerifyClueForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            clue = actions.verify_clue(clue, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            return clue_detail(request, pk, verify_form=form, status=add_action_error(form, exc))
        messages.success(request, _("Clue verified: matter %(code)s dispatched.") % {
            "code": clue.matter.tracking_code})
        return redirect("campaigns:clue", clue.pk)
    return clue_detail(request, pk, verify_form=form, status=400)


@require_POST
def clue_close(request, pk):
    clue = queries.get_clue(request.user, pk)
    queries.require_manage(request.user, clue.campaign)
    form = forms.CloseClueForm(request.POST)
    if form.is_valid():
        try:
            actions.close_clue(clue, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            return clue_detail(request, pk, close_form=form, status=add_action_error(form, exc))
        messages.success(request, _("Clue closed."))
        return redirect("campaigns:clue", clue.pk)
    return clue_detail(request, pk, close_form=form, status=400)


@require_POST
def clue_from_matter(request, matter_pk: int):
    """From a matter's page: file the matter as a clue of a running campaign."""
    matter = access.get_visible_or_404(access.visible_matters(request.user), pk=matter_pk)
    choice = request.POST.get("campaign", "")
    campaign = access.visible_campaigns(request.user).filter(pk=choice).first() if choice.isdigit() else None
    if campaign is None:
        messages.error(request, _("Choose a campaign."))
        return redirect("matters:detail", matter.pk)
    try:
        clue = actions.clue_from_matter(matter, actor=request.user, campaign=campaign)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Filed as clue %(code)s of %(campaign)s.") % {
            "code": clue.tracking_code, "campaign": campaign.name})
    return redirect("matters:detail", matter.pk)
