"""REST API of the campus app (mounted under /api/)."""

urlpatterns: list = []
