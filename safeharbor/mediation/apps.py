from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "safeharbor.mediation"
    label = "mediation"
    verbose_name = _("Mediation")

    def ready(self):
        from safeharbor.core import access, navigation
        from safeharbor.core.actions import register_revealable
        from safeharbor.core.demo import register_loader
        from safeharbor.core.models import User
        from safeharbor.mediation.demo import load_demo

        register_revealable("mediation.party", access.visible_mediation_parties,
                            {"name", "id_number", "phone", "address"})
        register_loader("mediation", load_demo, order=20)
        if not any(item.url_name == "mediation:list" for item in navigation.ITEMS):
            R = User.Role
            navigation.register(_("Mediation"), "mediation:list", order=45,
                                roles=(R.MEDIATOR, R.DISPATCHER, R.LEADER, R.HARBOR_STAFF, R.UNIT_HANDLER))
