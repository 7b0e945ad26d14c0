"""REST API of the publicity app (mounted under /api/)."""

urlpatterns: list = []
