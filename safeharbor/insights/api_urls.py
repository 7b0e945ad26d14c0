"""REST API of the insights app (mounted under /api/)."""

urlpatterns: list = []
