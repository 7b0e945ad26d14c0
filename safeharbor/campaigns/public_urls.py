"""Public pages of the campaigns app, no account (mounted at /p/clues/)."""

app_name = "campaigns_public"
urlpatterns: list = []
