"""Staff pages of the notifications app (mounted at /notifications/)."""

app_name = "notifications"
urlpatterns: list = []
