from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "safeharbor.routing"
    label = "routing"
    verbose_name = _("Routing")

    def ready(self):
        from django.conf import settings

        from safeharbor.core import navigation
        from safeharbor.core.models import User
        from safeharbor.matters import hooks, periodic
        from safeharbor.routing import actions
        from safeharbor.routing.tasks import index_recent_matters, train_classifier

        # Retrain on the dispatchers' confirmed categories on a schedule (`safeharbor worker`).
        periodic.register("train_classifier", train_classifier, lambda: settings.ROUTING_RETRAIN_HOURS * 3600)
        # Matters the arrival hook could not file in the duplicate index, every 10 minutes.
        periodic.register("index_recent_matters", index_recent_matters, 60)
        # Every new matter gets its suggestion (and maybe its auto-dispatch) on arrival.
        hooks.register_event_hook("routing", actions.on_matter_event)
        if not any(item.url_name == "routing:models" for item in navigation.ITEMS):
            navigation.register(_("Routing"), "routing:models",
                                roles=(User.Role.DISPATCHER, User.Role.LEADER), order=90)
