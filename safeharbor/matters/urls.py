from django.urls import path

from safeharbor.matters import views

app_name = "matters"
urlpatterns = [
    path("matters/", views.matter_list, name="list"),
    path("matters/new/", views.matter_new, name="new"),
    path("matters/inboxes/", views.inbox_tabs, name="inbox_tabs"),
    path("matters/<int:pk>/", views.matter_detail, name="detail"),
    path("matters/<int:pk>/dispatch/", views.matter_dispatch, name="dispatch"),
    path("matters/<int:pk>/accept/", views.matter_accept, name="accept"),
    path("matters/<int:pk>/unmerge/", views.matter_unmerge, name="unmerge"),
    path("matters/<int:pk>/new-info-read/", views.matter_new_info_read, name="new_info_read"),
    path("matters/<int:pk>/return/", views.matter_return, name="return"),
    path("matters/<int:pk>/assign/", views.matter_assign, name="assign"),
    path("matters/<int:pk>/note/", views.matter_note, name="note"),
    path("matters/<int:pk>/request-extension/", views.matter_request_extension, name="request_extension"),
    path("matters/<int:pk>/decide-extension/", views.matter_decide_extension, name="decide_extension"),
    path("matters/<int:pk>/resolve/", views.matter_resolve, name="resolve"),
    path("matters/<int:pk>/follow-up/", views.matter_follow_up, name="follow_up"),
    path("matters/<int:pk>/close/", views.matter_close, name="close"),
    path("matters/<int:pk>/merge/", views.matter_merge, name="merge"),
    path("matters/<int:pk>/reject/", views.matter_reject, name="reject"),
    path("matters/<int:pk>/supervise/", views.matter_supervise, name="supervise"),
    path("matters/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/new/", views.supervision_new, name="supervision_new"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_detail"),
    path("supervision/<int:pk>/reply/", views.supervision_reply, name="supervision_reply"),
    path("supervision/<int:pk>/close/", views.supervision_close, name="supervision_close"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/", views.meeting_decision, name="meeting_decision"),
    path("commendations/", views.commendation_list, name="commendation_list"),
]
