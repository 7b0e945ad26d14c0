from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "safeharbor.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from safeharbor.campaigns.demo import load_demo
        from safeharbor.campaigns.tasks import chase_missing_reports
        from safeharbor.core import access, demo, navigation
        from safeharbor.core.actions import register_revealable
        from safeharbor.matters import periodic

        register_revealable("campaigns.clue", access.visible_clues, {"reporter_name", "reporter_phone"})
        if not any(item.url_name == "campaigns:list" for item in navigation.ITEMS):
            navigation.register(_("Campaigns"), "campaigns:list", order=45)
        periodic.register("chase_campaign_reports", chase_missing_reports, 6 * 3600)
        demo.register_loader("campaigns", load_demo, order=60)
