"""Staff pages of the campaigns app (mounted at /campaigns/)."""

app_name = "campaigns"
urlpatterns: list = []
