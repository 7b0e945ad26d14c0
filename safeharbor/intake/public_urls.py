"""Public pages for residents (no account). Mounted at the site root."""

from django.urls import path

from safeharbor.intake import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.home, name="home"),
]
