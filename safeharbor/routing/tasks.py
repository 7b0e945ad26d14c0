"""Background tasks of the routing app (django-tasks, database backend)."""

from django_tasks import task

from safeharbor.routing import actions


@task()
def train_classifier() -> dict:
    """Retrain on demand or on a schedule; returns the new version and its held-out figures."""
    row = actions.train_classifier()
    heldout = row.metrics["heldout"]
    return {"version": row.version, "n_samples": row.n_samples, "top1": heldout["top1"],
            "top3": heldout["top3"], "macro_f1": heldout["macro_f1"]}


@task()
def index_recent_matters() -> dict:
    """File the new matters (duplicate index, suggestions): every minute, by the worker.
    Bounded by the created_at index."""
    return {"filed": actions.index_recent_matters()}
