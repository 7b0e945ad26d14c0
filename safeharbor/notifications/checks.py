"""System checks: a message gateway that cannot work is caught at start, not at 3 a.m."""

from django.conf import settings
from django.core.checks import Error, Warning
from django.utils.module_loading import import_string

from safeharbor.notifications import gateways


def check_gateway(app_configs=None, **kwargs):
    problems = []
    name = settings.SMS_GATEWAY
    if name not in gateways.BACKENDS:
        try:
            cls = import_string(name)
        except ImportError:
            return [Error(f"SMS_GATEWAY={name!r} is neither one of {sorted(gateways.BACKENDS)} nor an importable class.",
                          id="notifications.E001")]
        if not hasattr(cls, "send"):
            problems.append(Error(f"SMS_GATEWAY={name!r} has no send() method.", id="notifications.E002"))
    if name == "http" and not settings.SMS_GATEWAY_URL:
        problems.append(Error("SMS_GATEWAY=http needs SMS_GATEWAY_URL.", id="notifications.E003"))
    if name == "http" and not settings.SMS_GATEWAY_SECRET:
        problems.append(Warning("SMS_GATEWAY_SECRET is empty: the gateway cannot verify our requests.",
                                id="notifications.W001"))
    if not (0 <= settings.SMS_QUIET_START <= 23 and 0 <= settings.SMS_QUIET_END <= 23):
        problems.append(Error("SMS_QUIET_START and SMS_QUIET_END are hours (0-23).", id="notifications.E004"))
    return problems
