"""Public pages of the campaigns app, no account (mounted at /p/clues/)."""

from django.urls import path

from safeharbor.campaigns import public_views

app_name = "campaigns_public"
urlpatterns = [
    path("", public_views.campaign_list, name="list"),
    path("<int:pk>/", public_views.clue_new, name="new"),
    path("receipt/", public_views.receipt, name="receipt"),
    path("track/", public_views.track, name="track"),
]
