"""Staff pages of the campus app (mounted at /campus/)."""

from django.urls import path

from safeharbor.campus import views

app_name = "campus"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.school_card, name="school"),
    path("<int:pk>/setup/", views.school_setup, name="setup"),
    path("<int:pk>/meetings/", views.meetings, name="meetings"),
    path("<int:pk>/hazards/", views.hazards, name="hazards"),
    path("<int:pk>/guards/", views.guards, name="guards"),
    path("<int:pk>/psych/", views.psych, name="psych"),
    path("<int:pk>/psych/cases/new/", views.case_new, name="psych_case_new"),
    path("<int:pk>/incidents/", views.incidents, name="incidents"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/photos/<int:pk>/", views.hazard_photo, name="hazard_photo"),
    path("duties/<int:pk>/sign-in/", views.duty_sign_in, name="duty_sign_in"),
    path("duties/<int:pk>/drop/", views.duty_drop, name="duty_drop"),
    path("gates/<int:pk>/qr.svg", views.gate_qr, name="gate_qr"),
    path("classes/<int:pk>/monitor/", views.monitor_set, name="monitor_set"),
    path("psych/cases/<int:pk>/", views.case_detail, name="psych_case"),
]
