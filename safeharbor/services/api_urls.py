"""REST API of the services app (mounted under /api/)."""

urlpatterns: list = []
