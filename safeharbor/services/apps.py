from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "safeharbor.services"
    label = "services"
    verbose_name = _("Services")

    def ready(self):
        from safeharbor.core import access, navigation
        from safeharbor.core.actions import register_revealable
        from safeharbor.core.demo import register_loader
        from safeharbor.matters import periodic
        from safeharbor.services.demo import load_demo
        from safeharbor.services.tasks import remind_duty

        register_revealable("services.application", access.visible_applications,
                            {"applicant_name", "applicant_phone", "applicant_id_number", "applicant_address"})
        register_revealable("services.beneficiary", access.visible_beneficiaries,
                            {"name", "id_number", "phone", "address"})
        register_revealable("services.safefamily", access.visible_safe_families, {"household", "address", "phone"})
        register_revealable("services.enrollment", _visible_enrollments, {"name", "phone"})
        if not any(item.url_name == "services:home" for item in navigation.ITEMS):
            navigation.register(_("Services"), "services:home", order=45)
        register_loader("services", load_demo, order=60)
        periodic.register("services_remind_duty", remind_duty, 3600)


def _visible_enrollments(user):
    from safeharbor.core import access
    from safeharbor.services.models import Enrollment

    return Enrollment.objects.filter(event__in=access.visible_events(user))
