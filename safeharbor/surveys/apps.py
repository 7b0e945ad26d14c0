from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "safeharbor.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from safeharbor.core import navigation
        from safeharbor.core.demo import register_loader
        from safeharbor.surveys.demo import load_demo

        if not any(item.url_name == "surveys:list" for item in navigation.ITEMS):
            navigation.register(_("Questionnaires"), "surveys:list", order=48)
        register_loader("surveys", load_demo, order=70)
