"""Public pages of the campus app, no account (mounted at /p/campus/)."""

app_name = "campus_public"
urlpatterns: list = []
