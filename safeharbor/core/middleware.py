import csp.middleware
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login except views marked @login_not_required.

    The API answers 401/403 itself (token or session), so it is left to DRF.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class TwoFactorRequiredMiddleware:
    """With TWO_FACTOR_REQUIRED, users of TWO_FACTOR_ROLES set up an authenticator app before
    they use anything else (the set-up page, log-out and static files stay reachable)."""

    ALLOWED = ("/accounts/", "/static/", "/i18n/", "/healthz", "/metrics")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        user = getattr(request, "user", None)
        if (
            settings.TWO_FACTOR_REQUIRED
            and user is not None
            and user.is_authenticated
            and user.role in settings.TWO_FACTOR_ROLES
            and not request.path_info.startswith(self.ALLOWED)
            and not request.path_info.startswith("/api/")
        ):
            from django.shortcuts import redirect

            from safeharbor.core.queries import confirmed_totp

            if confirmed_totp(user) is None:
                return redirect("two_factor")
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character in the URL or its query string is never meaningful, and PostgreSQL
    refuses it in any text comparison (a 500 deep inside a filter). Answer 400 at the door."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            from safeharbor.core.errors import error_response

            return error_response(request, 400, "NUL characters are not allowed in a URL.")
        return self.get_response(request)


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's, minus the policy on redirects: a redirect has no document for it to
    protect, and the browser applies the policy of the page it lands on. (Building the policy
    is a good part of what answering a form's POST-redirect-GET costs.)"""

    def process_response(self, request, response):
        if 300 <= response.status_code < 400:
            return response
        return super().process_response(request, response)
