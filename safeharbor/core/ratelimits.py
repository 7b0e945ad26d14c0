"""Rate limits of the public pages (no account): POSTs counted per client in the cache.

    @limited("REPORT_RATE")                       # per IP, the rate named in settings
    @limited("SURVEY_RATE", key=fn, default="20/h")

The rate is read from settings at request time, so it can be configured and overridden in
tests. Over the limit the client gets the 429 page in the public pages' look (the notice
alone to an htmx request); nothing already submitted is touched.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

TEMPLATE = "intake/rate_limited.html"  # extends the public base template


def limited(rate_setting: str, *, key="ip", default: str | None = None):
    def decorator(view):
        @ratelimit(key=key, rate=lambda group, request: getattr(settings, rate_setting, default), method="POST",
                   block=False)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request, "limited", False):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@login_not_required
def too_many_requests(request, exception=None):
    template = f"{TEMPLATE}#notice" if getattr(request, "htmx", False) else TEMPLATE
    return render(request, template, status=429)
