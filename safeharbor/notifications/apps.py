from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "safeharbor.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.conf import settings
        from django.core import checks as django_checks

        from safeharbor.core import demo, navigation
        from safeharbor.matters import hooks, periodic
        from safeharbor.notifications.checks import check_gateway
        from safeharbor.notifications.demo import load_demo
        from safeharbor.notifications.matter_hooks import on_matter_event
        from safeharbor.notifications.tasks import send_daily_digests, send_outbox

        django_checks.register(check_gateway)
        hooks.register_event_hook("notifications", on_matter_event)
        periodic.register("notifications_send", send_outbox, lambda: settings.NOTIFY_SEND_INTERVAL_SECONDS)
        periodic.register("notifications_digest", send_daily_digests, 15 * 60)
        demo.register_loader("notifications", load_demo, order=90)
        if not any(item.url_name == "notifications:list" for item in navigation.ITEMS):
            navigation.register(_("Notifications"), "notifications:list", order=90)
            navigation.register(_("Messages to residents"), "notifications:outbox", admin_only=True, order=92)
