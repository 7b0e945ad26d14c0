"""Staff pages of the services app (mounted at /services/)."""

from django.urls import path

from safeharbor.services import views

app_name = "services"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.service_edit, name="service_new"),
    path("catalogue/<int:pk>/", views.service_edit, name="service_edit"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="application_action"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("families/", views.family_list, name="family_list"),
    path("families/<int:pk>/", views.family_detail, name="family_detail"),
    path("families/criteria/<int:harbor_pk>/", views.family_criteria, name="family_criteria"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/check-in/", views.event_checkin, name="event_checkin"),
    path("events/<int:pk>/photos/", views.event_photo, name="event_photo"),
    path("events/<int:pk>/photos/<int:photo_pk>/", views.event_photo_file, name="event_photo_file"),
    path("events/<int:pk>/complete/", views.event_complete, name="event_complete"),
    path("events/<int:pk>/qr.svg", views.event_qr, name="event_qr"),
    path("events/<int:pk>/certificates/<int:enrollment_pk>.pdf", views.event_certificate,
         name="event_certificate"),
    path("hotline/", views.hotline, name="hotline"),
    path("rota/", views.rota_list, name="rota_list"),
    path("rota/<int:pk>/", views.rota_detail, name="rota_detail"),
    path("rota/<int:pk>/rota.ics", views.rota_ical, name="rota_ical"),
    path("rota/<int:pk>/swap/", views.rota_swap, name="rota_swap"),
    path("rota/<int:pk>/swap/<int:swap_pk>/", views.rota_swap_decide, name="rota_swap_decide"),
    path("aid/", views.aid, name="aid"),
    path("aid/people/<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
]
