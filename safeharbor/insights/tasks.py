"""Background tasks of the insights app (django-tasks, database backend; `safeharbor worker`)."""

from django_tasks import task

from safeharbor.insights import rollups


@task()
def refresh_rollups() -> dict:
    """Bring the figures of every day whose matters changed up to date."""
    done = rollups.refresh_pending()
    return {"days": done, "pending": rollups.pending_count()}
