"""/api/ routes of the matter engine (included by safeharbor.core.api_urls)."""

from django.urls import path

from safeharbor.matters import api

urlpatterns = [
    path("matters/", api.MatterList.as_view(), name="api_matter_list"),
    path("matters/<int:pk>/", api.MatterDetail.as_view(), name="api_matter_detail"),
    path("matters/<int:pk>/timeline/", api.MatterTimeline.as_view(), name="api_matter_timeline"),
    path("matters/<int:pk>/dispatch/", api.MatterDispatch.as_view(), name="api_matter_dispatch"),
    path("matters/<int:pk>/accept/", api.MatterAccept.as_view(), name="api_matter_accept"),
    path("matters/<int:pk>/return/", api.MatterReturn.as_view(), name="api_matter_return"),
    path("matters/<int:pk>/assign/", api.MatterAssign.as_view(), name="api_matter_assign"),
    path("matters/<int:pk>/notes/", api.MatterNote.as_view(), name="api_matter_notes"),
    path("matters/<int:pk>/extension/", api.MatterExtension.as_view(), name="api_matter_extension"),
    path("matters/<int:pk>/extension/decide/", api.MatterDecideExtension.as_view(),
         name="api_matter_extension_decide"),
    path("matters/<int:pk>/resolve/", api.MatterResolve.as_view(), name="api_matter_resolve"),
    path("matters/<int:pk>/follow-up/", api.MatterFollowUp.as_view(), name="api_matter_follow_up"),
    path("matters/<int:pk>/close/", api.MatterClose.as_view(), name="api_matter_close"),
    path("matters/<int:pk>/merge/", api.MatterMerge.as_view(), name="api_matter_merge"),
    path("matters/<int:pk>/reject/", api.MatterReject.as_view(), name="api_matter_reject"),
    path("supervisions/", api.SupervisionList.as_view(), name="api_supervision_list"),
    path("supervisions/<int:pk>/", api.SupervisionDetail.as_view(), name="api_supervision_detail"),
    path("supervisions/<int:pk>/reply/", api.SupervisionReply.as_view(), name="api_supervision_reply"),
    path("supervisions/<int:pk>/close/", api.SupervisionClose.as_view(), name="api_supervision_close"),
    path("meetings/", api.MeetingList.as_view(), name="api_meeting_list"),
    path("meetings/<int:pk>/", api.MeetingDetail.as_view(), name="api_meeting_detail"),
    path("meetings/<int:pk>/decisions/", api.MeetingDecisions.as_view(), name="api_meeting_decisions"),
    path("commendations/", api.CommendationList.as_view(), name="api_commendation_list"),
]
