"""Pages for residents: no account, no login. Mounted at the site root.

Report (/report/, /report/<harbor>/ from a harbor's QR code), the receipt with the codes,
tracking by code + check code, the public board. The codes travel in signed cookies,
never in the URL; a matter's page opens only for a browser that proved its check code.
Residents get no server-side session: a report costs one write transaction, and anonymous
visitors leave no session rows behind.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from safeharbor.core.errors import ActionError
from safeharbor.core.passes import get_pass, is_proven, remember, set_pass
from safeharbor.core.ratelimits import limited
from safeharbor.intake import actions, geo, queries
from safeharbor.intake.public_forms import (
    BoardFilterForm,
    FollowUpForm,
    InfoForm,
    MeTooForm,
    ReportForm,
    TrackForm,
    add_action_error,
)
from safeharbor.intake.uploads import MAX_PHOTO_BYTES, MAX_PHOTOS
from safeharbor.lib.urls import fixed_url
from safeharbor.matters.models import Matter

RECEIPT = "intake_receipt"  # signed cookie: the codes of the last report, for the receipt page
TRACKED = "intake_tracked"  # signed cookie: tracking codes whose check code this browser proved
# A request body larger than this is refused before it is read (three photos and the text).
MAX_BODY = MAX_PHOTOS * MAX_PHOTO_BYTES + 2 * 1024 * 1024


@login_not_required
@require_POST
def set_language(request):
    """The language switch of the public pages (Django's view needs no account either)."""
    return django_set_language(request)


# --- home: find a harbor -------------------------------------------------------------------


@login_not_required
def home(request):
    if request.user.is_authenticated:
        return redirect("home")
    harbors = list(queries.public_harbors())
    points = [
        {"name": h.name, "domain": h.domain.name, "address": h.address, "phone": h.phone, "lat": h.lat, "lon": h.lon,
         "hours": h.opening_hours, "report": f"{reverse('public:report')}?harbor={h.code}"}
        for h in harbors if h.lat is not None and h.lon is not None
    ]
    return render(request, "intake/public_home.html", {"harbors": harbors, "points": points})


@login_not_required
@require_GET
@cache_control(max_age=300)
def area_map(request):
    """The installation's own area outlines (GeoJSON): the map needs no tile server."""
    return JsonResponse(geo.district_geojson())


# --- report ----------------------------------------------------------------------------------


@login_not_required
@limited("REPORT_RATE")
def report(request, harbor_code: str | None = None):
    """The report form; /report/<harbor>/ is the target of the harbor's QR code."""
    from_qr = harbor_code is not None
    too_large = request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY
    code = harbor_code or request.GET.get("harbor") or ("" if too_large else request.POST.get("harbor")) or ""
    harbor = queries.public_harbor(code) if code else None
    if from_qr and harbor is None:
        raise Http404
    if too_large:  # refused before the body is parsed here (a proxy should cap it before that)
        form = ReportForm(data={"identity": "named"})
        form.is_valid()
        form.add_error(None, _("The photos are too large all together: at most %(n)d photos of %(mb)d MB each.")
                       % {"n": MAX_PHOTOS, "mb": MAX_PHOTO_BYTES // 1024 // 1024})
        return _report_page(request, form, harbor, from_qr, status=400)
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                matter, check = actions.submit_report(
                    description=data["description"], source=Matter.Source.QR if from_qr else Matter.Source.WEB,
                    category=data["category"], harbor=harbor, address=data["address"], lat=data["lat"],
                    lon=data["lon"], photos=data["photos"], anonymous=data["identity"] == "anonymous",
                    name=data["name"], phone=data["phone"],
                )
            except ActionError as error:
                add_action_error(form, error)
            else:
                response = HttpResponseRedirect(fixed_url("public:receipt"))
                set_pass(response, RECEIPT, {"code": matter.tracking_code, "check": check,
                                              "harbor": harbor.name if harbor else ""}, max_age=3600)
                remember(request, response, matter.tracking_code, cookie=TRACKED)
                return response
        return _report_page(request, form, harbor, from_qr, status=400)
    return _report_page(request, ReportForm(), harbor, from_qr)


def _report_page(request, form, harbor, from_qr, status=200):
    action = reverse("public:report_harbor", args=[harbor.code]) if from_qr else reverse("public:report")
    return render(request, "intake/report_form.html",
                  {"form": form, "harbor": harbor, "action": action, "max_photos": MAX_PHOTOS,
                   "max_photo_mb": MAX_PHOTO_BYTES // 1024 // 1024}, status=status)


@login_not_required
def receipt(request):
    data = get_pass(request, RECEIPT, {})
    if not data:
        return redirect("public:report")
    return render(request, "intake/report_receipt.html", {"receipt": data})


# --- tracking --------------------------------------------------------------------------------


def _tracked_matter(request, code: str) -> Matter | None:
    """The matter behind this code if this visitor proved its check code, else None."""
    code = actions.normalize_code(code)
    if not is_proven(request, code, cookie=TRACKED):
        return None
    return Matter.objects.select_related("unit", "category", "harbor").filter(tracking_code=code).first()


@login_not_required
@limited("TRACK_RATE")
def track(request):
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            matter = actions.find_for_resident(form.cleaned_data["code"], form.cleaned_data["check"])
            if matter is not None:
                response = redirect("public:track_detail", code=matter.tracking_code)
                remember(request, response, matter.tracking_code, cookie=TRACKED)
                return response
            form.add_error(None, _("The tracking code or the check code is not correct."))
    else:
        form = TrackForm(initial={"code": request.GET.get("code", "")[:30]})
    return render(request, "intake/track_form.html", {"form": form})


def _track_page(request, matter: Matter, *, info_form=None, follow_up_form=None, status=200):
    main = queries.main_matter(matter)
    rate = queries.rating_target(matter)
    context = {
        "matter": matter, "main": main, "merged": main.pk != matter.pk,
        "status": queries.status_words(main.status), "hint": queries.STATUS_HINTS.get(main.status, ""),
        "deadline": queries.deadline_words(main), "steps": queries.resident_timeline(matter),
        "photos": queries.report_photos(matter), "can_add": main.status not in (
            Matter.Status.CLOSED, Matter.Status.REJECTED, Matter.Status.MERGED),
        "info_form": info_form or InfoForm(), "rate": rate,
        "follow_up_form": follow_up_form or FollowUpForm(), "last_follow_up": queries.last_follow_up(matter),
        "max_photos": MAX_PHOTOS,
    }
    return render(request, "intake/track_detail.html", context, status=status)


@login_not_required
def track_detail(request, code: str):
    matter = _tracked_matter(request, code)
    if matter is None:
        return redirect(f"{reverse('public:track')}?code={actions.normalize_code(code)}")
    return _track_page(request, matter)


@login_not_required
@require_POST
@limited("REPORT_RATE")
def track_info(request, code: str):
    """补充信息: more words or photos for the handling unit."""
    matter = _tracked_matter(request, code)
    if matter is None:
        return redirect("public:track")
    form = InfoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_reporter_info(matter, text=form.cleaned_data["text"], photos=form.cleaned_data["photos"])
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Thank you. The unit handling your matter has your information."))
            return redirect("public:track_detail", code=matter.tracking_code)
    return _track_page(request, matter, info_form=form, status=400)


@login_not_required
@require_POST
@limited("REPORT_RATE")
def track_follow_up(request, code: str):
    """回访: was the reporter contacted, is it solved, how satisfied."""
    matter = _tracked_matter(request, code)
    if matter is None:
        return redirect("public:track")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.resident_follow_up(
                matter, contacted=data["contacted"] == "yes", solved=data["solved"] == "yes",
                satisfaction=data["satisfaction"], comment=data["comment"],
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _follow_up_outcome(matter))
            return redirect("public:track_detail", code=matter.tracking_code)
    return _track_page(request, matter, follow_up_form=form, status=400)


def _follow_up_outcome(matter: Matter) -> str:
    """What happens next, in plain words, after the reporter's answer."""
    main = queries.main_matter(Matter.objects.get(pk=matter.pk))
    if main.pk != matter.pk:
        return _("Thank you for your opinion. It has been passed to the unit that handled the matter.")
    if main.status == Matter.Status.CLOSED:
        return _("Thank you for your opinion. The matter is now finished.")
    if main.status == Matter.Status.REOPENED:
        return _("Thank you. The matter goes back to the unit to be handled again; you can follow it here.")
    return _("Thank you. Your answer was passed to the supervisors, who will make the unit handle it again.")


@login_not_required
@require_GET
def track_photo(request, code: str, pk: int):
    """A photo of the resident's own matter (their report's, or a public one of the
    handling), served only to the session that proved the check code."""
    matter = _tracked_matter(request, code)
    attachment = queries.resident_attachment(matter, pk) if matter else None
    if attachment is None:
        raise Http404
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type or "image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


# --- the public board ------------------------------------------------------------------------


@login_not_required
@require_GET
def board(request):
    form = BoardFilterForm(request.GET or None)
    area = lat = lon = None
    if form.is_valid():
        area, lat, lon = form.cleaned_data["area"], form.cleaned_data["lat"], form.cleaned_data["lon"]
    entries = list(queries.board_entries(area=area, lat=lat, lon=lon)[:50])
    return render(request, "intake/board_list.html",
                  {"form": form, "entries": entries, "near": lat is not None and lon is not None,
                   "me_too_form": MeTooForm()})


@login_not_required
@require_GET
def board_detail(request, pk: int):
    publication = queries.get_publication(pk)
    if publication is None:
        raise Http404
    return render(request, "intake/board_detail.html",
                  {"entry": publication, "steps": queries.board_timeline(publication.matter),
                   "me_too_form": MeTooForm()})


@login_not_required
@require_POST
@limited("ME_TOO_RATE")
def me_too(request, pk: int):
    """我也遇到: counted once per client and day; a phone subscribes to its progress."""
    publication = queries.get_publication(pk)
    if publication is None:
        raise Http404
    form = MeTooForm(request.POST)
    pressed = None
    if form.is_valid():
        key = actions.client_key(request.META.get("REMOTE_ADDR", ""), request.headers.get("User-Agent", ""))
        try:
            pressed = actions.press_me_too(publication, key=key, phone=form.cleaned_data["phone"])
        except ActionError as error:
            add_action_error(form, error)
    publication.refresh_from_db()
    if pressed is True:
        note = _("Thank you: counted. The staff see how many people have this problem.")
    elif pressed is False:
        note = _("You have already said so today; thank you.")
    else:
        note = ""
    if request.htmx:
        return render(request, "intake/board_list.html#me_too", {
            "entry": publication, "me_too_form": form if pressed is None else MeTooForm(), "note": note,
        }, status=200 if pressed is not None else 400)
    if note:
        messages.success(request, note)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("public:board")
    return redirect(f"{target}#p{publication.pk}")
