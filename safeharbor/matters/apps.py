from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "safeharbor.matters"
    label = "matters"
    verbose_name = _("Matters")

    def ready(self):
        from safeharbor.core import access, navigation
        from safeharbor.core.actions import register_revealable

        register_revealable("matters.matter", access.visible_matters, {"reporter_name", "reporter_phone"})
        if not any(item.url_name == "matters:list" for item in navigation.ITEMS):
            navigation.register(_("Matters"), "matters:list", order=10)
            navigation.register(_("Supervision"), "matters:supervision_list", order=20)
            navigation.register(_("Meetings"), "matters:meeting_list", order=30)
            navigation.register(_("Commendations"), "matters:commendation_list", order=40)
