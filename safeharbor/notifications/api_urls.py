"""REST API of the notifications app (mounted under /api/)."""

from django.urls import path

from safeharbor.notifications import api

urlpatterns = [
    path("notifications/", api.NotificationList.as_view(), name="api_notification_list"),
    path("notifications/unread-count/", api.UnreadCount.as_view(), name="api_notification_unread_count"),
    path("notifications/read-all/", api.NotificationReadAll.as_view(), name="api_notification_read_all"),
    path("notifications/<int:pk>/", api.NotificationDetail.as_view(), name="api_notification_detail"),
    path("notifications/<int:pk>/read/", api.NotificationRead.as_view(), name="api_notification_read"),
    path("notifications/outbox/", api.OutboxList.as_view(), name="api_notification_outbox"),
    path("notifications/sms/inbound/", api.InboundSms.as_view(), name="api_sms_inbound"),
]
