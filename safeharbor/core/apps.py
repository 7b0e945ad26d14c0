from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "safeharbor.core"
    label = "core"
    verbose_name = _("Organization")

    def ready(self):
        from django.http import JsonResponse

        from safeharbor.core import checks  # noqa: F401  (registers system checks)
        from safeharbor.core.errors import register_error_format

        # The API's error shape (as for ActionError in the API views).
        register_error_format("/api/", lambda request, status, message: JsonResponse(
            {"message": message, "extra": {}}, status=status))
