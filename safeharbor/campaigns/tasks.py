"""Background tasks of the campaigns app (django-tasks)."""

from django_tasks import task

from safeharbor.campaigns import actions


@task()
def chase_missing_reports() -> int:
    """Chase the progress reports whose due date has passed (run by `safeharbor worker`)."""
    return actions.chase_missing_reports()
