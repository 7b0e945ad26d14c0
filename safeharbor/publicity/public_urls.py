"""Public pages of the publicity app, no account (mounted at /law/)."""

from django.urls import path

from safeharbor.publicity import public_views

app_name = "publicity_public"
urlpatterns = [
    path("", public_views.material_list, name="list"),
    path("m/<slug:code>/", public_views.material_detail, name="material"),
    path("m/<slug:code>/file/", public_views.material_file, name="file"),
    path("m/<slug:code>/qr.svg", public_views.material_qr, name="qr"),
]
