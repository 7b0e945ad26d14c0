"""REST API of the notifications app (mounted under /api/)."""

urlpatterns: list = []
