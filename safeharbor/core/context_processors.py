from django.conf import settings

from safeharbor.core import navigation, queries


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": navigation.items_for(getattr(request, "user", None), request.path),
        "two_factor_allowed": queries.two_factor_allowed(getattr(request, "user", None)),
    }
