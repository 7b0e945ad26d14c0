"""REST API of the campus app (mounted under /api/)."""

from django.urls import path

from safeharbor.campus import api

urlpatterns = [
    path("campus/schools/", api.SchoolList.as_view(), name="api_campus_schools"),
    path("campus/schools/<int:pk>/report-card/", api.SchoolReportCard.as_view(), name="api_campus_report_card"),
    path("campus/schools/<int:pk>/psych-summary/", api.PsychSummary.as_view(), name="api_campus_psych_summary"),
    path("campus/hazards/", api.HazardList.as_view(), name="api_campus_hazards"),
    path("campus/hazards/<int:pk>/", api.HazardDetail.as_view(), name="api_campus_hazard"),
    path("campus/hazards/<int:pk>/reinspect/", api.HazardReinspect.as_view(), name="api_campus_hazard_reinspect"),
    path("campus/incidents/", api.IncidentList.as_view(), name="api_campus_incidents"),
    path("campus/shifts/", api.ShiftList.as_view(), name="api_campus_shifts"),
    path("campus/psych-cases/", api.PsychCaseList.as_view(), name="api_campus_psych_cases"),
    path("campus/psych-cases/<int:pk>/", api.PsychCaseDetail.as_view(), name="api_campus_psych_case"),
]
