"""The respondent's pages (/q/<token>/): no account, no session, nothing kept about them.

- No session is started and no identifying cookie is set: after answering, one cookie
  says only "this browser answered questionnaire X" (the value is "1", the same for all).
- Open links are rate limited per client in the cache only (entries expire; the key is a
  keyed hash of the address, never stored in the database, never logged).
- An invitation code arrives in the POST body or the URL #fragment (copied into the form
  by answer.js); it never appears in a URL the server or a proxy logs.
"""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from safeharbor.core import ratelimits
from safeharbor.core.errors import ActionError
from safeharbor.surveys import actions, queries
from safeharbor.surveys.models import Survey

DEFAULT_RATE = "20/h"
ANSWERED_COOKIE = "q_done_"


def _client_key(group, request) -> str:
    """A keyed hash of the address and the survey, for the rate-limit counter in the cache."""
    raw = f"{request.META.get('REMOTE_ADDR', '')}|{request.resolver_match.kwargs.get('token', '')}"
    return hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()


limited = ratelimits.limited("SURVEY_RATE", key=_client_key, default=DEFAULT_RATE)


def _page(request, survey, *, errors=None, answers=None, message="", status=200):
    version = survey.current_version()
    return render(request, "surveys/answer.html", {
        "survey": survey, "sections": queries.sections_with_questions(version), "errors": errors or {},
        "answers": answers or {}, "message": message, "needs_code": survey.access == Survey.Access.INVITATION,
        "answered_before": request.COOKIES.get(ANSWERED_COOKIE + survey.token) == "1",
    }, status=status)


def _submitted(request) -> dict:
    """What the respondent entered, to show the form again after an error."""
    return {key: request.POST.getlist(key) for key in request.POST if key.startswith("a_")}


@login_not_required
@never_cache
@limited
def answer(request, token: str):
    survey = get_object_or_404(Survey, token=token)
    state = queries.availability(survey)
    if state == "draft":
        return render(request, "surveys/answer_closed.html", {"survey": None}, status=404)
    if state != "open":
        return render(request, "surveys/answer_closed.html", {"survey": survey, "state": state}, status=410
                      if state in ("closed", "ended") else 200)
    if request.method == "POST":
        try:
            actions.submit_response(survey, data=request.POST, code=request.POST.get("code", ""))
        except ActionError as error:
            return _page(request, survey, errors=error.extra.get("errors", {}) | (
                {"code": str(error.message)} if error.extra.get("field") == "code" else {}),
                answers=_submitted(request), message=str(error.message), status=error.status_code)
        response = redirect("surveys_public:thanks", token=survey.token)
        response.set_cookie(ANSWERED_COOKIE + survey.token, "1", max_age=180 * 86400, httponly=True, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE)
        return response
    return _page(request, survey)


@login_not_required
def thanks(request, token: str):
    survey = get_object_or_404(Survey, token=token)
    return render(request, "surveys/answer_thanks.html", {"survey": survey})
