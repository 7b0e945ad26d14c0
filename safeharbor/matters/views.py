"""Staff pages of the matter engine.

Every view has the same shape: the access helper (outside the scope → 404, read-only →
403), then the form, then the one action function, then a redirect or a render. Which
actions a user may take comes from rules.allowed_actions; the rules themselves are
enforced by actions.py, whose ActionError/ConflictError messages show up as form errors.
"""

import mimetypes
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.matters import actions, forms, queries, rules
from safeharbor.matters.models import Supervision
from safeharbor.routing import duplicates

PER_PAGE = 50

INBOX_LABELS = {
    "dispatch": gettext_lazy("To dispatch"),
    "unit": gettext_lazy("To accept"),
    "mine": gettext_lazy("In hand"),
    "new_info": gettext_lazy("New information"),
    "near_deadline": gettext_lazy("Near deadline"),
    "overdue": gettext_lazy("Overdue"),
    "escalated": gettext_lazy("Escalated to us"),
    "extensions": gettext_lazy("Extension requests"),
    "supervised": gettext_lazy("Under supervision"),
    "all": gettext_lazy("All"),
}


@dataclass(frozen=True)
class ActionSpec:
    title: str
    button: str
    form_class: type
    primary: bool = False  # shown open: what the user most likely came to do


# In the order they appear on the detail page.
ACTIONS = {
    "accept": ActionSpec(gettext_lazy("Accept"), gettext_lazy("Accept"), forms.ActionForm, True),
    "dispatch": ActionSpec(gettext_lazy("Dispatch"), gettext_lazy("Dispatch"), forms.DispatchForm, True),
    "resolve": ActionSpec(gettext_lazy("Resolve"), gettext_lazy("Report as resolved"), forms.ResolveForm, True),
    "follow_up": ActionSpec(gettext_lazy("Follow-up"), gettext_lazy("Record the follow-up"), forms.FollowUpForm,
                            True),
    "decide_extension": ActionSpec(gettext_lazy("Extension request"), gettext_lazy("Decide"),
                                   forms.ExtensionDecisionForm, True),
    "note": ActionSpec(gettext_lazy("Handling note"), gettext_lazy("Add the note"), forms.NoteForm),
    "assign": ActionSpec(gettext_lazy("Assign a handler"), gettext_lazy("Assign"), forms.AssignForm),
    "request_extension": ActionSpec(gettext_lazy("Request an extension"), gettext_lazy("Request"),
                                    forms.ExtensionRequestForm),
    "return": ActionSpec(gettext_lazy("Return"), gettext_lazy("Return to the dispatcher"), forms.ReturnForm),
    "close": ActionSpec(gettext_lazy("Close"), gettext_lazy("Close without follow-up"), forms.CloseForm),
    "merge": ActionSpec(gettext_lazy("Merge as a duplicate"), gettext_lazy("Merge"), forms.MergeForm),
    "unmerge": ActionSpec(gettext_lazy("Undo the merge"), gettext_lazy("Undo the merge"), forms.ActionForm),
    "reject": ActionSpec(gettext_lazy("Reject"), gettext_lazy("Reject"), forms.RejectForm),
    "supervise": ActionSpec(gettext_lazy("Supervise"), gettext_lazy("Issue the supervision order"),
                            forms.SuperviseForm),
}


@dataclass
class Panel:
    name: str
    spec: ActionSpec
    form: forms.ActionForm
    url: str
    open: bool


class ListPage:
    """One page of a long list without COUNT(*) over the whole list: it fetches one row
    more than it shows to know whether there is a next page."""

    def __init__(self, queryset, number, per_page: int = PER_PAGE):
        self.number = max(int(number), 1) if str(number).isdigit() else 1
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list, self.has_next = rows[:per_page], len(rows) > per_page
        self.has_previous = self.number > 1
        self.start_index = start + 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


# --- The matter list -----------------------------------------------------------------------------


def _inbox(request) -> tuple[str, list[str]]:
    names = queries.inbox_names_for(request.user)
    inbox = request.GET.get("inbox", "")
    return (inbox if inbox in queries.INBOXES else names[0]), names


def matter_list(request):
    user = request.user
    inbox, names = _inbox(request)
    matters = queries.matter_list(user, inbox, queries.MatterFilter.from_params(request.GET))
    page = ListPage(matters, request.GET.get("page", 1))
    context = {
        "page": page,
        # Counted (up to 1000) only when this page does not already tell.
        "total": page.start_index + len(page) - 1 if page.object_list and not page.has_next
        else queries.filtered_count(matters),
        "inbox": inbox,
        "can_supervise": rules.can_supervise(user),
        "can_write": access.can_write(user),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "matters/matter_list.html#results", context)
    # The tabs come without their counts; htmx fetches them right after (inbox_tabs), so
    # that the list shows at once even where counting a big district takes a while.
    context["tabs"] = [(name, INBOX_LABELS[name], None) for name in dict.fromkeys([*names, inbox])]
    context["filter_form"] = forms.MatterFilterForm(request.GET, user=user)
    return render(request, "matters/matter_list.html", context)


def inbox_tabs(request):
    """The inbox tabs with how many matters wait in each (matter list and home page)."""
    inbox, names = _inbox(request)
    counts = queries.inbox_counts(request.user)
    tabs = [(name, INBOX_LABELS[name], counts.get(name)) for name in dict.fromkeys([*names, inbox])]
    current = inbox if "inbox" in request.GET else None  # the home page marks none as current
    return render(request, "matters/matter_list.html#tabs", {"tabs": tabs, "inbox": current, "counted": True})


def matter_new(request):
    access.require_write(request.user)
    form = forms.MatterCreateForm(request.POST or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            matter, check = actions.create_matter(actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _(
                "Registered. Tracking code %(code)s, check code %(check)s. Give both to the reporter now: "
                "the check code is shown only this once."
            ) % {"code": matter.tracking_code, "check": check})
            return redirect("matters:detail", matter.pk)
    return render(request, "matters/matter_new.html", {"form": form}, status=status)


# --- The matter detail and its actions -----------------------------------------------------------


def matter_detail(request, pk):
    matter = queries.get_matter(request.user, pk)
    return render(request, "matters/matter_detail.html", _detail_context(request, matter))


@require_POST
def matter_new_info_read(request, pk):
    matter = queries.get_matter(request.user, pk)
    try:
        actions.acknowledge_new_info(matter, actor=request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("matters:detail", pk=pk)


def _panel(request, matter, name: str, form=None) -> Panel:
    spec = ACTIONS[name]
    if form is None:
        form = spec.form_class(user=request.user, matter=matter, auto_id=f"id_{name}_%s")
    url = reverse(f"matters:{name}", args=[matter.pk])
    return Panel(name, spec, form, url, open=spec.primary or form.is_bound)


def _detail_context(request, matter, failed: Panel | None = None) -> dict:
    allowed = rules.allowed_actions(request.user, matter)
    panels = [
        failed if failed and failed.name == name else _panel(request, matter, name)
        for name in ACTIONS
        if name in allowed or (failed and failed.name == name)
    ]
    return {
        "matter": matter,
        "allowed": allowed,
        "panels": panels,
        "events": queries.timeline(matter),
        "held": queries.held_durations(matter),
        "co_units": matter.co_units.all(),
        "co_unit_notes": queries.co_unit_notes(matter),
        "extensions": queries.matter_extensions(matter),
        "supervisions": queries.matter_supervisions(matter),
        "follow_ups": queries.matter_follow_ups(matter),
        "files": queries.matter_files(matter),
        "duplicates": queries.matter_duplicates(matter),
        # Earlier reports that may be the same incident, for the dispatcher to merge.
        "candidates": duplicates.candidates_for(matter, user=request.user) if "merge" in allowed else [],
    }


def _act(request, pk, name: str, run, success):
    """Run one matter action from its form. Success: back to the detail page with a
    message. Failure: the form again with the reason (400 bad input, 409 conflict)."""
    matter = queries.get_matter(request.user, pk)  # outside the scope: 404
    if name != "supervise":
        access.require_write(request.user)  # read-only roles: 403
    form = ACTIONS[name].form_class(request.POST, request.FILES, user=request.user, matter=matter,
                                    auto_id=f"id_{name}_%s")
    status = 400
    if form.is_valid():
        try:
            result = run(matter, form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            url = reverse("matters:detail", args=[matter.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    panel = _panel(request, matter, name, form)
    if request.htmx:
        return render(request, "matters/matter_detail.html#action_panel", {"panel": panel}, status=status)
    matter = queries.get_matter(request.user, pk)
    return render(request, "matters/matter_detail.html", _detail_context(request, matter, panel), status=status)


@require_POST
def matter_dispatch(request, pk):
    def run(matter, d):
        return actions.dispatch_matter(
            matter, actor=request.user, unit=d["unit"], co_units=d["co_units"], assignee=d["assignee"],
            category=d["category"], urgency=d["urgency"], note=d["note"], expected_status=d["expected_status"],
        )

    return _act(request, pk, "dispatch", run, lambda m: _("Dispatched to %(unit)s.") % {"unit": m.unit.name})


@require_POST
def matter_accept(request, pk):
    def run(matter, d):
        return actions.accept_matter(matter, actor=request.user, expected_status=d["expected_status"])

    return _act(request, pk, "accept", run, _("Accepted. The time to resolve is running."))


@require_POST
def matter_unmerge(request, pk):
    def run(matter, d):
        return actions.unmerge_matter(matter, actor=request.user, expected_status=d["expected_status"])

    return _act(request, pk, "unmerge", run, _("The merge is undone: the matter waits for dispatch again."))


@require_POST
def matter_return(request, pk):
    def run(matter, d):
        return actions.return_matter(matter, actor=request.user, reason=d["reason"],
                                     expected_status=d["expected_status"])

    return _act(request, pk, "return", run, _("Returned to the dispatcher."))


@require_POST
def matter_assign(request, pk):
    def run(matter, d):
        return actions.assign_matter(matter, actor=request.user, assignee=d["assignee"],
                                     expected_status=d["expected_status"])

    return _act(request, pk, "assign", run, lambda m: _("Assigned to %(name)s.") % {"name": m.assignee.display_name})


@require_POST
def matter_note(request, pk):
    def run(matter, d):
        return actions.add_note(matter, actor=request.user, note=d["note"], files=d["files"], public=d["public"])

    return _act(request, pk, "note", run, _("Note added."))


@require_POST
def matter_request_extension(request, pk):
    def run(matter, d):
        return actions.request_extension(matter, actor=request.user, days=d["days"], reason=d["reason"])

    return _act(request, pk, "request_extension", run, _("Extension requested; the dispatcher decides."))


@require_POST
def matter_decide_extension(request, pk):
    def run(matter, d):
        return actions.decide_extension(matter, actor=request.user, approve=d["decision"] == "approve",
                                        note=d["note"])

    def success(extension):
        return _("Extension approved.") if extension.status == "approved" else _("Extension denied.")

    return _act(request, pk, "decide_extension", run, success)


@require_POST
def matter_resolve(request, pk):
    def run(matter, d):
        return actions.resolve_matter(matter, actor=request.user, result=d["result"], files=d["files"],
                                      expected_status=d["expected_status"])

    return _act(request, pk, "resolve", run, _("Reported as resolved; waiting for the follow-up."))


@require_POST
def matter_follow_up(request, pk):
    def run(matter, d):
        return actions.record_follow_up(
            matter, actor=request.user, channel=d["channel"], contacted=d["contacted"], solved=d["solved"],
            satisfaction=d["satisfaction"], comment=d["comment"],
        )

    return _act(request, pk, "follow_up", run, _("Follow-up recorded."))


@require_POST
def matter_close(request, pk):
    def run(matter, d):
        return actions.close_matter(matter, actor=request.user, note=d["note"], expected_status=d["expected_status"])

    return _act(request, pk, "close", run, _("Closed."))


@require_POST
def matter_merge(request, pk):
    def run(matter, d):
        return actions.merge_matter(matter, actor=request.user, into=d["into"], expected_status=d["expected_status"])

    return _act(request, pk, "merge", run,
                lambda m: _("Merged into %(code)s.") % {"code": m.merged_into.tracking_code})


@require_POST
def matter_reject(request, pk):
    def run(matter, d):
        return actions.reject_matter(matter, actor=request.user, reason=d["reason"],
                                     expected_status=d["expected_status"])

    return _act(request, pk, "reject", run, _("Rejected."))


@require_POST
def matter_supervise(request, pk):
    def run(matter, d):
        return actions.issue_supervision(actor=request.user, matters=[matter], level=d["level"],
                                         reason=d["reason"], reply_due=d["reply_due"])

    return _act(request, pk, "supervise", run, _("Supervision order issued."))


# Photos open in the browser; everything else is downloaded (never rendered as a page).
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def attachment_download(request, pk):
    attachment = queries.get_attachment(request.user, pk)  # outside the scope: 404
    guessed, _encoding = mimetypes.guess_type(attachment.name)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=guessed not in INLINE_TYPES, filename=attachment.name,
                        content_type=guessed or "application/octet-stream")


# --- Supervision orders --------------------------------------------------------------------------


def supervision_list(request):
    status = request.GET.get("status", "")
    status = status if status in Supervision.Status.values else ""
    page = ListPage(queries.supervision_list(request.user, status=status), request.GET.get("page", 1))
    context = {"page": page, "status": status, "statuses": Supervision.Status.choices}
    return render(request, "matters/supervision_list.html", context)


def _supervision_context(request, order, *, reply_form=None) -> dict:
    allowed = rules.supervision_actions(request.user, order)
    can_reply, can_close = "reply" in allowed, "close" in allowed
    return {
        "order": order,
        "matters": queries.supervision_matters(order),
        "reply_form": reply_form or (forms.SupervisionReplyForm() if can_reply else None),
        "can_close": can_close,
    }


def supervision_detail(request, pk):
    order = queries.get_supervision(request.user, pk)
    return render(request, "matters/supervision_detail.html", _supervision_context(request, order))


@require_POST
def supervision_reply(request, pk):
    order = queries.get_supervision(request.user, pk)
    access.require_write(request.user)
    form = forms.SupervisionReplyForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.reply_supervision(order, actor=request.user, reply=form.cleaned_data["reply"])
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Reply sent."))
            return redirect("matters:supervision_detail", order.pk)
    context = _supervision_context(request, order, reply_form=form)
    return render(request, "matters/supervision_detail.html", context, status=status)


@require_POST
def supervision_close(request, pk):
    order = queries.get_supervision(request.user, pk)
    try:
        actions.close_supervision(order, actor=request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Supervision order closed."))
    return redirect("matters:supervision_detail", order.pk)


def supervision_new(request):
    """督办 on several matters chosen in the list: one order per responsible unit."""
    chosen = (request.POST if request.method == "POST" else request.GET).getlist("matters")
    matters = queries.matters_by_ids(request.user, chosen)
    form = forms.BulkSuperviseForm(request.POST or None, user=request.user, initial={"matters": matters})
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            orders = actions.issue_supervision(actor=request.user, matters=d["matters"], level=d["level"],
                                               reason=d["reason"], reply_due=d["reply_due"])
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("%(n)d supervision order(s) issued.") % {"n": len(orders)})
            return redirect("matters:supervision_list")
    return render(request, "matters/supervision_new.html", {"form": form, "matters": matters}, status=status)


# --- Meetings ---------------------------------------------------------------------------------------


def meeting_list(request):
    page = Paginator(queries.meeting_list(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "matters/meeting_list.html", {"page": page, "can_write": access.can_write(request.user)})


def meeting_new(request):
    access.require_write(request.user)
    form = forms.MeetingForm(request.POST or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting(actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Meeting recorded. Add the minutes and the decisions below."))
            return redirect("matters:meeting_detail", meeting.pk)
    return render(request, "matters/meeting_new.html", {"form": form}, status=status)


def _meeting_context(request, meeting, *, minutes_form=None, decision_form=None) -> dict:
    user = request.user
    writer = access.can_write(user)
    return {
        "meeting": meeting,
        "attending": meeting.attending_units.all(),
        "attachments": meeting.attachments.all(),
        "decisions": queries.meeting_decisions(user, meeting),
        "minutes_form": minutes_form or (forms.MinutesForm(initial={"minutes": meeting.minutes}) if writer else None),
        "decision_form": decision_form or (forms.DecisionForm(user=user) if writer else None),
    }


def meeting_detail(request, pk):
    meeting = queries.get_meeting(request.user, pk)
    return render(request, "matters/meeting_detail.html", _meeting_context(request, meeting))


@require_POST
def meeting_minutes(request, pk):
    meeting = queries.get_meeting(request.user, pk)
    access.require_write(request.user)
    form = forms.MinutesForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            actions.update_minutes(meeting, actor=request.user, minutes=form.cleaned_data["minutes"],
                                   files=form.cleaned_data["files"])
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect("matters:meeting_detail", meeting.pk)
    context = _meeting_context(request, meeting, minutes_form=form)
    return render(request, "matters/meeting_detail.html", context, status=status)


@require_POST
def meeting_decision(request, pk):
    meeting = queries.get_meeting(request.user, pk)
    access.require_write(request.user)
    form = forms.DecisionForm(request.POST, user=request.user)
    status = 400
    if form.is_valid():
        try:
            decision = actions.add_decision(meeting, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Decision recorded as matter %(code)s, dispatched to %(unit)s.") % {
                "code": decision.matter.tracking_code, "unit": decision.owner_unit.name})
            return redirect("matters:meeting_detail", meeting.pk)
    context = _meeting_context(request, meeting, decision_form=form)
    return render(request, "matters/meeting_detail.html", context, status=status)


# --- Commendations -----------------------------------------------------------------------------------


def commendation_list(request):
    writer = access.can_write(request.user)
    if request.method == "POST":
        access.require_write(request.user)
    form = forms.CommendationForm(request.POST or None, user=request.user) if writer else None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_commendation(actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Commendation recorded."))
            return redirect("matters:commendation_list")
    page = Paginator(queries.commendation_list(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "matters/commendation_list.html", {"page": page, "form": form}, status=status)
