"""System checks that catch bad configuration at start-up."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_configuration(app_configs, **kwargs):
    problems = []
    for i, key in enumerate(settings.FIELD_ENCRYPTION_KEYS):
        try:
            Fernet(key.encode())
        except ValueError:
            problems.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS entry {i + 1} is not a valid Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    id="safeharbor.E001",
                )
            )
    if settings.DEBUG and "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        problems.append(Warning("DEBUG is on with a production database.", id="safeharbor.W001"))
    return problems
