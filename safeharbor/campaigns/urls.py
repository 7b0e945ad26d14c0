"""Staff pages of the campaigns app (mounted at /campaigns/)."""

from django.urls import path

from safeharbor.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/phases/", views.phase_save, name="phase_save"),
    path("<int:pk>/cadence/", views.cadence, name="cadence"),
    path("<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/reports/", views.reports_list, name="reports"),
    path("<int:pk>/reports/new/", views.report_new, name="report_new"),
    path("<int:pk>/bulletins/new/", views.bulletin_new, name="bulletin_new"),
    path("<int:pk>/clues/", views.clue_list, name="clues"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/files/<int:pk>/", views.report_file, name="report_file"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/pdf/", views.bulletin_pdf, name="bulletin_pdf"),
    path("clues/<int:pk>/", views.clue_detail, name="clue"),
    path("clues/from-matter/<int:matter_pk>/", views.clue_from_matter, name="clue_from_matter"),
    path("clues/<int:pk>/verify/", views.clue_verify, name="clue_verify"),
    path("clues/<int:pk>/close/", views.clue_close, name="clue_close"),
]
