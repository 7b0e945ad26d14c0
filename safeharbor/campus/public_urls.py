"""Public pages of the campus app, no account (mounted at /p/campus/)."""

from django.urls import path

from safeharbor.campus import public_views

app_name = "campus_public"
urlpatterns = [
    path("gate/<str:token>/", public_views.gate_sign_in, name="gate"),
]
