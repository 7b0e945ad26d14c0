"""Every URL pattern of the project, from Django's URL resolver."""

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

# Prefixes the sweep leaves out: Django's admin site (its own permission system), static files
# and the language switch of django.conf.urls.i18n.
SKIPPED_PREFIXES = ("admin/", "static/", "media/", "i18n/")
# URL parameters that name a kind, a format or an action, not an object in someone's scope.
NON_OBJECT_PARAMS = {"fmt", "action", "kind", "field", "label", "position"}


@dataclass(frozen=True)
class Pattern:
    key: str  # the route as written, joined over includes: "matters/<int:pk>/assign/"
    name: str  # namespaced URL name ("matters:assign"), or "" if unnamed
    callback: object = field(compare=False, hash=False, repr=False)
    params: tuple[str, ...] = ()  # all the parameter names, in order
    is_regex: bool = False

    @property
    def is_api(self) -> bool:
        return self.key.startswith("api/")

    @property
    def object_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in NON_OBJECT_PARAMS)

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def is_public(self) -> bool:
        """Open to visitors without an account, by the view's own declaration: pages marked
        @login_not_required, API views that allow anyone (AllowAny)."""
        if self.is_api:
            cls = self.view_class
            if cls is None or not hasattr(cls, "permission_classes"):
                return False
            perms = list(cls.permission_classes)
            return not perms or any(getattr(p, "__name__", "") == "AllowAny" for p in perms)
        return getattr(self.callback, "login_required", True) is False

    @property
    def label(self) -> str:
        return self.name or self.key

    def __str__(self) -> str:
        return self.label


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _params(route: str, regex: bool) -> tuple[str, ...]:
    if regex:
        return tuple(re.findall(r"\(\?P<([^>]+)>", route))
    return tuple(m.group("name") for m in _PARAM.finditer(route))


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "", regex: bool = False):
    for entry in resolver.url_patterns:
        is_regex = regex or not isinstance(entry.pattern, RoutePattern)
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, route, ns, is_regex)
        elif isinstance(entry, URLPattern):
            name = ""
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Pattern(route, name, entry.callback, _params(route, is_regex), is_regex)


def all_patterns() -> list[Pattern]:
    """The project's URL patterns the sweep must cover, in resolver order."""
    seen: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver()):
        if pattern.key.startswith(SKIPPED_PREFIXES):
            continue
        seen.setdefault(pattern.key, pattern)
    return list(seen.values())


def pattern_for(path: str, patterns: dict[str, Pattern]):
    """(pattern, kwargs) that a concrete path resolves to, or (None, None)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None, None
    key = match.route
    pattern = patterns.get(key)
    if pattern is None:  # a regex route: django joins regex routes as written too
        for candidate in patterns.values():
            if candidate.callback is match.func and candidate.name == (match.view_name or ""):
                pattern = candidate
                break
    return pattern, match.kwargs
