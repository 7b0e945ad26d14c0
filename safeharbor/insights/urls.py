"""Staff pages of the insights app (mounted at /insights/)."""

app_name = "insights"
urlpatterns: list = []
