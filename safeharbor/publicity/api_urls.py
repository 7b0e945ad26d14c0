"""REST API of the publicity app (mounted under /api/)."""

from django.urls import path

from safeharbor.publicity import api

urlpatterns = [
    path("publicity/materials/", api.MaterialList.as_view(), name="api_material_list"),
    path("publicity/activities/", api.ActivityList.as_view(), name="api_activity_list"),
    path("publicity/activities/<int:pk>/", api.ActivityDetail.as_view(), name="api_activity_detail"),
    path("publicity/figures/", api.Figures.as_view(), name="api_publicity_figures"),
]
