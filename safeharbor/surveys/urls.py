"""Staff pages of the surveys app (mounted at /surveys/)."""

from django.urls import path

from safeharbor.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/publish/", views.survey_publish, name="publish"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/sections/", views.section_add, name="section_add"),
    path("<int:pk>/sections/<int:position>/delete/", views.section_delete, name="section_delete"),
    path("<int:pk>/questions/new/", views.question_edit, name="question_new"),
    path("<int:pk>/questions/<slug:key>/", views.question_edit, name="question_edit"),
    path("<int:pk>/questions/<slug:key>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/questions/<slug:key>/move/", views.question_move, name="question_move"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/preview/frame/", views.preview_frame, name="preview_frame"),
    path("<int:pk>/qr.<str:fmt>", views.qr, name="qr"),
    path("<int:pk>/batches/", views.batch_add, name="batch_add"),
    path("<int:pk>/batches/<int:batch_pk>/slips.pdf", views.batch_slips, name="batch_slips"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.<str:fmt>", views.results_export, name="results_export"),
    path("<int:pk>/findings/", views.finding_add, name="finding_add"),
]
