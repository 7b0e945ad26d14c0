from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from safeharbor.core import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema", permission_classes=[AllowAny]), name="api_docs"),
    path("areas/", api.AreaList.as_view(), name="api_area_list"),
    path("areas/<int:pk>/", api.AreaDetail.as_view(), name="api_area_detail"),
    path("units/", api.UnitList.as_view(), name="api_unit_list"),
    path("units/<int:pk>/", api.UnitDetail.as_view(), name="api_unit_detail"),
    path("categories/", api.CategoryList.as_view(), name="api_category_list"),
    path("categories/<int:pk>/", api.CategoryDetail.as_view(), name="api_category_detail"),
    path("harbors/", api.HarborList.as_view(), name="api_harbor_list"),
    path("harbors/<int:pk>/", api.HarborDetail.as_view(), name="api_harbor_detail"),
    path("", include("safeharbor.matters.api_urls")),
    path("", include("safeharbor.notifications.api_urls")),
    path("", include("safeharbor.mediation.api_urls")),
    path("", include("safeharbor.services.api_urls")),
    path("", include("safeharbor.campus.api_urls")),
    path("", include("safeharbor.campaigns.api_urls")),
    path("", include("safeharbor.publicity.api_urls")),
    path("", include("safeharbor.surveys.api_urls")),
    path("", include("safeharbor.insights.api_urls")),
]
