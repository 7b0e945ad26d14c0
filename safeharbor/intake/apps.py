from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "safeharbor.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self):
        from safeharbor.core import navigation

        if not any(item.url_name == "intake:hotline" for item in navigation.ITEMS):
            navigation.register(_("Hotline desk"), "intake:hotline", roles={"dispatcher", "harbor_staff", "port_staff"},
                                order=12)
            navigation.register(_("Walk-in desk"), "intake:walk_in", roles={"harbor_staff", "port_staff"}, order=13)
            navigation.register(_("Grid patrol"), "intake:patrol", roles={"grid_worker"}, order=14)
            navigation.register(_("Import"), "intake:import", admin_only=True, order=92)
