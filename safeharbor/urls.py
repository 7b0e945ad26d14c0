from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("safeharbor.intake.public_urls")),
    path("intake/", include("safeharbor.intake.staff_urls")),
    path("open311/", include("safeharbor.open311.urls")),
    path("", include("safeharbor.core.urls")),
    path("", include("safeharbor.matters.urls")),
    path("api/", include("safeharbor.core.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
