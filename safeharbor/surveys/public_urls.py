"""Public pages of the surveys app, no account (mounted at /q/)."""

app_name = "surveys_public"
urlpatterns: list = []
