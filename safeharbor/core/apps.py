from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "safeharbor.core"
    label = "core"
    verbose_name = _("Organization")

    def ready(self):
        from safeharbor.core import checks  # noqa: F401  (registers system checks)
