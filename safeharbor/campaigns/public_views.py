"""Public clue pages (/p/clues/): residents, drivers and transport workers send clues to a
running campaign, named or anonymous, and follow them with a tracking code + check code."""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from safeharbor.campaigns import actions, forms, queries
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.ratelimits import limited

RECEIPT = "clue_receipt"


@login_not_required
def campaign_list(request):
    return render(request, "campaigns/public_list.html", {"campaigns": queries.public_campaigns()})


@login_not_required
@limited("REPORT_RATE")
def clue_new(request, pk):
    campaign = get_object_or_404(queries.public_campaigns(), pk=pk)
    form = forms.PublicClueForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            clue, check = actions.submit_public_clue(campaign, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            response = redirect("campaigns_public:receipt")
            response.set_signed_cookie(RECEIPT, f"{clue.tracking_code}:{check}", salt=RECEIPT, max_age=3600,
                                       httponly=True, samesite="Lax")
            return response
    return render(request, "campaigns/public_form.html", {"campaign": campaign, "form": form}, status=status)


@login_not_required
def receipt(request):
    try:
        code, check = request.get_signed_cookie(RECEIPT, salt=RECEIPT, max_age=3600).split(":")
    except (KeyError, ValueError, signing.BadSignature):
        return redirect("campaigns_public:list")
    return render(request, "campaigns/public_receipt.html", {"code": code, "check": check})


@login_not_required
@limited("TRACK_RATE")
def track(request):
    form = forms.TrackClueForm(request.POST or None)
    clue = None
    status = 200
    if request.method == "POST" and form.is_valid():
        clue = actions.find_clue(form.cleaned_data["code"], form.cleaned_data["check"])
        if clue is None:
            form.add_error(None, _("No clue matches this tracking code and check code."))
            status = 400
    return render(request, "campaigns/public_track.html", {"form": form, "clue": clue}, status=status)
