"""Staff pages of the notifications app (mounted at /notifications/)."""

from django.urls import path

from safeharbor.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("<int:pk>/unread/", views.notification_unread, name="unread"),
    path("settings/", views.preferences, name="preferences"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="outbox_retry"),
    path("texts/", views.template_list, name="templates"),
    path("texts/<slug:kind>/", views.template_edit, name="template_edit"),
    path("texts/<slug:kind>/preview/", views.template_preview, name="template_preview"),
    path("texts/<slug:kind>/reset/", views.template_reset, name="template_reset"),
    path("stop/", views.stop, name="stop"),
]
