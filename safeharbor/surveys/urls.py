"""Staff pages of the surveys app (mounted at /surveys/)."""

app_name = "surveys"
urlpatterns: list = []
