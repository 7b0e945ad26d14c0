from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "safeharbor.publicity"
    label = "publicity"
    verbose_name = _("Legal publicity")

    def ready(self):
        from safeharbor.core import demo, navigation
        from safeharbor.publicity.demo import load_demo

        if not any(item.url_name == "publicity:activities" for item in navigation.ITEMS):
            navigation.register(_("Legal publicity"), "publicity:activities", order=47)
        demo.register_loader("publicity", load_demo, order=61)
