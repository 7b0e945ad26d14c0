from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "safeharbor.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from django.conf import settings

        from safeharbor.core import navigation
        from safeharbor.core.demo import register_loader
        from safeharbor.insights import builtin, modules, registry
        from safeharbor.insights.demo import load_demo
        from safeharbor.insights.rollups import on_matter_event
        from safeharbor.insights.tasks import refresh_rollups
        from safeharbor.matters import hooks, periodic

        if not any(item.url_name == "insights:dashboard" for item in navigation.ITEMS):
            navigation.register(_("Figures"), "insights:dashboard", order=45)
        registry.register_figures("commendations", _("Commendations"), builtin.commendation_figures, order=90)
        registry.register_figures("meetings", _("Meetings"), builtin.meeting_figures, order=95)
        modules.register_all()  # mediation, services, campus, publicity, campaigns (insights.modules)
        register_loader("insights", load_demo, order=90)
        # Figures come from rollups: every matter event marks its day, the worker recomputes it.
        hooks.register_event_hook("insights", on_matter_event)
        periodic.register("refresh_rollups", refresh_rollups,
                          lambda: getattr(settings, "INSIGHTS_ROLLUP_SECONDS", 60))
