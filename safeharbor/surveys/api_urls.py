"""/api/ routes of the surveys app (included by safeharbor.core.api_urls)."""

from django.urls import path

from safeharbor.surveys import api

urlpatterns = [
    path("surveys/", api.SurveyList.as_view(), name="api_survey_list"),
    path("surveys/<int:pk>/", api.SurveyDetail.as_view(), name="api_survey_detail"),
    path("surveys/<int:pk>/results/", api.SurveyResults.as_view(), name="api_survey_results"),
    path("surveys/<int:pk>/publish/", api.SurveyPublish.as_view(), name="api_survey_publish"),
    path("surveys/<int:pk>/close/", api.SurveyClose.as_view(), name="api_survey_close"),
    path("surveys/<int:pk>/sections/", api.SectionCreate.as_view(), name="api_survey_section_create"),
    path("surveys/<int:pk>/sections/<int:position>/", api.SectionItem.as_view(), name="api_survey_section"),
    path("surveys/<int:pk>/questions/", api.QuestionCreate.as_view(), name="api_survey_question_create"),
    path("surveys/<int:pk>/questions/<slug:key>/", api.QuestionItem.as_view(), name="api_survey_question"),
    path("surveys/<int:pk>/questions/<slug:key>/move/", api.QuestionMove.as_view(), name="api_survey_question_move"),
    path("surveys/<int:pk>/questions/<slug:key>/options/", api.QuestionOptions.as_view(),
         name="api_survey_question_options"),
    path("surveys/<int:pk>/questions/<slug:key>/skip/", api.QuestionSkip.as_view(), name="api_survey_question_skip"),
]
