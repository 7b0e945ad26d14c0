"""Public pages of the services app, no account (mounted at /p/services/)."""

app_name = "services_public"
urlpatterns: list = []
