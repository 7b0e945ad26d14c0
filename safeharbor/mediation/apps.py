from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# How often the worker looks for agreements due for their follow-up visit (a reminder goes
# out once per agreement, whatever the interval).
FOLLOW_UP_REMINDER_SECONDS = 3600


class MediationConfig(AppConfig):
    name = "safeharbor.mediation"
    label = "mediation"
    verbose_name = _("Mediation")

    def ready(self):
        from django.conf import settings

        from safeharbor.core import access, navigation
        from safeharbor.core.actions import register_revealable
        from safeharbor.core.demo import register_loader
        from safeharbor.core.models import User
        from safeharbor.matters import periodic
        from safeharbor.mediation.demo import load_demo
        from safeharbor.mediation.tasks import remind_follow_ups
        from safeharbor.notifications.kinds import register_kind

        register_revealable("mediation.party", access.visible_mediation_parties,
                            {"name", "id_number", "phone", "address"})
        register_loader("mediation", load_demo, order=20)
        register_kind("mediation_follow_up_due", _("A mediation agreement is due for its follow-up visit"))
        periodic.register("mediation_follow_ups", remind_follow_ups,
                          lambda: getattr(settings, "MEDIATION_REMINDER_SECONDS", FOLLOW_UP_REMINDER_SECONDS))
        if not any(item.url_name == "mediation:list" for item in navigation.ITEMS):
            R = User.Role
            navigation.register(_("Mediation"), "mediation:list", order=45,
                                roles=(R.MEDIATOR, R.DISPATCHER, R.LEADER, R.HARBOR_STAFF, R.UNIT_HANDLER))
