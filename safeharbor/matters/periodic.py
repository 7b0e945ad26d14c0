"""Periodic jobs run by `safeharbor worker`: each slot is claimed by compare-and-set on
PeriodicRun.next_run_at, so two workers never enqueue the same run twice."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from safeharbor.matters.models import PeriodicRun

JOBS: dict[str, tuple] = {}


def register(name: str, task, every_seconds) -> None:
    JOBS[name] = (task, every_seconds)


def enqueue_due(now=None) -> list[str]:
    """Enqueue every job whose time has come; returns their names."""
    now = now or timezone.now()
    started = []
    for name, (task, every) in JOBS.items():
        seconds = every() if callable(every) else every
        run, _created = PeriodicRun.objects.get_or_create(name=name, defaults={"next_run_at": now})
        claimed = PeriodicRun.objects.filter(pk=run.pk, next_run_at=run.next_run_at, next_run_at__lte=now).update(
            next_run_at=now + timedelta(seconds=seconds), last_run_at=now
        )
        if claimed:
            task.enqueue()
            started.append(name)
    return started


def _register_defaults():
    from safeharbor.matters.tasks import sweep_deadlines

    register("sweep_deadlines", sweep_deadlines, lambda: settings.SWEEP_INTERVAL_SECONDS)


_register_defaults()
