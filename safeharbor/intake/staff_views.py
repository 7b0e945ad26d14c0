"""Staff pages of intake: harbor posters, the hotline desk (来电登记), grid patrol (网格巡查)
with follow-up visits (回访), the walk-in desk (来访登记), publishing to the public board,
and the bulk import of historical matters.

Same shape as the matter pages: the access helper (outside the scope → 404, a role that
does not work at the desk → 403), the form, one action, a redirect or a render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.intake import actions, importer, posters, staff_forms, staff_queries
from safeharbor.matters import actions as matter_actions

LAST_CALL = "intake_hotline_last"
LAST_VISITOR = "intake_walk_in_last"


def _registered(matter, check: str) -> dict:
    """What the desk reads out after registering: both codes, in groups easy to say aloud."""
    date_part, _dash, rest = matter.tracking_code.partition("-")
    return {"pk": matter.pk, "code": matter.tracking_code, "check": check,
            "code_spoken": f"{date_part} - {rest[:3]} {rest[3:]}", "check_spoken": f"{check[:3]} {check[3:]}"}


# --- Harbor posters ---------------------------------------------------------------------------


def poster(request, code):
    harbor = staff_queries.poster_harbor(request.user, code)  # outside the scope: 404
    context = {"harbor": harbor, "ports": staff_queries.harbor_ports(harbor),
               "url": posters.report_url(request, harbor)}
    return render(request, "intake/poster.html", context)


def _poster_file(request, code, kind: str, content_type: str, make) -> HttpResponse:
    harbor = staff_queries.poster_harbor(request.user, code)
    url = posters.report_url(request, harbor)
    body = make(harbor, url)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="poster-{harbor.code}.{kind}"'
    return response


def poster_png(request, code):
    return _poster_file(request, code, "png", "image/png", lambda harbor, url: posters.qr_png(url))


def poster_svg(request, code):
    return _poster_file(request, code, "svg", "image/svg+xml", lambda harbor, url: posters.qr_svg(url))


def poster_pdf(request, code):
    return _poster_file(request, code, "pdf", "application/pdf", lambda harbor, url: posters.poster_pdf(
        harbor, url, staff_queries.harbor_ports(harbor)))


# --- The hotline desk -------------------------------------------------------------------------


def _desk(request, *, desk: str, form_class, register, session_key: str, template: str, url_name: str):
    """A registration desk: after each registration the form is empty again, with the
    codes to read out to the person (shown once)."""
    actions.require_desk(request.user, desk)
    form = form_class(request.POST or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            matter, check = register(actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            request.session[session_key] = _registered(matter, check)
            return redirect(url_name)
    last = request.session.pop(session_key, None) if request.method == "GET" else None
    if last:
        last["visible"] = access.visible_matters(request.user).filter(pk=last["pk"]).exists()
    return render(request, template, {"form": form, "last": last}, status=status)


def hotline(request):
    """来电登记: built for 30 calls an hour, keyboard only."""
    return _desk(request, desk="hotline", form_class=staff_forms.HotlineForm, register=actions.register_call,
                 session_key=LAST_CALL, template="intake/staff_hotline.html", url_name="intake:hotline")


@require_POST
def same_caller(request):
    """The caller's earlier matters, as soon as the number is typed (htmx). POST, so that
    the number stays out of the URL and the access logs."""
    if not any(actions.may_use_desk(request.user, desk) for desk in ("hotline", "walk_in")):
        raise PermissionDenied
    phone = request.POST.get("phone", "")
    context = {"earlier": staff_queries.same_caller(request.user, phone), "phone": phone}
    return render(request, "intake/staff_hotline.html#same_caller", context)


# --- Grid patrol and follow-up visits -------------------------------------------------------------


def patrol(request):
    """网格巡查 on a phone: a finding with photos and the GPS point, then my grids' matters."""
    actions.require_desk(request.user, "patrol")
    form = staff_forms.PatrolForm(request.POST or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            matter, _check = actions.register_patrol_finding(
                actor=request.user, photos=request.FILES.getlist("photos"), **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Finding registered as %(code)s.") % {"code": matter.tracking_code})
            return redirect("intake:patrol")
    context = {"form": form, "matters": staff_queries.patrol_matters(request.user)}
    return render(request, "intake/staff_patrol.html", context, status=status)


def visit(request, pk):
    """回访 on a visit: the reporter's verdict on a resolved matter of my grids."""
    actions.require_desk(request.user, "patrol")
    matter = staff_queries.visit_matter(request.user, pk)  # outside the scope: 404
    form = staff_forms.VisitForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            matter_actions.record_follow_up(matter, actor=request.user, channel="visit", **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Visit recorded for %(code)s.") % {"code": matter.tracking_code})
            return redirect("intake:patrol")
    return render(request, "intake/staff_visit.html", {"form": form, "matter": matter}, status=status)


# --- The walk-in desk ----------------------------------------------------------------------------


def walk_in(request):
    """来访登记 at a harbor: the harbor is the user's own, preselected."""
    return _desk(request, desk="walk_in", form_class=staff_forms.WalkInForm, register=actions.register_walk_in,
                 session_key=LAST_VISITOR, template="intake/staff_walk_in.html", url_name="intake:walk_in")


# --- The public board panel of a matter ---------------------------------------------------------


def _publication_panel(request, matter, publication, form=None, status=200):
    can_publish = actions.may_use_desk(request.user, "publish")
    if can_publish and form is None:
        form = staff_forms.PublishForm.for_matter(matter, publication)
    context = {"matter": matter, "publication": publication, "form": form, "can_publish": can_publish}
    return render(request, "intake/staff_publication.html", context, status=status)


def publication(request, pk):
    """GET: the panel (loaded by htmx into the matter page). POST: publish or update."""
    matter, entry = staff_queries.publication_for(request.user, pk)  # outside the scope: 404
    if request.method != "POST":
        return _publication_panel(request, matter, entry)
    actions.require_desk(request.user, "publish")
    form = staff_forms.PublishForm(request.POST, auto_id="id_publish_%s")
    if form.is_valid():
        try:
            entry = actions.publish_matter(matter, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            return _publication_panel(request, matter, entry, form, add_action_error(form, exc))
        if not request.htmx:
            messages.success(request, _("Published on the public board."))
            return redirect("matters:detail", matter.pk)
        return _publication_panel(request, matter, entry)
    return _publication_panel(request, matter, entry, form, 400)


@require_POST
def withdraw(request, pk):
    matter, entry = staff_queries.publication_for(request.user, pk)
    actions.require_desk(request.user, "publish")
    if entry is None:
        raise Http404
    actions.withdraw_publication(entry, actor=request.user)
    if not request.htmx:
        messages.success(request, _("Withdrawn from the public board."))
        return redirect("matters:detail", matter.pk)
    entry.refresh_from_db()
    return _publication_panel(request, matter, entry)


# --- Bulk import (administrators) ----------------------------------------------------------------


def import_matters(request):
    """Upload a 12345 export: every row checked, then all imported or none."""
    if not access.is_admin(request.user):
        raise Http404
    form = staff_forms.ImportForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            report = _run_import(request, form)
            status = 200 if report is not None and report.ok else 400
    context = {"form": form, "report": report, "batches": staff_queries.import_batches(request.user)[:20],
               "columns": importer.DEFAULT_COLUMNS}
    return render(request, "intake/import.html", context, status=status)


def _run_import(request, form) -> importer.ImportReport | None:
    data = form.cleaned_data
    try:
        mapping = importer.Mapping.load(data["mapping"].read() if data["mapping"] else None)
    except importer.ImportFileError as exc:
        form.add_error("mapping", str(exc))
        return None
    upload = data["file"]
    return importer.import_file(upload.read(), file_name=upload.name, actor=request.user, mapping=mapping,
                                dry_run=data["dry_run"])


def import_batch(request, pk):
    if not access.is_admin(request.user):
        raise Http404
    batch = access.get_visible_or_404(staff_queries.import_batches(request.user), pk=pk)
    return render(request, "intake/import_batch.html", {"batch": batch})
