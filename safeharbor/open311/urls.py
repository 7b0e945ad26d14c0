"""Open311 GeoReport v2, mounted at /open311/. Service codes contain dots
(dispute.neighbor.json), so the format is whatever follows the last dot."""

from django.urls import re_path

from safeharbor.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/discovery" + FMT, views.discovery),  # where some clients look for it
    re_path(r"^v2/services" + FMT, views.services, name="services"),
    re_path(r"^v2/services/(?P<service_code>[^/]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^v2/requests/(?P<service_request_id>[^/]+)" + FMT, views.service_request, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+)" + FMT, views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found),  # anything else: a 404 in the specification's format
]
