"""Background tasks of the matter engine (django-tasks, database backend)."""

from django_tasks import task

from safeharbor.matters import actions


@task()
def sweep_deadlines() -> dict:
    return actions.sweep_deadlines()
