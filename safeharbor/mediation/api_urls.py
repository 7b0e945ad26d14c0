"""REST API of the mediation app (mounted under /api/)."""

from django.urls import path

from safeharbor.mediation import api

urlpatterns = [
    path("mediation/cases/", api.CaseList.as_view(), name="api_mediation_case_list"),
    path("mediation/cases/new/", api.CaseCreate.as_view(), name="api_mediation_case_create"),
    path("mediation/cases/<int:pk>/", api.CaseDetail.as_view(), name="api_mediation_case_detail"),
    path("mediation/cases/<int:pk>/risk/", api.CaseRisk.as_view(), name="api_mediation_case_risk"),
    path("mediation/cases/<int:pk>/accept/", api.CaseAccept.as_view(), name="api_mediation_case_accept"),
    path("mediation/cases/<int:pk>/consent/", api.CaseConsent.as_view(), name="api_mediation_case_consent"),
    path("mediation/cases/<int:pk>/sessions/", api.CaseSession.as_view(), name="api_mediation_case_session"),
    path("mediation/cases/<int:pk>/agreement/", api.CaseAgreement.as_view(), name="api_mediation_case_agreement"),
    path("mediation/cases/<int:pk>/failure/", api.CaseFailure.as_view(), name="api_mediation_case_failure"),
    path("mediation/cases/<int:pk>/escalate/", api.CaseEscalate.as_view(), name="api_mediation_case_escalate"),
    path("mediation/cases/<int:pk>/visits/", api.CaseVisit.as_view(), name="api_mediation_case_visit"),
    path("mediation/cases/<int:pk>/archive/", api.CaseArchive.as_view(), name="api_mediation_case_archive"),
    path("mediation/cases/<int:pk>/decline/", api.CaseDecline.as_view(), name="api_mediation_case_decline"),
    path("mediation/cases/<int:pk>/joint-units/", api.CaseJoint.as_view(), name="api_mediation_case_joint"),
    path("mediation/cases/<int:pk>/confirmation/", api.CaseConfirmation.as_view(),
         name="api_mediation_case_confirmation"),
    path("mediation/cases/<int:pk>/parties/", api.CaseAddParty.as_view(), name="api_mediation_case_party"),
    path("mediation/committees/", api.CommitteeList.as_view(), name="api_mediation_committee_list"),
]
