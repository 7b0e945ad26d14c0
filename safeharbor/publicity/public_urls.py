"""Public pages of the publicity app, no account (mounted at /law/)."""

app_name = "publicity_public"
urlpatterns: list = []
