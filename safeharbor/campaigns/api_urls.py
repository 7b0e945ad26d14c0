"""REST API of the campaigns app (mounted under /api/)."""

from django.urls import path

from safeharbor.campaigns import api

urlpatterns = [
    path("campaigns/", api.CampaignList.as_view(), name="api_campaign_list"),
    path("campaigns/<int:pk>/", api.CampaignDetail.as_view(), name="api_campaign_detail"),
    path("campaigns/<int:pk>/tasks/", api.TaskList.as_view(), name="api_campaign_tasks"),
    path("campaigns/<int:pk>/reports/", api.ReportList.as_view(), name="api_campaign_reports"),
    path("campaigns/<int:pk>/bulletins/", api.BulletinList.as_view(), name="api_campaign_bulletins"),
    path("campaigns/<int:pk>/clues/", api.ClueList.as_view(), name="api_campaign_clues"),
    path("campaign-bulletins/<int:pk>/", api.BulletinDetail.as_view(), name="api_bulletin_detail"),
    path("campaign-bulletins/<int:pk>/publish/", api.BulletinPublish.as_view(), name="api_bulletin_publish"),
    path("campaign-clues/<int:pk>/verify/", api.ClueVerify.as_view(), name="api_clue_verify"),
    path("campaign-clues/<int:pk>/close/", api.ClueClose.as_view(), name="api_clue_close"),
]
