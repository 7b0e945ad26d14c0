"""REST API of the services app (mounted under /api/)."""

from django.urls import path

from safeharbor.services import api

urlpatterns = [
    path("services/catalogue/", api.ServiceList.as_view(), name="api_service_list"),
    path("services/applications/", api.ApplicationList.as_view(), name="api_application_list"),
    path("services/applications/<int:pk>/", api.ApplicationDetail.as_view(), name="api_application_detail"),
    path("services/applications/<int:pk>/review/", api.ApplicationReview.as_view(), name="api_application_review"),
    path("services/applications/<int:pk>/materials/", api.ApplicationMaterials.as_view(),
         name="api_application_materials"),
    path("services/applications/<int:pk>/request-materials/", api.ApplicationRequestMaterials.as_view(),
         name="api_application_request_materials"),
    path("services/applications/<int:pk>/decide/", api.ApplicationDecide.as_view(), name="api_application_decide"),
    path("services/applications/<int:pk>/deliver/", api.ApplicationDeliver.as_view(),
         name="api_application_deliver"),
    path("services/events/", api.EventList.as_view(), name="api_event_list"),
    path("services/events/<int:pk>/check-in/", api.EventCheckIn.as_view(), name="api_event_check_in"),
    path("services/hotline-calls/", api.HotlineCallList.as_view(), name="api_hotline_call_list"),
    path("services/rota/<int:pk>/slots/", api.RosterSlots.as_view(), name="api_rota_slots"),
    path("services/figures/", api.Figures.as_view(), name="api_service_figures"),
]
