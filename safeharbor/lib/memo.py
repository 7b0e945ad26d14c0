"""Per-process caches of what administrators rarely change (the holiday table, the areas'
outlines, the district, whether any auto-dispatch is set), so that a resident's request
does not read them every time.

    @memo(seconds=60, clear_on=(Holiday,))
    def overrides(): ...

A change saved or deleted through the ORM in this process clears the cache at once
(post_save/post_delete); other processes read the new value within `seconds`. Tests clear
every memo before each test (tests/conftest.py), since a rolled-back test sends no signal.
"""

import threading
import time

from django.db.models.signals import post_delete, post_save

_ALL: list["Memo"] = []


class Memo:
    def __init__(self, compute, seconds: float, clear_on=()):
        self.compute = compute
        self.seconds = seconds
        self._entry = None  # (read at, value), replaced as a whole
        self._generation = 0
        self._lock = threading.Lock()
        name = f"{compute.__module__}.{compute.__qualname__}"
        for model in clear_on:
            for signal, kind in ((post_save, "saved"), (post_delete, "deleted")):
                signal.connect(self._changed, sender=model, weak=False,
                               dispatch_uid=f"memo:{name}:{model._meta.label}:{kind}")
        _ALL.append(self)

    def __call__(self):
        now = time.monotonic()
        entry = self._entry
        if entry is not None and now - entry[0] <= self.seconds:
            return entry[1]
        generation = self._generation
        value = self.compute()
        with self._lock:
            if generation == self._generation:  # not cleared while it was read
                self._entry = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entry = None

    def _changed(self, **kwargs) -> None:
        self.clear()


def memo(*, seconds: float, clear_on=()):
    return lambda compute: Memo(compute, seconds, clear_on)


def clear_all() -> None:
    for cached in _ALL:
        cached.clear()
