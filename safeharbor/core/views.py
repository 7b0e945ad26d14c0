import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from safeharbor.core import access, actions, queries
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import LoginForm, TokenForm, add_action_error
from safeharbor.core.models import AuditLog, Domain, Unit, User


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@login_not_required
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LoginView(auth_views.LoginView):
    """Password first; users with two-factor log-in on then give a code (LoginCodeView)."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if queries.confirmed_totp(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "uid": user.pk, "backend": user.backend, "at": time.time(), "next": self.get_success_url(),
            "failures": 0,
        }
        return redirect("login_code")


PENDING_KEY = "safeharbor_2fa_pending"
PENDING_SECONDS = 300
PENDING_FAILURES = 5


@login_not_required
@never_cache
def login_code(request):
    """Second step of the log-in: the code from the authenticator app."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return redirect("login")
    user = User.objects.filter(pk=pending["uid"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("login")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device = actions.verify_login_token(user, form.cleaned_data["token"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
        pending["failures"] += 1
        if pending["failures"] >= PENDING_FAILURES:
            request.session.pop(PENDING_KEY, None)
            return redirect("login")
        request.session[PENDING_KEY] = pending
        form.add_error("token", _("That code is not right. Enter the 6 digits the app shows now."))
        status = 400
    return render(request, "registration/login_code.html", {"form": form}, status=status)


def two_factor(request):
    """Turn two-factor log-in on (QR code + first code) or off (a current code)."""
    if not queries.two_factor_allowed(request.user):
        raise Http404
    device = queries.confirmed_totp(request.user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if device is None:
                actions.confirm_totp(request.user, form.cleaned_data["token"])
                otp_login(request, queries.confirmed_totp(request.user))
                messages.success(request, _("Two-factor log-in is on. You will be asked for a code at each log-in."))
            else:
                actions.disable_totp(request.user, form.cleaned_data["token"])
                messages.success(request, _("Two-factor log-in is off."))
            return redirect("two_factor")
        except ActionError as error:
            status = add_action_error(form, error)
    context = {"form": form, "enabled": device is not None, "required": settings.TWO_FACTOR_REQUIRED}
    if device is None:
        pending = actions.start_totp(request.user)
        context["qr_svg"] = segno.make(pending.config_url, error="m").svg_inline(scale=4)
        context["secret"] = b32encode(pending.bin_key).decode()
    return render(request, "registration/two_factor.html", context, status=status)


def home(request):
    from safeharbor.insights.queries import home_figures  # the person's own figures (insights app)

    scope = access.scope_for(request.user)
    context = {
        "scope": scope,
        "harbor_count": access.visible_harbors(request.user).count(),
        "area_count": access.visible_areas(request.user).count(),
        "unit_count": access.visible_units(request.user).count(),
        "my_areas": request.user.areas.order_by("path"),
        "insights_home": home_figures(request.user),
    }
    return render(request, "core/home.html", context)


def area_list(request):
    return render(request, "core/area_list.html", {"areas": queries.area_tree(request.user)})


def area_detail(request, pk):
    area = access.get_visible_or_404(access.visible_areas(request.user), pk=pk)
    context = {
        "area": area,
        "ancestors": queries.visible_ancestors(request.user, area),
        "children": queries.area_children(request.user, area),
        "harbors": queries.harbor_list(request.user, area=area),
    }
    return render(request, "core/area_detail.html", context)


def unit_list(request):
    units = access.visible_units(request.user).select_related("area").order_by("kind", "sort_order", "code")
    return render(request, "core/unit_list.html", {"units": units, "kinds": Unit.Kind})


def harbor_list(request):
    domain = request.GET.get("domain", "")
    q = request.GET.get("q", "").strip()
    harbors = queries.harbor_list(request.user, domain=domain, q=q)
    context = {"harbors": harbors, "domains": Domain.objects.all(), "domain": domain, "q": q}
    if request.htmx:
        return render(request, "core/harbor_list.html#results", context)
    return render(request, "core/harbor_list.html", context)


def harbor_detail(request, code):
    harbor = queries.harbor_detail(request.user, code)
    context = {
        "harbor": harbor,
        "ports": harbor.ports.select_related("owner_unit"),
        "staff": access.visible_users(request.user).filter(harbor=harbor, is_active=True),
    }
    return render(request, "core/harbor_detail.html", context)


def user_list(request):
    users = (
        access.visible_users(request.user)
        .filter(is_active=True)
        .select_related("unit", "harbor", "port", "school__unit")
        .order_by("role", "username")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "core/user_list.html", {"page": page})


@require_POST
def reveal(request, label, pk, field):
    """Show a personal-data field in full, once, with the reason written to the audit log."""
    try:
        value = actions.reveal_personal_field(
            actor=request.user, label=label, pk=pk, field=field,
            reason=request.POST.get("reason", ""), ip=client_ip(request),
        )
    except ActionError as exc:
        return render(
            request, "core/reveal.html#form",
            {"label": label, "pk": pk, "field": field, "error": exc.message}, status=400,
        )
    return render(request, "core/reveal.html#value", {"value": value})


def audit_list(request):
    if not access.is_admin(request.user):
        raise Http404
    action = request.GET.get("action", "")
    page = Paginator(queries.audit_entries(request.user, action=action), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "actions": AuditLog.Action, "action": action})


