"""Staff pages of the routing app: the model page, area rules, auto-dispatch thresholds,
and the inbox's one-click accept of a suggestion."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.models import User
from safeharbor.routing import actions, forms, queries
from safeharbor.routing.models import AutoDispatch, ClassifierModel, RoutingRule

MODEL_VIEWERS = {User.Role.ADMIN, User.Role.DISPATCHER, User.Role.LEADER}
RETRAINERS = {User.Role.ADMIN, User.Role.DISPATCHER}


def _require_role(user, roles) -> None:
    if not (access.is_admin(user) or user.role in roles):
        raise Http404


def _require_admin(user) -> None:
    if not access.is_admin(user):
        raise Http404


def model_list(request):
    """Model versions, the selected one's per-category figures and confusions."""
    _require_role(request.user, MODEL_VIEWERS)
    rows = list(ClassifierModel.objects.all())
    selected = None
    if request.GET.get("version"):
        selected = next((r for r in rows if str(r.version) == request.GET["version"]), None)
        if selected is None:
            raise Http404
    selected = selected or next((r for r in rows if r.active), None) or (rows[0] if rows else None)
    context = {
        "rows": rows,
        "selected": selected,
        "report": queries.model_report(selected) if selected else None,
        "predictor": queries.load_active(),
        "can_retrain": access.is_admin(request.user) or request.user.role in RETRAINERS,
        "is_admin": access.is_admin(request.user),
        "pending": queries.training_pending(),
        "suggestion_stats": queries.suggestion_outcomes(),
        "tab": "models",
    }
    return render(request, "routing/models.html", context)


@require_POST
def retrain(request):
    _require_role(request.user, RETRAINERS)
    from safeharbor.routing.tasks import train_classifier

    train_classifier.enqueue()
    messages.success(request, _("Retraining is queued: the worker trains a new version in a minute or two."))
    return redirect("routing:models")


@require_POST
def activate(request, version):
    _require_admin(request.user)
    row = access.get_visible_or_404(ClassifierModel.objects.all(), version=version)
    try:
        actions.activate_model(row, actor=request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Model version %(v)d is active now.") % {"v": row.version})
    return redirect(f"{reverse('routing:models')}?version={row.version}")


def rule_list(request):
    _require_admin(request.user)
    form = forms.RuleForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.add_rule(actor=request.user, **form.cleaned_data)
            except ActionError as exc:
                from safeharbor.core.forms import add_action_error

                status = add_action_error(form, exc)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("routing:rules")
    rules = RoutingRule.objects.select_related("category", "area", "unit", "category__default_unit")
    return render(request, "routing/rules.html", {"form": form, "rules": rules, "tab": "rules"}, status=status)


@require_POST
def rule_remove(request, pk):
    _require_admin(request.user)
    rule = access.get_visible_or_404(RoutingRule.objects.all(), pk=pk)
    actions.remove_rule(rule, actor=request.user)
    messages.success(request, _("The rule is removed."))
    return redirect("routing:rules")


def auto_dispatch_settings(request):
    _require_admin(request.user)
    form = forms.ThresholdForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            threshold = form.cleaned_data["threshold"]
            try:
                actions.set_auto_dispatch(actor=request.user, category=form.cleaned_data["category"],
                                          threshold=None if threshold is None else threshold / 100)
            except ActionError as exc:
                from safeharbor.core.forms import add_action_error

                status = add_action_error(form, exc)
            else:
                messages.success(request, _("Auto-dispatch is saved."))
                return redirect("routing:auto_dispatch")
    settings = AutoDispatch.objects.select_related("category", "updated_by")
    return render(request, "routing/auto_dispatch.html",
                  {"form": form, "settings": settings, "report": queries.active_report(), "tab": "auto"}, status=status)


@require_POST
def accept(request, pk):
    """One-click accept from the inbox: dispatch to the suggested unit and category."""
    matter = access.get_visible_or_404(access.visible_matters(request.user), pk=pk)
    access.require_write(request.user)
    try:
        matter = actions.accept_suggestion(matter, actor=request.user,
                                           expected_status=request.POST.get("expected_status") or None)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(code)s dispatched to %(unit)s.") % {"code": matter.tracking_code,
                                                                          "unit": matter.unit.name})
    target = request.POST.get("next") or reverse("matters:list")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("matters:list")
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
