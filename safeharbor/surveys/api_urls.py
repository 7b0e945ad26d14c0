"""/api/ routes of the surveys app (included by safeharbor.core.api_urls)."""

from django.urls import path

from safeharbor.surveys import api

urlpatterns = [
    path("surveys/", api.SurveyList.as_view(), name="api_survey_list"),
    path("surveys/<int:pk>/", api.SurveyDetail.as_view(), name="api_survey_detail"),
    path("surveys/<int:pk>/results/", api.SurveyResults.as_view(), name="api_survey_results"),
    path("surveys/<int:pk>/publish/", api.SurveyPublish.as_view(), name="api_survey_publish"),
    path("surveys/<int:pk>/close/", api.SurveyClose.as_view(), name="api_survey_close"),
]
