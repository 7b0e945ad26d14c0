"""Staff pages of the mediation app (mounted at /mediation/)."""

app_name = "mediation"
urlpatterns: list = []
