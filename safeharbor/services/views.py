"""Staff pages of the services app (mounted at /services/).

Same shape as the matters pages: access helper (outside the scope → 404, read-only → 403),
form, one action, redirect or render; ActionErrors show as form errors.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeharbor.core import access
from safeharbor.core.actions import record_audit
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.models import AuditLog, Harbor, Port
from safeharbor.intake.posters import qr_svg
from safeharbor.services import actions, certificates, forms, queries
from safeharbor.services.models import Application, DutySwap, SafeFamily, Service

PER_PAGE = 50


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _can_handle(user) -> bool:
    return access.can_write(user) and (access.is_admin(user) or user.role in actions.HANDLER_ROLES)


# --- home and report ---------------------------------------------------------------------------


def home(request):
    user = request.user
    context = {
        "counts": queries.queue_counts(user),
        "figures": queries.report_figures(user),
        "ports": access.visible_service_ports(user).select_related("harbor"),
        "can_handle": _can_handle(user),
    }
    return render(request, "services/home.html", context)


def report(request):
    form = forms.ReportForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    figures = queries.report_figures(request.user, harbor=data.get("harbor"), port=data.get("port"),
                                     start=data.get("start"), end=data.get("end"))
    families = queries.safe_families_per_community(request.user)
    return render(request, "services/report.html", {"form": form, "figures": figures, "families": families})


# --- catalogue -----------------------------------------------------------------------------------


def catalogue(request):
    services = access.visible_services(request.user).select_related("harbor", "port", "provider_unit")
    return render(request, "services/catalogue.html", {"services": services, "can_handle": _can_handle(request.user)})


def service_edit(request, pk: int | None = None):
    access.require_write(request.user)
    service = access.get_visible_or_404(access.visible_services(request.user), pk=pk) if pk else None
    form = forms.ServiceForm(request.POST or None, instance=service, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        materials = [line for line in data["materials_text"].splitlines() if line.strip()]
        try:
            actions.save_service(
                actor=request.user, service=service, materials=materials,
                **{k: v for k, v in data.items() if k != "materials_text"},
            )
        except ActionError as error:
            return render(request, "services/service_form.html", {"form": form, "service": service},
                          status=add_action_error(form, error))
        messages.success(request, _("Saved."))
        return redirect("services:catalogue")
    return render(request, "services/service_form.html", {"form": form, "service": service},
                  status=400 if request.method == "POST" else 200)


# --- applications ---------------------------------------------------------------------------------


def application_list(request):
    user = request.user
    status = request.GET.get("status", "open")
    ports = list(access.visible_service_ports(user).order_by("harbor_id", "kind", "pk"))
    services = list(access.visible_services(user))
    port = next((p for p in ports if str(p.pk) == request.GET.get("port")), None)
    service = next((s for s in services if str(s.pk) == request.GET.get("service")), None)
    overdue = request.GET.get("overdue") == "1"
    qs = queries.application_queue(user, status="" if status == "all" else status, port=port, service=service,
                                   overdue=overdue)
    counts = queries.queue_counts(user)
    paginator = Paginator(qs, PER_PAGE)
    if status == "open" and port is None and service is None and not overdue:
        paginator.count = counts["open"]  # already counted with the other figures: no second count
    return render(request, "services/application_list.html", {
        "page": paginator.get_page(request.GET.get("page")), "status": status,
        "statuses": Application.Status.choices, "port": port, "service": service, "ports": ports,
        "services": services, "counts": counts, "now": timezone.now(), "can_handle": _can_handle(user),
    })


def application_new(request):
    """Registering an application at the harbor desk."""
    access.require_write(request.user)
    form = forms.DeskApplyForm(request.POST or None, user=request.user,
                               initial={"service": request.GET.get("service")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app, check = actions.submit_application(
                service=data["service"], actor=request.user, name=data["name"], phone=data["phone"],
                id_number=data["id_number"], address=data["address"], details=data["details"],
                materials=data["materials"],
            )
        except ActionError as error:
            return render(request, "services/application_new.html", {"form": form},
                          status=add_action_error(form, error))
        messages.success(request, _("Registered. Give the applicant the tracking code %(code)s and the check "
                                    "code %(check)s.") % {"code": app.tracking_code, "check": check})
        return redirect("services:application_detail", pk=app.pk)
    return render(request, "services/application_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


# Several forms on one page: distinct element ids, so that each label finds its own field.
AUTO_IDS = {"materials": "materials_%s", "request_materials": "ask_%s", "decide": "decide_%s", "deliver": "deliver_%s"}


def _application(request, pk: int) -> Application:
    return access.get_visible_or_404(
        access.visible_applications(request.user).select_related("service", "harbor", "port", "matter", "job",
                                                                 "event", "handover_matter"), pk=pk)


def application_detail(request, pk: int, *, forms_override: dict | None = None, status: int = 200):
    app = _application(request, pk)
    user = request.user
    panels = {
        "materials": forms.MaterialsForm(initial={"materials": app.materials_received}, service=app.service,
                                         auto_id=AUTO_IDS["materials"]),
        "request_materials": forms.NoteForm(auto_id=AUTO_IDS["request_materials"]),
        "decide": forms.DecideForm(user=user, auto_id=AUTO_IDS["decide"]),
        "deliver": forms.DeliverForm(user=user, auto_id=AUTO_IDS["deliver"]),
    }
    panels.update(forms_override or {})
    return render(request, "services/application_detail.html", {
        "app": app, "steps": queries.staff_timeline(app), "panels": panels, "can_handle": _can_handle(user),
        "Status": Application.Status, "Outcome": Service.Outcome,
    }, status=status)


@require_POST
def application_action(request, pk: int, action: str):
    app = _application(request, pk)
    user = request.user
    form = None
    try:
        if action == "review":
            actions.start_review(app, actor=user)
        elif action == "materials":
            form = forms.MaterialsForm(request.POST, service=app.service, auto_id=AUTO_IDS["materials"])
            if form.is_valid():
                actions.record_materials(app, actor=user, received=form.cleaned_data["materials"])
        elif action == "request_materials":
            form = forms.NoteForm(request.POST, auto_id=AUTO_IDS["request_materials"])
            if form.is_valid():
                actions.request_materials(app, actor=user, note=form.cleaned_data["note"])
        elif action == "decide":
            form = forms.DecideForm(request.POST, user=user, auto_id=AUTO_IDS["decide"])
            if form.is_valid():
                data = form.cleaned_data
                actions.decide_application(app, actor=user, approve=data["decision"] == "approve",
                                           note=data["note"], event=data["event"])
        elif action == "deliver":
            form = forms.DeliverForm(request.POST, user=user, auto_id=AUTO_IDS["deliver"])
            if form.is_valid():
                data = form.cleaned_data
                actions.deliver_application(app, actor=user, note=data["note"], employer=data["employer"],
                                            job_title=data["job_title"], job=data["job"])
        else:
            raise Http404
    except ActionError as error:
        if form is None:
            messages.error(request, str(error.message))
            return redirect("services:application_detail", pk=app.pk)
        code = add_action_error(form, error)
        return application_detail(request, pk, forms_override={action: form}, status=code)
    if form is not None and not form.is_valid():
        return application_detail(request, pk, forms_override={action: form}, status=400)
    messages.success(request, _("Done."))
    return redirect("services:application_detail", pk=app.pk)


def certificate(request, pk: int):
    app = _application(request, pk)
    if not app.certificate_number:
        raise Http404
    pdf = certificates.difficulty_certificate(app)
    # The certificate carries the applicant's full name: each download is in the audit log.
    record_audit(actor=request.user, action=AuditLog.Action.EXPORT, target=app, field="certificate", ip=_ip(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{app.certificate_number}.pdf"'
    return response


# --- jobs ------------------------------------------------------------------------------------------


def job_list(request):
    jobs = access.visible_jobs(request.user).select_related("harbor", "port", "collected_by")
    form = forms.JobForm(request.POST or None, user=request.user)
    if request.method == "POST":
        access.require_write(request.user)
        if form.is_valid():
            try:
                job = actions.save_job(actor=request.user, **form.cleaned_data)
            except ActionError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("The opening is published."))
                return redirect("services:job_detail", pk=job.pk)
        return render(request, "services/job_list.html", {"jobs": jobs, "form": form}, status=400)
    harbors = access.visible_service_harbors(request.user).filter(jobs__isnull=False).distinct().order_by("name")
    return render(request, "services/job_list.html", {"jobs": jobs, "form": form, "harbors": harbors,
                                                       "can_handle": _can_handle(request.user)})


def job_detail(request, pk: int):
    job = access.get_visible_or_404(access.visible_jobs(request.user), pk=pk)
    error = None
    if request.method == "POST":
        form = forms.PlaceForm(request.POST)
        if form.is_valid():
            certified = access.get_visible_or_404(access.visible_applications(request.user),
                                                  pk=form.cleaned_data["certified"])
            try:
                actions.place_candidate(actor=request.user, job=job, certified=certified,
                                        note=form.cleaned_data["note"])
            except ActionError as exc:
                error = exc.message
            else:
                messages.success(request, _("The placement is recorded."))
                return redirect("services:job_detail", pk=job.pk)
    return render(request, "services/job_detail.html", {
        "job": job, "candidates": queries.job_candidates(request.user, job), "error": error,
        "placements": job.placements.filter(status=Application.Status.DELIVERED),
        "can_handle": _can_handle(request.user),
    }, status=400 if error else 200)


# --- safe families -----------------------------------------------------------------------------------


def family_list(request):
    families = access.visible_safe_families(request.user).select_related("area", "harbor")
    form = forms.FamilyForm(request.POST or None, user=request.user)
    if request.method == "POST":
        access.require_write(request.user)
        if form.is_valid():
            data = form.cleaned_data
            port = data["harbor"].ports.filter(kind=Port.Kind.HEROINES).first()
            try:
                actions.nominate_family(actor=request.user, port=port, **data)
            except ActionError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("The family is registered for assessment."))
                return redirect("services:family_list")
    return render(request, "services/family_list.html", {
        "families": families, "form": form, "per_community": queries.safe_families_per_community(request.user),
        "can_handle": _can_handle(request.user), "criteria_harbors": queries.criteria_harbors(request.user),
    }, status=400 if request.method == "POST" else 200)


def family_criteria(request, harbor_pk: int):
    """The harbor's staff set the safe-family criteria (text, required or not, order)."""
    harbor = access.get_visible_or_404(access.visible_service_harbors(request.user), pk=harbor_pk)
    if not queries.criteria_harbors(request.user).filter(pk=harbor.pk).exists():
        raise PermissionDenied(_("Only the harbor's staff set the safe-family criteria."))
    criteria = list(harbor.safe_family_criteria.all())
    initial = [{"pk": c.pk, "text": c.text, "required": c.required, "active": c.active} for c in criteria]
    formset = forms.CriteriaFormSet(request.POST or None, initial=initial, prefix="c")
    if request.method == "POST" and formset.is_valid():
        rows = [{**f.cleaned_data, "delete": f.cleaned_data.get("DELETE")} for f in formset.forms
                if f.cleaned_data]
        try:
            actions.save_safe_family_criteria(actor=request.user, harbor=harbor, rows=rows)
        except ActionError as error:
            formset._non_form_errors = formset.error_class([error.message])
            return render(request, "services/family_criteria.html", {"harbor": harbor, "formset": formset},
                          status=error.status_code)
        messages.success(request, _("The criteria are saved."))
        return redirect("services:family_criteria", harbor_pk=harbor.pk)
    used = queries.criteria_in_use(harbor)
    return render(request, "services/family_criteria.html", {"harbor": harbor, "formset": formset, "used": used},
                  status=400 if request.method == "POST" else 200)


def family_detail(request, pk: int):
    family = access.get_visible_or_404(access.visible_safe_families(request.user), pk=pk)
    criteria = list(family.harbor.safe_family_criteria.filter(active=True))
    form = forms.AssessForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            actions.assess_family(family, actor=request.user, met={int(x) for x in form.cleaned_data["met"]},
                                  note=form.cleaned_data["note"])
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Assessed."))
            return redirect("services:family_detail", pk=family.pk)
    if family.assessment:  # what it was assessed against, retired criteria included
        assessed = family.harbor.safe_family_criteria.filter(pk__in=[int(k) for k in family.assessment])
        results = [(c, family.assessment.get(str(c.pk))) for c in assessed]
    else:
        results = [(c, None) for c in criteria]
    return render(request, "services/family_detail.html", {
        "family": family, "form": form, "results": results, "can_handle": _can_handle(request.user),
        "open": family.status in (SafeFamily.Status.NOMINATED, SafeFamily.Status.APPLIED),
    }, status=400 if request.method == "POST" else 200)


# --- events ---------------------------------------------------------------------------------------------


def event_list(request):
    from django.db.models import Count, Q

    events = access.visible_events(request.user).select_related("harbor", "port").annotate(
        enrolled=Count("enrollments"), attended=Count("enrollments", filter=Q(enrollments__checked_in_at__isnull=False))
    ).order_by("-starts_at", "-pk")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "services/event_list.html", {"page": page, "can_handle": _can_handle(request.user)})


def event_new(request):
    access.require_write(request.user)
    form = forms.EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.save_event(actor=request.user, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            return redirect("services:event_detail", pk=event.pk)
    return render(request, "services/event_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _event(request, pk):
    return access.get_visible_or_404(access.visible_events(request.user).select_related("harbor", "port"), pk=pk)


def event_detail(request, pk: int, *, checkin_form=None, photo_form=None, status=200):
    event = _event(request, pk)
    enrollments = list(event.enrollments.all())
    return render(request, "services/event_detail.html", {
        "event": event, "enrollments": enrollments, "attended": sum(1 for e in enrollments if e.checked_in_at),
        "checkin_form": checkin_form or forms.CheckInForm(), "photo_form": photo_form or forms.PhotoForm(),
        "checkin_url": request.build_absolute_uri(reverse("services_public:checkin", args=[event.checkin_token])),
        "can_handle": _can_handle(request.user), "now": timezone.now(),
    }, status=status)


@require_POST
def event_checkin(request, pk: int):
    event = _event(request, pk)
    form = forms.CheckInForm(request.POST)
    if form.is_valid():
        try:
            enrollment = actions.check_in(event, actor=request.user, phone=form.cleaned_data["phone"],
                                          name=form.cleaned_data["name"])
        except ActionError as error:
            return event_detail(request, pk, checkin_form=form, status=add_action_error(form, error))
        messages.success(request, _("Checked in at %(time)s.") % {
            "time": timezone.localtime(enrollment.checked_in_at).strftime("%H:%M")})
        return redirect("services:event_detail", pk=pk)
    return event_detail(request, pk, checkin_form=form, status=400)


@require_POST
def event_photo(request, pk: int):
    event = _event(request, pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_event_photo(event, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            return event_detail(request, pk, photo_form=form, status=add_action_error(form, error))
        return redirect("services:event_detail", pk=pk)
    return event_detail(request, pk, photo_form=form, status=400)


@require_POST
def event_complete(request, pk: int):
    event = _event(request, pk)
    try:
        count = actions.complete_training(event, actor=request.user)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(n)d certificates issued.") % {"n": count})
    return redirect("services:event_detail", pk=pk)


def event_qr(request, pk: int):
    event = _event(request, pk)
    url = request.build_absolute_uri(reverse("services_public:checkin", args=[event.checkin_token]))
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")


def event_certificate(request, pk: int, enrollment_pk: int):
    event = _event(request, pk)
    enrollment = event.enrollments.filter(pk=enrollment_pk, completed=True).first()
    if enrollment is None:
        raise Http404
    record_audit(actor=request.user, action=AuditLog.Action.EXPORT, target=enrollment, field="certificate",
                 ip=_ip(request))
    response = HttpResponse(certificates.training_certificate(enrollment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{enrollment.certificate_number}.pdf"'
    return response


def event_photo_file(request, pk: int, photo_pk: int):
    from django.http import FileResponse

    event = _event(request, pk)
    photo = event.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    return FileResponse(photo.file.open("rb"))


# --- hotline ---------------------------------------------------------------------------------------------


def hotline(request):
    user = request.user
    form = forms.HotlineForm(request.POST or None, user=user)
    call = None
    if request.method == "POST":
        access.require_write(user)
        if form.is_valid():
            try:
                call = actions.log_hotline_call(actor=user, **form.cleaned_data)
            except ActionError as error:
                add_action_error(form, error)
            else:
                earlier = queries.earlier_matters(user, call)
                if call.repeat_of_id or earlier:
                    messages.warning(request, _("Repeat caller: this number called before (%(code)s).") % {
                        "code": "、".join(m.tracking_code for m in earlier[:5])})
                messages.success(request, _("Registered as %(code)s for %(unit)s.") % {
                    "code": call.matter.tracking_code, "unit": call.port.owner_unit.name})
                return redirect("services:hotline")
    calls = access.visible_hotline_calls(user).select_related("port", "matter", "repeat_of__matter")[:50]
    return render(request, "services/hotline.html", {"form": form, "calls": calls},
                  status=400 if request.method == "POST" else 200)


# --- rota --------------------------------------------------------------------------------------------------


def _parse_unavailable(text: str, harbor: Harbor) -> dict:
    """Lines "青年港: 2027-01-05 2027-01-06" → {port id: [dates]}."""
    result = {}
    ports = {p.name: p for p in harbor.ports.all()}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, _sep, rest = line.replace("：", ":").partition(":")
        port = ports.get(name.strip())
        if port is None:
            raise ActionError(_("No port called “%(name)s” at this harbor.") % {"name": name.strip()},
                              extra={"field": "unavailable"})
        try:
            days = [date.fromisoformat(d) for d in rest.replace(",", " ").replace("，", " ").split()]
        except ValueError as exc:
            raise ActionError(_("Write dates as 2027-01-05."), extra={"field": "unavailable"}) from exc
        result[str(port.pk)] = [d.isoformat() for d in days]
    return result


def rota_list(request):
    form = forms.RosterForm(request.POST or None, user=request.user)
    if request.method == "POST":
        access.require_write(request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                roster = actions.generate_roster(
                    actor=request.user, harbor=data["harbor"], title=data["title"], starts_on=data["starts_on"],
                    ends_on=data["ends_on"], kinds=data["kinds"],
                    unavailable=_parse_unavailable(data["unavailable"], data["harbor"]),
                )
            except ActionError as error:
                add_action_error(form, error)
            else:
                return redirect("services:rota_detail", pk=roster.pk)
    rosters = access.visible_rosters(request.user).select_related("harbor")
    return render(request, "services/rota_list.html", {"rosters": rosters, "form": form},
                  status=400 if request.method == "POST" else 200)


def _roster(request, pk):
    return access.get_visible_or_404(access.visible_rosters(request.user).select_related("harbor"), pk=pk)


def rota_detail(request, pk: int, *, swap_form=None, swap_error: str = "", status: int = 200):
    roster = _roster(request, pk)
    if swap_form is None:
        swap_form = forms.SwapForm(user=request.user, roster=roster, auto_id="swap_%s",
                                   initial={"slot": request.GET.get("slot")})
    slots = list(roster.slots.select_related("port"))
    days: dict = {}
    for slot in slots:
        days.setdefault(slot.date, {})[slot.kind] = slot
    rows = [{"date": d, "slots": [days[d].get(k) for k in roster.kinds]} for d in sorted(days)]
    swaps = DutySwap.objects.filter(slot__roster=roster).select_related("slot__port", "with_slot__port",
                                                                         "requested_by")
    return render(request, "services/rota_detail.html", {
        "roster": roster, "rows": rows, "kinds": [dict(roster.Kind.choices)[k] for k in roster.kinds],
        "counts": queries.roster_counts(roster), "swaps": swaps, "swap_error": swap_error, "swap_form": swap_form,
        "can_swap": access.can_write(request.user) and swap_form.fields["slot"].queryset.exists(),
        "swappable": _own_swappable(request.user, swap_form),
        "can_approve": access.can_write(request.user) and (
            access.is_admin(request.user) or request.user.role in actions.ROTA_ROLES),
        "print": request.GET.get("print") == "1",
    }, status=status)


def _own_swappable(user, swap_form) -> set[int]:
    """An organization's own upcoming days get a swap link in the table."""
    if not access.can_write(user) or access.is_admin(user) or user.role in actions.ROTA_ROLES:
        return set()
    return set(swap_form.fields["slot"].queryset.values_list("pk", flat=True))


def rota_ical(request, pk: int):
    roster = _roster(request, pk)
    port = access.visible_service_ports(request.user).filter(pk=request.GET.get("port") or 0).first()
    response = HttpResponse(queries.roster_ical(roster, port=port), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rota-{roster.pk}.ics"'
    return response


@require_POST
def rota_swap(request, pk: int):
    roster = _roster(request, pk)
    access.require_write(request.user)
    form = forms.SwapForm(request.POST, user=request.user, roster=roster, auto_id="swap_%s")
    if not form.is_valid():
        return rota_detail(request, pk, swap_form=form, status=400)
    data = form.cleaned_data
    try:
        actions.request_swap(data["slot"], actor=request.user, with_slot=data["with_slot"], reason=data["reason"])
    except ActionError as error:
        return rota_detail(request, pk, swap_form=form, status=add_action_error(form, error))
    messages.success(request, _("The swap waits for the harbor's approval."))
    return redirect("services:rota_detail", pk=pk)


@require_POST
def rota_swap_decide(request, pk: int, swap_pk: int):
    roster = _roster(request, pk)
    swap = DutySwap.objects.filter(slot__roster=roster, pk=swap_pk).first()
    if swap is None:
        raise Http404
    try:
        actions.decide_swap(swap, actor=request.user, approve=request.POST.get("approve") == "1")
    except ActionError as error:
        messages.error(request, str(error.message))
    return redirect("services:rota_detail", pk=pk)


# --- aid pool and beneficiaries ----------------------------------------------------------------------------


def aid(request):
    user = request.user
    resource_form = forms.ResourceForm(request.POST if request.POST.get("form") == "resource" else None, user=user)
    person_form = forms.BeneficiaryForm(request.POST if request.POST.get("form") == "person" else None, user=user)
    if request.method == "POST":
        access.require_write(user)
        try:
            if resource_form.is_bound and resource_form.is_valid():
                actions.offer_resource(actor=user, **resource_form.cleaned_data)
                messages.success(request, _("The resource is in the pool."))
                return redirect("services:aid")
            if person_form.is_bound and person_form.is_valid():
                person, created = actions.register_beneficiary(actor=user, **person_form.cleaned_data)
                if not created:
                    messages.info(request, _("This person is already registered; here is the shared record."))
                return redirect("services:beneficiary_detail", pk=person.pk)
        except ActionError as error:
            add_action_error(resource_form if resource_form.is_bound else person_form, error)
    resources = [(r, actions.balance(r)) for r in access.visible_aid_resources(user).select_related("port")]
    people = access.visible_beneficiaries(user).select_related("registered_by")[:200]
    return render(request, "services/aid.html", {
        "resources": resources, "people": people, "resource_form": resource_form, "person_form": person_form,
        "can_handle": _can_handle(user),
    }, status=400 if request.method == "POST" else 200)


def beneficiary_detail(request, pk: int):
    user = request.user
    person = access.get_visible_or_404(access.visible_beneficiaries(user), pk=pk)
    form = forms.AllocateForm(request.POST or None, user=user, beneficiary=person)
    if request.method == "POST":
        access.require_write(user)
        try:
            if "consent" in request.POST:
                actions.record_consent(person, actor=user, consent=request.POST["consent"] == "1")
                return redirect("services:beneficiary_detail", pk=pk)
            if form.is_valid():
                actions.allocate_aid(actor=user, beneficiary=person, **form.cleaned_data)
                messages.success(request, _("Recorded."))
                return redirect("services:beneficiary_detail", pk=pk)
        except ActionError as error:
            add_action_error(form, error)
    allocations, hidden = actions.allocations_for(person, actor=user, ip=_ip(request))
    return render(request, "services/beneficiary_detail.html", {
        "person": person, "allocations": allocations, "hidden": hidden, "form": form,
        "can_handle": _can_handle(user),
    }, status=400 if request.method == "POST" else 200)
