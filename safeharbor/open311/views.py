"""Open311 GeoReport v2: /open311/discovery.{xml,json} and /open311/v2/….

Public: no login (the login-required middleware lets these views through) and no
session. Reading needs no key; POST requests needs an `api_key` (form field, or query
parameter as some clients send it), is exempt from CSRF because it is authenticated by
that key and never by a cookie, and is rate-limited per key. Every answer, errors
included, comes in the format of the URL's extension; an unknown extension is a 404 in
XML, the format the specification requires.
"""

import functools
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from safeharbor.core.errors import ActionError
from safeharbor.open311 import actions, queries
from safeharbor.open311.formats import FORMATS, render, render_errors, w3_datetime

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
POST_RATE = "60/m"  # per api_key; settings.OPEN311_POST_RATE overrides
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](?:\[\])?$")
_OFFSET_AFTER_SPACE = re.compile(r" (\d{2}:?\d{2})$")  # "+08:00" that arrived unencoded as " 08:00"


def open311(*methods: str):
    """Public, CSRF-exempt, open to web clients of any origin (CORS), in the URL's format,
    with the specification's errors for an unknown format (404), a wrong method (405) and
    an ActionError (its status)."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view):
        @login_not_required
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            allow = ", ".join(sorted(allowed))
            if fmt not in FORMATS:
                response = render_errors("xml", 404, _("Unknown format “%(format)s”: use .xml or .json.")
                                         % {"format": fmt[:10]})
            elif request.method == "OPTIONS":  # a browser's CORS preflight
                response = HttpResponse(status=204, headers={
                    "Allow": allow, "Access-Control-Allow-Methods": allow,
                    "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "86400"})
            elif request.method not in allowed:
                response = render_errors(fmt, 405, _("Method %(method)s is not allowed here.")
                                         % {"method": request.method}, headers={"Allow": allow})
            else:
                try:
                    response = view(request, *args, fmt=fmt, **kwargs)
                except ActionError as exc:
                    response = render_errors(fmt, exc.status_code, *(exc.extra.get("errors") or [exc.message]))
            # Public data without cookies: web clients on any site may read it.
            response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapper

    return decorate


def _endpoint_url(request) -> str:
    return request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]


@open311("GET")
def discovery(request, fmt):
    site = settings.SITE_NAME
    changeset = w3_datetime(timezone.make_aware(datetime.combine(timezone.localdate(), time())))
    return render(fmt, "discovery", {
        "changeset": changeset,
        "contact": _("Questions about this API: please contact the administrators of %(site)s.") % {"site": site},
        "key_service": _("Reading needs no key. To submit service requests, ask the administrators of %(site)s "
                         "for an api_key; they issue and revoke keys.") % {"site": site},
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": _endpoint_url(request),
            "changeset": changeset,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


@open311("GET")
def services(request, fmt):
    return render(fmt, "services", [queries.service_data(c) for c in queries.service_list()])


@open311("GET")
def service_definition(request, service_code, fmt):
    category = queries.get_service(service_code)
    if category is None:
        raise ActionError(_("No service with the code “%(code)s”.") % {"code": service_code[:60]}, status_code=404)
    if not category.has_attributes:
        raise ActionError(_("The service “%(code)s” has no service definition (its metadata is false).")
                          % {"code": service_code[:60]}, status_code=404)
    data = queries.definition_data(category, queries.service_attributes(category))
    return render(fmt, "service_definition", data)


@open311("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    filters = _request_filter(request.GET)
    return render(fmt, "service_requests", [queries.request_data(m) for m in queries.request_list(filters)])


@open311("GET")
def service_request(request, service_request_id, fmt):
    matter = queries.get_request(service_request_id)
    if matter is None:
        raise ActionError(_("No service request with the id “%(id)s”.") % {"id": service_request_id[:40]},
                          status_code=404)
    return render(fmt, "service_requests", [queries.request_data(matter)])


@open311("GET")
def token(request, token, fmt):
    row = queries.get_token(token)
    if row is None:
        raise ActionError(_("No service request with the token “%(token)s”.") % {"token": token[:40]},
                          status_code=404)
    return render(fmt, "service_requests", [{"service_request_id": row.matter.tracking_code, "token": row.token}])


@login_not_required
@csrf_exempt
def not_found(request, path=""):
    fmt = "json" if path.endswith(".json") else "xml"
    return render_errors(fmt, 404, _("There is no Open311 resource here. The API is at %(url)s.")
                         % {"url": _endpoint_url(request)}, headers={"Access-Control-Allow-Origin": "*"})


# --- POST requests ---------------------------------------------------------------------------


def _rate_key(group, request) -> str:
    key = request.POST.get("api_key") or request.GET.get("api_key")
    return f"key:{key}" if key else f"ip:{request.META.get('REMOTE_ADDR', '')}"


def _post_request(request, fmt):
    rate = getattr(settings, "OPEN311_POST_RATE", POST_RATE)
    if is_ratelimited(request, group="open311-post", key=_rate_key, rate=rate, increment=True):
        return render_errors(fmt, 429, _("Too many service requests with this api_key (at most %(rate)s); "
                                         "please wait a minute.") % {"rate": rate}, headers={"Retry-After": "60"})
    data = request.POST
    attributes: dict[str, list[str]] = {}
    for name in data:
        match = _ATTRIBUTE.match(name)
        if match:
            attributes.setdefault(match.group(1), []).extend(data.getlist(name))
    fields = ("service_code", "lat", "long", "address_string", "address_id", "description", "email", "device_id",
              "account_id", "first_name", "last_name", "phone", "media_url")
    row, check = actions.submit_service_request(
        api_key=data.get("api_key") or request.GET.get("api_key", ""), attributes=attributes,
        photos=request.FILES.getlist("media"), **{name: data.get(name, "") for name in fields},
    )
    matter = row.matter
    return render(fmt, "service_requests", [{
        "service_request_id": matter.tracking_code,
        "token": row.token,
        "service_notice": queries.service_notice(matter.category, tracking_code=matter.tracking_code, check=check),
        "account_id": row.account_id or None,
    }])


# --- GET requests: the specification's filters -------------------------------------------------


def _values(params, name: str) -> list[str]:
    """A comma-separated parameter, which may also be repeated."""
    return [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]


def _w3c(params, name: str, *, end: bool = False) -> datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    raw = _OFFSET_AFTER_SPACE.sub(r"+\1", raw)
    try:
        value = parse_datetime(raw)
        day = None if value else parse_date(raw)
    except ValueError:
        value = day = None
    if day is not None:  # a whole day: from its first moment, or up to its last
        value = datetime.combine(day, time.max if end else time.min)
    if value is None:
        raise ActionError(_("%(name)s must be a W3C date and time, e.g. 2026-11-28T00:00:00+08:00.")
                          % {"name": name}, extra={"field": name})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _request_filter(params) -> queries.RequestFilter:
    ids = _values(params, "service_request_id")
    if ids:  # "This overrides all other arguments."
        return queries.RequestFilter(ids=ids)
    statuses = _values(params, "status")
    for status in statuses:
        if status not in ("open", "closed"):
            raise ActionError(_("status must be open or closed, not “%(status)s”.") % {"status": status[:20]},
                              extra={"field": "status"})
    start, end = _w3c(params, "start_date"), _w3c(params, "end_date", end=True)
    if start and end:
        if end < start:
            raise ActionError(_("end_date is before start_date."), extra={"field": "end_date"})
        if end - start > timedelta(days=queries.DEFAULT_DAYS, seconds=1):
            raise ActionError(_("start_date and end_date may not span more than %(days)d days.")
                              % {"days": queries.DEFAULT_DAYS}, extra={"field": "end_date"})
    return queries.RequestFilter(service_codes=_values(params, "service_code") or None, start=start, end=end,
                                 statuses=statuses or None)
