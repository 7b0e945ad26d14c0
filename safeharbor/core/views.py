from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safeharbor.core import access, actions, queries
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import LoginForm
from safeharbor.core.models import AuditLog, Domain, Unit


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
    form_class = LoginForm
    redirect_authenticated_user = True


def home(request):
    scope = access.scope_for(request.user)
    context = {
        "scope": scope,
        "harbor_count": access.visible_harbors(request.user).count(),
        "area_count": access.visible_areas(request.user).count(),
        "unit_count": access.visible_units(request.user).count(),
        "my_areas": request.user.areas.order_by("path"),
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


