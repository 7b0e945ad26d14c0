"""Staff pages of the mediation app (mounted at /mediation/)."""

from django.urls import path

from safeharbor.mediation import views

app_name = "mediation"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("from-matter/<int:pk>/", views.from_matter, name="from_matter"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/<slug:action>/", views.case_action, name="action"),
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("statistics/", views.stats, name="stats"),
    path("statistics.xlsx", views.stats_export, name="stats_export"),
]
