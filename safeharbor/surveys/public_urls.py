"""Public pages of the surveys app, no account (mounted at /q/)."""

from django.urls import path

from safeharbor.surveys import public_views

app_name = "surveys_public"
urlpatterns = [
    path("<str:token>/", public_views.answer, name="answer"),
    path("<str:token>/thanks/", public_views.thanks, name="thanks"),
]
