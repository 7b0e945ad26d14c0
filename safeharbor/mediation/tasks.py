"""Background tasks of the mediation app (django-tasks, database backend; `safeharbor worker`)."""

from django_tasks import task

from safeharbor.mediation import actions


@task()
def remind_follow_ups() -> dict:
    """Remind mediators of agreements whose performance deadline came without a follow-up visit."""
    return {"reminded": actions.remind_follow_ups()}
