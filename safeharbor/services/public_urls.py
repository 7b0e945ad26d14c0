"""Public pages of the services app, no account (mounted at /p/services/)."""

from django.urls import path

from safeharbor.services import public_views

app_name = "services_public"
urlpatterns = [
    path("", public_views.home, name="home"),
    path("apply/<int:pk>/", public_views.apply, name="apply"),
    path("receipt/", public_views.receipt, name="receipt"),
    path("track/", public_views.track, name="track"),
    path("track/<str:code>/", public_views.track_detail, name="track_detail"),
    path("track/<str:code>/add/", public_views.track_supplement, name="track_supplement"),
    path("jobs/", public_views.jobs, name="jobs"),
    path("jobs/board/", public_views.jobs_board, name="jobs_board"),
    path("events/", public_views.events, name="events"),
    path("safe-family/", public_views.family_apply, name="family_apply"),
    path("events/<int:pk>/", public_views.event_signup, name="event"),
    path("check-in/<str:token>/", public_views.checkin, name="checkin"),
]
