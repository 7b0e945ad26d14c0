"""Pages for residents: no account, no login."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render


@login_not_required
def home(request):
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "intake/public_home.html", {})


@login_not_required
def rate_limited(request, exception):
    return render(request, "intake/rate_limited.html", status=429)
