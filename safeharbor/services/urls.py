"""Staff pages of the services app (mounted at /services/)."""

app_name = "services"
urlpatterns: list = []
