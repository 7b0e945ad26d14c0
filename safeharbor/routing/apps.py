from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "safeharbor.routing"
    label = "routing"
    verbose_name = _("Routing")

    def ready(self):
        from django.conf import settings

        from safeharbor.matters import periodic
        from safeharbor.routing.tasks import train_classifier

        # Retrain on the dispatchers' confirmed categories on a schedule (`safeharbor worker`).
        periodic.register("train_classifier", train_classifier, lambda: settings.ROUTING_RETRAIN_HOURS * 3600)
