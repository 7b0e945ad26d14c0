"""Staff pages of the campus app (mounted at /campus/)."""

app_name = "campus"
urlpatterns: list = []
