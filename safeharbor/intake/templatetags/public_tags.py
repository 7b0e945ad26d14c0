"""Display helpers of the public pages: dates the way people say them (11月28日 14:30),
statuses in plain words."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def when(moment) -> str:
    """11月28日 14:30 (with the year when it is not this year's)."""
    if not moment:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if local.year == timezone.localdate().year:
        # Translators: a PHP-style date format (Django's date filter): 11月28日 14:30
        return date_format(local, pgettext("resident date", "N j, H:i"))
    # Translators: a PHP-style date format with the year: 2025年11月28日 14:30
    return date_format(local, pgettext("resident date", "N j, Y, H:i"))


@register.filter
def day(moment) -> str:
    """11月28日."""
    if not moment:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if local.year == timezone.localdate().year:
        return date_format(local, pgettext("resident date", "N j"))
    return date_format(local, pgettext("resident date", "N j, Y"))


@register.filter
def status_words(status: str) -> str:
    from safeharbor.intake.queries import status_words as words

    return words(status)


@register.filter
def board_status(status: str) -> str:
    from safeharbor.intake.queries import status_words as words

    return words(status, board=True)


@register.filter
def km(distance) -> str:
    """0.8 km, 12 km."""
    if distance is None:
        return ""
    if distance < 1:
        return pgettext("distance", "%(m)d m") % {"m": round(distance * 1000 / 10) * 10}
    return pgettext("distance", "%(km).1f km") % {"km": distance}
