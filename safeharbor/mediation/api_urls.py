"""REST API of the mediation app (mounted under /api/)."""

urlpatterns: list = []
