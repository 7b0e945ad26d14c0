from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "safeharbor.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self):
        from safeharbor.core.errors import register_error_format
        from safeharbor.open311.formats import render_errors

        # The GeoReport error list, in the URL's format (XML unless it asks for .json).
        register_error_format("/open311/", lambda request, status, message: render_errors(
            "json" if request.path.endswith(".json") else "xml", status, message,
            headers={"Access-Control-Allow-Origin": "*"}))
        from safeharbor.core import access
        from safeharbor.core.actions import register_revealable
        from safeharbor.open311.models import Open311Request

        # The reporter's e-mail is personal data: revealed like the matter's phone, in scope and audited.
        register_revealable(
            "open311.open311request",
            lambda user: Open311Request.objects.filter(matter__in=access.visible_matters(user)),
            {"email"},
        )
