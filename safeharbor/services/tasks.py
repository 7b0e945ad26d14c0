"""Background tasks of the services app (django-tasks, database backend)."""

from django_tasks import task

from safeharbor.services import actions


@task()
def remind_duty() -> int:
    """Remind the organizations on duty tomorrow; returns how many slots were announced."""
    return actions.remind_duty()
