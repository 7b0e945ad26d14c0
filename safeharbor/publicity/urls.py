"""Staff pages of the publicity app (mounted at /publicity/)."""

app_name = "publicity"
urlpatterns: list = []
