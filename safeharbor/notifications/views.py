"""Staff pages of the notifications app (/notifications/) and the residents' opt-out page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.ratelimits import limited
from safeharbor.intake import actions as intake_actions
from safeharbor.matters.views import ListPage
from safeharbor.notifications import actions, forms, kinds, queries, texts
from safeharbor.notifications.models import OutboxMessage

CHANGED = "notifications-changed"  # htmx event: the bell fetches its count again


def _bell_trigger(response):
    response["HX-Trigger"] = CHANGED
    return response


def notification_list(request):
    kind = request.GET.get("kind", "")
    unread = request.GET.get("unread") == "1"
    page = ListPage(queries.notification_list(request.user, kind=kind, unread=unread), request.GET.get("page", 1))
    context = {
        "page": page, "kind": kind, "unread": unread,
        "kinds": [(k, kinds.label_of(k)) for k in queries.kinds_used(request.user)],
        "unread_count": queries.unread_count(request.user),
    }
    return render(request, "notifications/notification_list.html", context)


def bell(request):
    return render(request, "notifications/bell.html#bell", {"unread": queries.unread_count(request.user)})


@require_POST
def notification_read(request, pk):
    notification = actions.mark_read(request.user, pk)
    if request.htmx:
        return _bell_trigger(render(request, "notifications/notification_list.html#row", {"n": notification}))
    return redirect(_back(request))


@require_POST
def notification_unread(request, pk):
    notification = actions.mark_unread(request.user, pk)
    if request.htmx:
        return _bell_trigger(render(request, "notifications/notification_list.html#row", {"n": notification}))
    return redirect(_back(request))


@require_POST
def notification_read_all(request):
    count = actions.mark_all_read(request.user)
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": count})
    return redirect(_back(request))


def notification_open(request, pk):
    """Follow a notification to its object: marks it read; out of scope answers 404."""
    notification = actions.mark_read(request.user, pk)
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, None) else ""
    return redirect(target or "notifications:list")


def _back(request) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt.startswith("/") and url_has_allowed_host_and_scheme(nxt, None) else "notifications:list"


def preferences(request):
    pref = getattr(request.user, "notify_prefs", None) if hasattr(request.user, "notify_prefs") else None
    initial = {"email_kinds": pref.email_kinds if pref else [], "daily_digest": pref.daily_digest if pref else False}
    form = forms.PreferenceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_preferences(request.user, email_kinds=form.cleaned_data["email_kinds"],
                                     daily_digest=form.cleaned_data["daily_digest"])
        except ActionError as error:
            status = add_action_error(form, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    elif request.method == "POST":
        status = 400
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


# --- administrators: the outbox and the message templates ----------------------------------------


def _require_admin(request) -> None:
    if not access.is_admin(request.user):
        raise Http404  # like any page outside one's scope


def outbox(request):
    _require_admin(request)
    status = request.GET.get("status", "")
    status = status if status in OutboxMessage.Status.values else ""
    channel = request.GET.get("channel", "")
    channel = channel if channel in OutboxMessage.Channel.values else ""
    page = ListPage(queries.outbox_list(status=status, channel=channel), request.GET.get("page", 1))
    context = {"page": page, "status": status, "channel": channel, "statuses": OutboxMessage.Status.choices,
               "channels": OutboxMessage.Channel.choices, "counts": queries.outbox_counts(), "now": timezone.now()}
    return render(request, "notifications/outbox.html", context)


@require_POST
def outbox_retry(request, pk):
    _require_admin(request)
    message = access.get_visible_or_404(OutboxMessage.objects.all(), pk=pk)
    try:
        actions.retry_message(message, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect(_back(request) if request.POST.get("next") else "notifications:outbox")


def template_list(request):
    _require_admin(request)
    rows = [{"kind": code, "label": spec.label, "text": actions.template_text(code), "default": spec.default,
             "customized": code in _customized()} for code, spec in texts.KINDS.items()]
    return render(request, "notifications/template_list.html", {"rows": rows})


def _customized() -> set[str]:
    from safeharbor.notifications.models import SmsTemplate

    return set(SmsTemplate.objects.values_list("kind", flat=True))


def template_edit(request, kind):
    _require_admin(request)
    if kind not in texts.KINDS:
        raise Http404
    spec = texts.KINDS[kind]
    current = actions.template_text(kind)
    form = forms.TemplateForm(request.POST or None, initial={"text": current or spec.default,
                                                               "active": current is not None})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_template(kind, actor=request.user, text=form.cleaned_data["text"],
                                  active=form.cleaned_data["active"])
        except ActionError as error:
            status = add_action_error(form, error)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("The message text is saved."))
            return redirect("notifications:templates")
    elif request.method == "POST":
        status = 400
    text = form.data.get("text") if form.is_bound else (current or spec.default)
    context = {"form": form, "kind": kind, "spec": spec, "preview": _preview(kind, text),
               "placeholders": [(p, texts.PLACEHOLDER_LABELS[p]) for p in spec.placeholders],
               "limit": texts.ONE_SMS}
    return render(request, "notifications/template_edit.html", context, status=status)


def _preview(kind: str, text: str) -> dict:
    problems = texts.problems(kind, text or "")
    sample = {"code": "261128-7KQ3MZ", "unit": "公安分局", "link": texts.track_link("261128-7KQ3MZ"), "track": texts.track_link(),
              "title": "团结路路灯不亮", "status": texts.PROGRESS_WORDS["resolved"]}
    rendered = "" if problems and not text else _safe_render(text, sample)
    return {"text": rendered, "length": len(rendered), "problems": problems}


def _safe_render(text: str, values: dict) -> str:
    try:
        return texts.render(text, values)
    except (KeyError, ValueError, IndexError):
        return ""


def template_preview(request, kind):
    """htmx: the rendered text and its length while the administrator types."""
    _require_admin(request)
    if kind not in texts.KINDS:
        raise Http404
    return render(request, "notifications/template_edit.html#preview",
                  {"preview": _preview(kind, request.GET.get("text", "")), "limit": texts.ONE_SMS})


@require_POST
def template_reset(request, kind):
    _require_admin(request)
    if kind not in texts.KINDS:
        raise Http404
    actions.reset_template(kind, actor=request.user)
    messages.success(request, _("The default text is back."))
    return redirect("notifications:templates")


# --- residents: no more messages ------------------------------------------------------------------


@login_not_required
@limited("TRACK_RATE")
def stop(request):
    """退订: the reporter proves the matter (tracking + check code) and stops its messages."""
    if request.method == "POST":
        form = forms.StopForm(request.POST)
    else:
        form = forms.StopForm(initial={"code": request.GET.get("code", "")[:30]})
    done = False
    if request.method == "POST" and form.is_valid():
        matter = intake_actions.find_for_resident(form.cleaned_data["code"], form.cleaned_data["check"])
        if matter is None:
            form.add_error(None, _("The tracking code or the check code is not correct."))
        else:
            actions.opt_out_matter(matter)
            done = True
    return render(request, "notifications/stop.html", {"form": form, "done": done},
                  status=400 if request.method == "POST" and not done else 200)
