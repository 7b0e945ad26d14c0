from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampusConfig(AppConfig):
    name = "safeharbor.campus"
    label = "campus"
    verbose_name = _("Campus safety")

    def ready(self):
        from safeharbor.campus import actions, tasks
        from safeharbor.campus.demo import load_demo
        from safeharbor.core import access, demo, navigation
        from safeharbor.core.actions import register_revealable
        from safeharbor.matters import hooks, periodic

        # Psychology records reveal only inside their own (strictest) scope; guards' names
        # and phones only to the school's own staff.
        register_revealable("campus.psychcase", access.visible_psych_cases,
                            {"student_name", "guardian_name", "guardian_phone"})
        register_revealable("campus.guard", access.visible_guards, {"name", "phone"})
        register_revealable("campus.schoolclass", access.visible_own_school_classes, {"psych_monitor"})
        hooks.register_event_hook("campus", actions.on_matter_event)
        periodic.register("campus_uncovered_slots", tasks.flag_uncovered_slots, 3600)
        periodic.register("campus_psych_follow_ups", tasks.remind_due_follow_ups, 3600)
        demo.register_loader("campus", load_demo, order=50)
        if not any(item.url_name == "campus:home" for item in navigation.ITEMS):
            navigation.register(_("Campus safety"), "campus:home", order=45)
