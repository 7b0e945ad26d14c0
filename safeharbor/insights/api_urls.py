"""REST API of the insights app (mounted under /api/)."""

from django.urls import path

from safeharbor.insights import api

urlpatterns = [
    path("insights/dashboard/", api.DashboardView.as_view(), name="api_insights_dashboard"),
    path("insights/rankings/", api.RankingView.as_view(), name="api_insights_rankings"),
    path("insights/hotspots/", api.HotspotView.as_view(), name="api_insights_hotspots"),
    path("insights/report-cards/<str:kind>/<int:pk>/", api.ReportCardView.as_view(), name="api_insights_card"),
]
