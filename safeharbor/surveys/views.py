"""Staff pages of the surveys app: list, builder, distribution, preview, results.

Each view: access helper (outside the scope → 404, leaders → 403 on writes) → form →
one action → redirect or render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from safeharbor.core import access
from safeharbor.core.actions import record_audit
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.models import AuditLog
from safeharbor.surveys import actions, exports, queries
from safeharbor.surveys.forms import BatchForm, FindingForm, QuestionForm, SectionForm, SurveyForm
from safeharbor.surveys.models import Survey


def _survey(request, pk: int, *, write: bool = False) -> Survey:
    survey = access.get_visible_or_404(access.visible_surveys(request.user).select_related("repeat_of"), pk=pk)
    if write:
        access.require_write(request.user)
    return survey


def survey_list(request):
    surveys = queries.survey_list(request.user).order_by("-created_at")
    return render(request, "surveys/survey_list.html", {"surveys": surveys,
                                                        "can_write": access.can_write(request.user)})


def _survey_kwargs(data) -> dict:
    return {"title": data["title"], "intro": data["intro"], "owner_unit": data["owner_unit"], "area": data["area"],
            "access_mode": data["access"], "opens_at": data["opens_at"], "closes_at": data["closes_at"],
            "min_group_size": data["min_group_size"]}


def survey_new(request):
    access.require_write(request.user)
    repeat_of = None
    if request.GET.get("repeat") or request.POST.get("repeat"):
        repeat_of = _survey(request, request.GET.get("repeat") or request.POST.get("repeat"))
    initial = {}
    if repeat_of:
        initial = {"title": repeat_of.title, "intro": repeat_of.intro, "owner_unit": repeat_of.owner_unit_id,
                   "area": repeat_of.area_id, "access": repeat_of.access, "min_group_size": repeat_of.min_group_size}
    form = SurveyForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            survey = actions.create_survey(actor=request.user, repeat_of=repeat_of, **_survey_kwargs(form.cleaned_data))
        except ActionError as error:
            status = add_action_error(form, error, fields={"access_mode": "access"})
        else:
            return redirect("surveys:detail", survey.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "surveys/survey_form.html", {"form": form, "repeat_of": repeat_of}, status=status)


def survey_edit(request, pk: int):
    survey = _survey(request, pk, write=True)
    initial = {"title": survey.title, "intro": survey.intro, "owner_unit": survey.owner_unit_id,
               "area": survey.area_id, "access": survey.access, "opens_at": survey.opens_at,
               "closes_at": survey.closes_at, "min_group_size": survey.min_group_size}
    form = SurveyForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_survey(survey, actor=request.user, **_survey_kwargs(form.cleaned_data))
        except ActionError as error:
            status = add_action_error(form, error, fields={"access_mode": "access"})
        else:
            messages.success(request, _("Saved."))
            return redirect("surveys:detail", survey.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey}, status=status)


def survey_detail(request, pk: int, *, section_form=None, batch_form=None, status=200):
    """The builder: sections and questions of the current version, distribution, versions."""
    survey = _survey(request, pk)
    version = survey.current_version()
    context = {
        "survey": survey, "version": version, "sections": queries.sections_with_questions(version),
        "versions": survey.versions.all(), "responses": queries.response_count(survey),
        "version_responses": version.responses.count(), "can_write": access.can_write(request.user),
        "can_build": access.can_write(request.user) and survey.status != Survey.Status.CLOSED,
        "section_form": section_form or SectionForm(), "batch_form": batch_form or BatchForm(),
        "batches": survey.batches.all(), "invitations": queries.invitation_counts(survey),
        "public_url": exports.public_url(request, survey), "availability": queries.availability(survey),
        "findings": survey.findings.select_related("matter"),
    }
    return render(request, "surveys/survey_detail.html", context, status=status)


def _run(request, survey, fn, success: str = ""):
    """Run an action from a POST button; its error becomes a message."""
    try:
        fn()
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        if success:
            messages.success(request, success)
    return redirect("surveys:detail", survey.pk)


@require_POST
def survey_publish(request, pk: int):
    survey = _survey(request, pk, write=True)
    return _run(request, survey, lambda: actions.publish_survey(survey, actor=request.user),
                _("Published: people can answer now."))


@require_POST
def survey_close(request, pk: int):
    survey = _survey(request, pk, write=True)
    return _run(request, survey, lambda: actions.close_survey(survey, actor=request.user),
                _("Closed: no more answers are accepted."))


@require_POST
def section_add(request, pk: int):
    survey = _survey(request, pk, write=True)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            actions.add_section(survey, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            return survey_detail(request, pk, section_form=form, status=add_action_error(form, error))
        return redirect("surveys:detail", survey.pk)
    return survey_detail(request, pk, section_form=form, status=400)


@require_POST
def section_delete(request, pk: int, position: int):
    survey = _survey(request, pk, write=True)
    return _run(request, survey, lambda: actions.delete_section(survey, actor=request.user, position=position))


def question_edit(request, pk: int, key: str = ""):
    survey = _survey(request, pk, write=True)
    version = survey.current_version()
    question = version.questions.filter(key=key).select_related("section").first() if key else None
    if key and question is None:
        raise Http404
    sections = list(version.sections.all())
    initial = QuestionForm.initial_for(question) if question else {
        "section": request.GET.get("section") or sections[-1].position, "kind": request.GET.get("kind", "single")}
    form = QuestionForm(request.POST or None, sections=sections, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_question(survey, actor=request.user, key=key, **form.action_kwargs())
        except ActionError as error:
            status = add_action_error(form, error, fields={"section_position": "section"})
        else:
            return redirect(f"{survey_detail_url(survey)}#questions")
    elif request.method == "POST":
        status = 400
    keys = [q.key for q in queries.ordered_questions(version)]
    return render(request, "surveys/question_form.html", {
        "survey": survey, "form": form, "question": question, "keys": keys,
        "will_version": version.responses.exists()}, status=status)


def survey_detail_url(survey) -> str:
    from django.urls import reverse

    return reverse("surveys:detail", args=[survey.pk])


@require_POST
def question_delete(request, pk: int, key: str):
    survey = _survey(request, pk, write=True)
    return _run(request, survey, lambda: actions.delete_question(survey, actor=request.user, key=key))


@require_POST
def question_move(request, pk: int, key: str):
    survey = _survey(request, pk, write=True)
    up = request.POST.get("direction") == "up"
    return _run(request, survey, lambda: actions.move_question(survey, actor=request.user, key=key, up=up))


# --- preview and distribution ----------------------------------------------------------------


def preview(request, pk: int):
    survey = _survey(request, pk)
    return render(request, "surveys/preview.html", {"survey": survey})


@xframe_options_sameorigin
def preview_frame(request, pk: int):
    """The respondent's page exactly as a phone shows it, without the submit button."""
    survey = _survey(request, pk)
    version = survey.current_version()
    return render(request, "surveys/answer.html", {
        "survey": survey, "sections": queries.sections_with_questions(version), "preview": True,
        "needs_code": survey.access == Survey.Access.INVITATION, "errors": {}, "answers": {}})


def qr(request, pk: int, fmt: str):
    if fmt not in ("svg", "png"):
        raise Http404
    survey = _survey(request, pk)
    url = exports.public_url(request, survey)
    if fmt == "svg":
        return HttpResponse(exports.qr_svg(url), content_type="image/svg+xml")
    return HttpResponse(exports.qr_png(url), content_type="image/png")


@require_POST
def batch_add(request, pk: int):
    survey = _survey(request, pk, write=True)
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch = actions.create_invitation_batch(survey, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            return survey_detail(request, pk, batch_form=form, status=add_action_error(form, error))
        messages.success(request, _("%(n)d codes are ready to print.") % {"n": batch.size})
        return redirect(f"{survey_detail_url(survey)}#distribution")
    return survey_detail(request, pk, batch_form=form, status=400)


def batch_slips(request, pk: int, batch_pk: int):
    survey = _survey(request, pk, write=True)
    batch = access.get_visible_or_404(survey.batches.all(), pk=batch_pk)
    record_audit(actor=request.user, action=AuditLog.Action.EXPORT, target=batch, reason="invitation slips")
    response = HttpResponse(exports.slips_pdf(batch, exports.public_url(request, survey)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invitations-{survey.pk}-{batch.pk}.pdf"'
    return response


# --- results ---------------------------------------------------------------------------------------


TEXTS_SHOWN = 200  # free-text answers on the results page (drawn at random); all in the export


def _version_param(request) -> int | None:
    value = request.GET.get("version", "")
    return int(value) if value.isdigit() else None


def results(request, pk: int):
    survey = _survey(request, pk)
    version = _version_param(request)
    data = queries.survey_results(survey, version, texts_limit=TEXTS_SHOWN)
    rows = data.pop("rows")
    questions = queries.crosstab_questions(survey)
    by_key = {q.key: q for q in questions}
    table = None
    row_key, col_key = request.GET.get("rows", ""), request.GET.get("cols", "")
    if row_key in by_key and col_key in by_key and row_key != col_key and not data["suppressed"]:
        table = queries.crosstab(survey, by_key[row_key], by_key[col_key], rows)
    context = {
        "survey": survey, "results": data, "version": version, "versions": survey.versions.all(),
        "ranking": [] if data["suppressed"] else queries.ranking(survey, rows),
        "themes": [] if data["suppressed"] else queries.text_themes(survey, data),
        "trend": queries.trend(survey), "crosstab_questions": questions, "table": table,
        "row_key": row_key, "col_key": col_key, "can_write": access.can_write(request.user),
        "finding_form": FindingForm(user=request.user, initial=_finding_initial(request)),
    }
    return render(request, "surveys/results.html", context)


def _finding_initial(request) -> dict:
    problem = request.GET.get("problem", "")[:200]
    return {"summary": problem, "description": problem} if problem else {}


def results_export(request, pk: int, fmt: str):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    survey = _survey(request, pk)
    # The spreadsheet has every free-text answer; the PDF report a random sample of them.
    data = queries.survey_results(survey, _version_param(request), texts_limit=None if fmt == "xlsx" else TEXTS_SHOWN)
    rows = data.pop("rows")
    ranking = [] if data["suppressed"] else queries.ranking(survey, rows)
    record_audit(actor=request.user, action=AuditLog.Action.EXPORT, target=survey, reason=f"results {fmt}")
    if fmt == "xlsx":
        themes = [] if data["suppressed"] else queries.text_themes(survey, data)
        content = exports.results_xlsx(survey, data, ranking, themes)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, kind = exports.results_pdf(survey, data, ranking), "application/pdf"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-results.{fmt}"'
    return response


@require_POST
def finding_add(request, pk: int):
    survey = _survey(request, pk, write=True)
    form = FindingForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Please fill in the finding and what should be done."))
        return redirect("surveys:results", survey.pk)
    data = form.cleaned_data
    try:
        finding = actions.create_finding(survey, actor=request.user, summary=data["summary"],
                                         description=data["description"], as_clue=data["kind"] == "clue",
                                         category=data["category"])
    except ActionError as error:
        messages.error(request, str(error.message))
        return redirect("surveys:results", survey.pk)
    except PermissionDenied:
        raise
    messages.success(request, _("Registered as %(code)s.") % {"code": finding.matter.tracking_code})
    return redirect("matters:detail", finding.matter.pk)
