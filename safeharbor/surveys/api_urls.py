"""REST API of the surveys app (mounted under /api/)."""

urlpatterns: list = []
