"""The page a guard opens by scanning the QR code at the school gate: they type their
phone number and are signed in for the shift running now. No account needed."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from safeharbor.campus import actions, forms
from safeharbor.campus.models import Gate
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.ratelimits import limited


@login_not_required
@limited("TRACK_RATE")  # a phone number per try: limited per IP like the tracking page
def gate_sign_in(request, token):
    gate = get_object_or_404(Gate.objects.select_related("school__unit"), token=token)
    form = forms.SignInForm(request.POST or None)
    duty, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                duty = actions.sign_in_at_gate(gate, phone=form.cleaned_data["phone"], method="qr")
            except ActionError as exc:
                status = add_action_error(form, exc)
            else:
                status = 200
    return render(request, "campus/public_gate.html",
                  {"gate": gate, "form": form, "duty": duty, "now": timezone.now()}, status=status)
