"""Background tasks of the campus app (run by `safeharbor worker`)."""

from django_tasks import task

from safeharbor.campus import actions


@task()
def flag_uncovered_slots() -> int:
    """Tomorrow's guard slots without enough people go to the school safety officer."""
    return actions.flag_uncovered_slots()


@task()
def remind_due_follow_ups() -> int:
    """Psychology cases whose follow-up is due remind their teacher (once a day)."""
    return actions.remind_due_follow_ups()
