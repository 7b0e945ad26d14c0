"""reverse() for the named URLs without arguments that hot paths redirect to.

Django's reverse() walks the URL resolver's namespaces and patterns on every call (~40 µs,
a few per cent of what registering a resident's report costs). A URL without arguments
stays the same as long as the URL configuration and the script prefix do: it is remembered
per both (the URLs have no language prefix here)."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def fixed_url(name: str) -> str:
    return _fixed_url(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=128)
def _fixed_url(name: str, urlconf, _prefix: str) -> str:
    return reverse(name, urlconf=urlconf)
