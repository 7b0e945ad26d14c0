from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "safeharbor.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from safeharbor.core import navigation
        from safeharbor.core.demo import register_loader
        from safeharbor.insights import builtin, registry
        from safeharbor.insights.demo import load_demo

        if not any(item.url_name == "insights:dashboard" for item in navigation.ITEMS):
            navigation.register(_("Figures"), "insights:dashboard", order=45)
        registry.register_figures("commendations", _("Commendations"), builtin.commendation_figures, order=90)
        registry.register_figures("meetings", _("Meetings"), builtin.meeting_figures, order=95)
        register_loader("insights", load_demo, order=90)
