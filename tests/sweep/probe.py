"""Watch the access layer during one request, without re-implementing its rules.

`instrument()` wraps every `visible_*` function of safeharbor.core.access so that the querysets
they return carry a tag (on the Query, which Django copies on every filter/order_by/values
clone), wraps `get_visible_or_404`, and hooks QuerySet.get/first. While a `Probe` is active
it records:

- scoped lookups: a single object fetched from a tagged (visible_*) queryset, found or not
  (get_visible_or_404, DRF's get_object over get_queryset, visible_x(user).get(...), .first());
- denials: get_visible_or_404 raising Http404 (the object is outside the user's scope or gone);
- unscoped lookups: a single object fetched from a queryset no visible_* function made (for
  the failure messages: which model the view fetched without the scope check).
"""

import contextlib
import functools
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

TAG = "_sweep_visible"
_current: list = []  # the active Probe (a stack of at most one)


@dataclass
class Probe:
    scoped_hits: list = field(default_factory=list)  # (visible_fn, model label, pk)
    scoped_misses: list = field(default_factory=list)  # (visible_fn, model label, lookup)
    denials: list = field(default_factory=list)  # (visible_fn, model label, lookup) from get_visible_or_404
    unscoped: list = field(default_factory=list)  # (model label, pk) fetched without a visible_* queryset
    visible_calls: set = field(default_factory=set)

    @property
    def resolved(self) -> bool:
        return bool(self.scoped_hits)

    def describe(self) -> str:
        parts = []
        if self.scoped_hits:
            parts.append("scoped: " + ", ".join(f"{m}#{pk} via {fn}" for fn, m, pk in self.scoped_hits[:4]))
        if self.denials:
            parts.append("denied: " + ", ".join(f"{m} {lk} via {fn}" for fn, m, lk in self.denials[:3]))
        if self.unscoped:
            parts.append("unscoped fetch: " + ", ".join(f"{m}#{pk}" for m, pk in self.unscoped[:4]))
        if self.visible_calls:
            parts.append("visible_*: " + ", ".join(sorted(self.visible_calls)[:6]))
        return "; ".join(parts) or "no access-layer call"


@contextlib.contextmanager
def watching():
    probe = Probe()
    _current.append(probe)
    try:
        yield probe
    finally:
        _current.pop()


def _probe():
    return _current[-1] if _current else None


def _tag_of(queryset) -> str | None:
    return getattr(queryset.query, TAG, None)


def _wrap_visible(name, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        result = fn(*args, **kwargs)
        if isinstance(result, QuerySet):
            setattr(result.query, TAG, name)
        probe = _probe()
        if probe is not None:
            probe.visible_calls.add(name)
        return result

    wrapper._sweep_wrapped = True
    return wrapper


def _wrap_get_visible_or_404(fn):
    @functools.wraps(fn)
    def wrapper(queryset, **lookup):
        probe = _probe()
        try:
            obj = fn(queryset, **lookup)
        except Http404:
            if probe is not None:
                probe.denials.append((_tag_of(queryset) or "get_visible_or_404", queryset.model._meta.label, lookup))
            raise
        if probe is not None:
            probe.scoped_hits.append((_tag_of(queryset) or "get_visible_or_404", queryset.model._meta.label,
                                      getattr(obj, "pk", None)))
        return obj

    wrapper._sweep_wrapped = True
    return wrapper


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _patch_class(monkeypatch, cls, wrapped: dict) -> None:
    for name, value in list(vars(cls).items()):
        if isinstance(value, staticmethod) and _hashable(value.__func__) and value.__func__ in wrapped:
            monkeypatch.setattr(cls, name, staticmethod(wrapped[value.__func__]))


def _wrap_get(original):
    @functools.wraps(original)
    def get(self, *args, **kwargs):
        probe = _probe()
        if probe is None:
            return original(self, *args, **kwargs)
        tag = _tag_of(self)
        try:
            obj = original(self, *args, **kwargs)
        except self.model.DoesNotExist:
            if tag:
                probe.scoped_misses.append((tag, self.model._meta.label, kwargs))
            raise
        if tag:
            probe.scoped_hits.append((tag, self.model._meta.label, getattr(obj, "pk", None)))
        elif kwargs:  # an object fetched by key without the scope (related managers included)
            probe.unscoped.append((self.model._meta.label, getattr(obj, "pk", None)))
        return obj

    return get


def _wrap_first(original):
    @functools.wraps(original)
    def first(self):
        obj = original(self)
        probe = _probe()
        if probe is not None and obj is not None and _tag_of(self) and self.query.where:
            probe.scoped_hits.append((_tag_of(self), self.model._meta.label, getattr(obj, "pk", None)))
        return obj

    return first


def instrument(monkeypatch) -> None:
    """Install the wrappers (undone by the monkeypatch fixture that owns them): in the access
    module, and wherever the project kept a reference to a visible_* function at import time
    (`visible = staticmethod(access.visible_areas)` on an API view, `from ... import visible_x`)."""
    import sys

    from safeharbor.core import access

    wrapped = {}
    for name in dir(access):
        fn = getattr(access, name)
        if name.startswith("visible_") and callable(fn) and not getattr(fn, "_sweep_wrapped", False):
            wrapped[fn] = _wrap_visible(name, fn)
            monkeypatch.setattr(access, name, wrapped[fn])
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("safeharbor.") or module is access:
            continue
        for name, value in list(vars(module).items()):
            if _hashable(value) and value in wrapped:
                monkeypatch.setattr(module, name, wrapped[value])
            elif isinstance(value, type) and value.__module__ == module_name:
                _patch_class(monkeypatch, value, wrapped)
    monkeypatch.setattr(access, "get_visible_or_404", _wrap_get_visible_or_404(access.get_visible_or_404))
    monkeypatch.setattr(QuerySet, "get", _wrap_get(QuerySet.get))
    monkeypatch.setattr(QuerySet, "first", _wrap_first(QuerySet.first))
