"""Pages for residents, no account (mounted at /p/services/): the catalogue, applying online,
tracking an application by tracking code + check code, job openings, events with sign-up,
check-in at the door by QR code, and the hotlines. Mobile first.

As in intake, the codes travel in signed cookies (never in the URL) and a tracking page
opens only for a browser that proved the check code.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.models import Harbor
from safeharbor.core.passes import get_pass, is_proven, remember, set_pass
from safeharbor.core.ratelimits import limited
from safeharbor.intake.actions import normalize_code
from safeharbor.intake.posters import qr_svg
from safeharbor.services import actions, forms, queries
from safeharbor.services.models import Application, Event, Service

RECEIPT = "services_receipt"
TRACKED = "services_tracked"

STATUS_HINTS = {
    "received": gettext_lazy("Your application has arrived; the provider will start reviewing it."),
    "reviewing": gettext_lazy("The provider is reviewing your application."),
    "materials": gettext_lazy("Something is missing: see the note below and bring it to the harbor."),
    "approved": gettext_lazy("Approved. The harbor will tell you how to receive the outcome."),
    "refused": gettext_lazy("Not approved; the reasons are below. You can call the harbor to ask."),
    "delivered": gettext_lazy("Done."),
}


@login_not_required
def home(request):
    harbor_code = request.GET.get("harbor", "")
    services = list(queries.public_services())
    if harbor_code:
        services = [s for s in services if s.harbor.code == harbor_code]
    groups: dict = {}
    for service in services:
        groups.setdefault(service.harbor, []).append(service)
    return render(request, "services/public_home.html", {
        "groups": groups, "hotlines": queries.hotlines(), "events": list(queries.public_events()[:3]),
        "jobs": list(queries.public_jobs()[:3]),
    })


def _public_service(pk: int) -> Service:
    service = queries.public_services().filter(pk=pk).first()
    if service is None:
        raise Http404
    return service


@login_not_required
@limited("REPORT_RATE")
def apply(request, pk: int):
    service = _public_service(pk)
    form = forms.ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            app, check = actions.submit_application(service=service, **form.cleaned_data)
        except ActionError as error:
            status = add_action_error(form, error)
            return render(request, "services/public_apply.html", {"service": service, "form": form}, status=status)
        response = redirect("services_public:receipt")
        set_pass(response, RECEIPT, {"code": app.tracking_code, "check": check, "service": service.name},
                  max_age=3600)
        remember(request, response, app.tracking_code, cookie=TRACKED)
        return response
    return render(request, "services/public_apply.html", {"service": service, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_not_required
def receipt(request):
    data = get_pass(request, RECEIPT, {})
    if not data:
        return redirect("services_public:home")
    return render(request, "services/public_receipt.html", {"receipt": data})


@login_not_required
@limited("TRACK_RATE")
def track(request):
    form = forms.TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")[:30]})
    if request.method == "POST" and form.is_valid():
        app = actions.find_application(form.cleaned_data["code"], form.cleaned_data["check"])
        if app is not None:
            response = redirect("services_public:track_detail", code=app.tracking_code)
            remember(request, response, app.tracking_code, cookie=TRACKED)
            return response
        form.add_error(None, _("The tracking code or the check code is not correct."))
    return render(request, "services/public_track.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _tracked(request, code: str) -> Application | None:
    code = normalize_code(code)
    if not is_proven(request, code, cookie=TRACKED):
        return None
    return Application.objects.select_related("service", "harbor", "event", "job").filter(tracking_code=code).first()


@login_not_required
def track_detail(request, code: str, *, form=None, status: int = 200):
    app = _tracked(request, code)
    if app is None:
        return redirect(f"{reverse('services_public:track')}?code={normalize_code(code)}")
    return render(request, "services/public_track_detail.html", {
        "app": app, "steps": queries.public_timeline(app), "hint": STATUS_HINTS.get(app.status, ""),
        "form": form or forms.SupplementForm(), "can_add": app.is_open,
    }, status=status)


@login_not_required
@require_POST
@limited("REPORT_RATE")
def track_supplement(request, code: str):
    app = _tracked(request, code)
    if app is None:
        return redirect("services_public:track")
    form = forms.SupplementForm(request.POST)
    if form.is_valid():
        try:
            actions.supplement_application(app, text=form.cleaned_data["text"])
        except ActionError as error:
            return track_detail(request, code, form=form, status=add_action_error(form, error))
        messages.success(request, _("Thank you. The provider has your information."))
        return redirect("services_public:track_detail", code=app.tracking_code)
    return track_detail(request, code, form=form, status=400)


def _job_harbor(request):
    code = request.GET.get("harbor", "")
    return Harbor.objects.filter(code=code, active=True).first() if code else None


@login_not_required
def jobs(request):
    harbor = _job_harbor(request)
    return render(request, "services/public_jobs.html", {"jobs": queries.public_jobs(harbor), "harbor": harbor})


def _scalable(svg: str) -> str:
    """Give the QR code's SVG a viewBox so that CSS can size it for the board."""
    size = re.search(r'width="(\d+)" height="(\d+)"', svg)
    return svg.replace("<svg ", f'<svg viewBox="0 0 {size[1]} {size[2]}" ', 1) if size else svg


@login_not_required
def jobs_board(request):
    """岗位信息 at the harbor desk: a printable board (or a screen at the desk) of the
    harbor's openings, with a QR code to the same list on a phone."""
    harbor = _job_harbor(request)
    url = reverse("services_public:jobs") + (f"?harbor={harbor.code}" if harbor else "")
    qr = _scalable(qr_svg(request.build_absolute_uri(url)).decode())
    return render(request, "services/public_jobs_board.html", {
        "jobs": queries.public_jobs(harbor), "harbor": harbor, "qr": qr, "today": timezone.localdate()})


@login_not_required
@limited("REPORT_RATE")
def family_apply(request):
    """平安家庭创建: a family applies for the title; the women's federation assesses it."""
    form = forms.PublicFamilyForm(request.POST or None)
    context = {"form": form, "criteria": queries.public_criteria()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.apply_safe_family(area=data["area"], household=data["household"], phone=data["phone"],
                                      address=data["address"])
        except ActionError as error:
            return render(request, "services/public_family.html", context, status=add_action_error(form, error))
        messages.success(request, _("Thank you. The women's federation of your harbor will call you to arrange "
                                    "the assessment."))
        return redirect("services_public:family_apply")
    return render(request, "services/public_family.html", context, status=400 if request.method == "POST" else 200)


@login_not_required
def events(request):
    return render(request, "services/public_events.html", {"events": queries.public_events()})


@login_not_required
@limited("REPORT_RATE")
def event_signup(request, pk: int):
    event = queries.public_events().filter(pk=pk).first()
    if event is None:
        raise Http404
    form = forms.EnrollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.enroll(event, **form.cleaned_data)
        except ActionError as error:
            status = add_action_error(form, error)
            return render(request, "services/public_event.html", {"event": event, "form": form}, status=status)
        messages.success(request, _("You are signed up. Show up a little early and scan the QR code at the door."))
        return redirect("services_public:event", pk=event.pk)
    return render(request, "services/public_event.html", {"event": event, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_not_required
@limited("REPORT_RATE")
def checkin(request, token: str):
    """The page behind the QR code at the door."""
    event = Event.objects.filter(checkin_token=token).select_related("harbor", "port").first()
    if event is None:
        raise Http404
    form = forms.CheckInForm(request.POST or None)
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = actions.check_in(event, token=token, **form.cleaned_data)
        except ActionError as error:
            status = add_action_error(form, error)
            return render(request, "services/public_checkin.html", {"event": event, "form": form}, status=status)
    return render(request, "services/public_checkin.html", {
        "event": event, "form": form, "done": done, "now": timezone.now(),
    }, status=400 if request.method == "POST" and done is None else 200)
