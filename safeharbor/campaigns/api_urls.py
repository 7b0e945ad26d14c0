"""REST API of the campaigns app (mounted under /api/)."""

urlpatterns: list = []
