from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("safeharbor.intake.public_urls")),
    path("intake/", include("safeharbor.intake.staff_urls")),
    path("open311/", include("safeharbor.open311.urls")),
    path("", include("safeharbor.core.urls")),
    path("", include("safeharbor.matters.urls")),
    path("api/", include("safeharbor.core.api_urls")),
    path("notifications/", include("safeharbor.notifications.urls")),
    path("mediation/", include("safeharbor.mediation.urls")),
    path("services/", include("safeharbor.services.urls")),
    path("p/services/", include("safeharbor.services.public_urls")),
    path("campus/", include("safeharbor.campus.urls")),
    path("p/campus/", include("safeharbor.campus.public_urls")),
    path("campaigns/", include("safeharbor.campaigns.urls")),
    path("p/clues/", include("safeharbor.campaigns.public_urls")),
    path("publicity/", include("safeharbor.publicity.urls")),
    path("law/", include("safeharbor.publicity.public_urls")),
    path("surveys/", include("safeharbor.surveys.urls")),
    path("q/", include("safeharbor.surveys.public_urls")),
    path("insights/", include("safeharbor.insights.urls")),
    path("routing/", include("safeharbor.routing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]


def handler404(request, exception):
    """The API answers 404 in JSON, like its views do; pages get the 404 page."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
