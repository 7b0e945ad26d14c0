"""Training the category classifier: the one way a ClassifierModel row comes to be."""

import logging
import time
from pathlib import Path

import joblib
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core.errors import ActionError
from safeharbor.lib.memo import memo
from safeharbor.routing import classifier, duplicates, queries
from safeharbor.routing.models import AutoDispatch, ClassifierModel

logger = logging.getLogger("safeharbor.routing")


def _training_rows(seed: Path) -> tuple[list[str], list[str], list[float], int, int]:
    """Seed corpus + confirmed matters, restricted to active categories when the
    installation has categories (a model must only suggest codes that exist)."""
    from safeharbor.core.models import Category

    texts, labels = classifier.read_corpus(seed)
    n_seed = len(texts)
    weights = [1.0] * n_seed
    n_matters = 0
    for text, code in queries.confirmed_training_rows():
        texts.append(text)
        labels.append(code)
        weights.append(queries.MATTER_WEIGHT)
        n_matters += 1
    known = set(Category.objects.filter(active=True).values_list("code", flat=True))
    if known:
        keep = [i for i, label in enumerate(labels) if label in known]
        texts, labels, weights = [texts[i] for i in keep], [labels[i] for i in keep], [weights[i] for i in keep]
    return texts, labels, weights, n_seed, n_matters


def train_classifier(*, seed_dir: Path | None = None, activate: bool = True) -> ClassifierModel:
    """Train a new model version on the seed corpus and the confirmed matters.

    15 % of each category (stratified) is held out to compute the stored metrics; the
    saved model is then refitted on all rows, so that every confirmed correction counts
    (see classifier.train_and_score).
    The new version is activated only once it trained, scored and was written (and read
    back) without error; otherwise the previous model stays active.
    """
    started = time.monotonic()
    texts, labels, weights, n_seed, n_matters = _training_rows(Path(seed_dir or queries.seed_dir()))
    if len(set(labels)) < 2:
        raise ActionError(_("Training needs examples of at least two categories."))

    pipeline, heldout = classifier.train_and_score(texts, labels, weights)

    version = (ClassifierModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    relative = f"models/classifier-{version}.joblib"
    path = Path(settings.HOME) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    joblib.dump(pipeline, temporary, compress=3)
    temporary.replace(path)
    classifier.ModelPredictor(joblib.load(path))  # what the web processes will load must load

    metrics = {"heldout": heldout, "n_seed": n_seed, "n_matters": n_matters,
               "seconds": round(time.monotonic() - started, 2)}
    with transaction.atomic():
        if activate:
            ClassifierModel.objects.filter(active=True).update(active=False)
        row = ClassifierModel.objects.create(
            version=version, trained_at=timezone.now(), path=relative, n_samples=len(texts),
            n_categories=len(set(labels)), metrics=metrics, active=activate,
        )
    queries.reset_cache()
    logger.info("routing: classifier v%s trained on %s rows, held-out top-1 %s", version, len(texts),
                heldout["top1"])
    return row


# --- suggestions on arrival, outcomes, auto-dispatch --------------------------------------


def on_matter_event(event) -> None:
    """Matter event hook (registered in apps.py), inside the transaction of the event.

    created: nothing in the resident's request unless auto-dispatch is set for some
    category: then `on_arrival` runs right after the commit, since such a matter must not
    wait. Otherwise the worker files new matters every minute (`index_recent_matters`:
    suggestion and duplicate index), and whatever needs them first does it on the spot (the
    matter page and the inbox make the suggestion, a duplicate search files the matters of
    its window). dispatched by a person: record whether they kept the suggestion (accepted)
    or changed it (corrected). Failures are logged, never raised: a resident's report must
    go through whatever happens to routing.
    """
    from safeharbor.matters.models import MatterEvent

    if event.action == MatterEvent.Action.CREATED:
        # Nothing inside the resident's transaction (on SQLite every other writer waits for it):
        # whether any auto-dispatch is set is asked after the commit.
        matter = event.matter
        transaction.on_commit(lambda: _arrived(matter), robust=True)
    elif event.action == MatterEvent.Action.DISPATCHED and event.actor_id is not None:
        try:
            with transaction.atomic():  # a savepoint: a failure here undoes only this
                _record_outcome(event.matter)
        except Exception:  # noqa: BLE001
            logger.exception("routing: cannot record the outcome of matter %s", event.matter_id)


@memo(seconds=10, clear_on=(AutoDispatch,))
def auto_dispatch_set() -> bool:
    """Is auto-dispatch on for any category? Read every 10 s per process, not per report."""
    return AutoDispatch.objects.exists()


def _arrived(matter) -> None:
    if auto_dispatch_set():
        on_arrival(matter)


def on_arrival(matter) -> None:
    """A new matter, once stored: its suggestion, its place in the duplicate index, and the
    auto-dispatch when the category's threshold allows it, in a transaction of their own.
    If this never runs (a crash right after the commit), the worker files the matter within
    a minute and the dispatch is left to a dispatcher."""
    try:
        with transaction.atomic():
            suggestion = queries.suggestion_of(matter)
            duplicates.index_matter(matter)  # filed for the duplicate search
            dispatch = suggestion is not None and _auto_dispatch_allowed(matter, suggestion)
    except Exception:  # noqa: BLE001
        logger.exception("routing: cannot file the new matter %s", matter.pk)
        return
    if dispatch:
        auto_dispatch(matter.pk)


def _record_outcome(matter) -> None:
    from safeharbor.routing.models import MatterSuggestion

    suggestion = MatterSuggestion.objects.filter(matter=matter, outcome="").first()
    if suggestion is None or suggestion.category_id is None:
        return
    kept = suggestion.category_id == matter.category_id and suggestion.unit_id == matter.unit_id
    suggestion.outcome = MatterSuggestion.Outcome.ACCEPTED if kept else MatterSuggestion.Outcome.CORRECTED
    suggestion.save(update_fields=["outcome"])


def _auto_dispatch_allowed(matter, suggestion) -> bool:
    if suggestion.category_id is None or suggestion.unit_id is None or suggestion.model_version is None:
        return False  # keyword rules never dispatch on their own
    if matter.category_id and matter.category_id != suggestion.category_id:
        return False  # the reporter or the clerk chose another category: a person decides
    setting = AutoDispatch.objects.filter(category_id=suggestion.category_id).first()
    return setting is not None and suggestion.confidence >= setting.threshold


def auto_dispatch(matter_pk: int):
    """Dispatch a new matter to its suggested unit without a dispatcher (actor None), the
    event note saying so with the confidence. Runs right after the arrival committed; any
    failure leaves the matter waiting for a dispatcher, as without auto-dispatch."""
    from safeharbor.matters import actions as matter_actions
    from safeharbor.matters.models import Matter
    from safeharbor.routing.models import MatterSuggestion

    try:
        suggestion = MatterSuggestion.objects.select_related("category", "unit", "matter").get(matter_id=matter_pk)
        if suggestion.matter.status != Matter.Status.RECEIVED or not suggestion.unit.active:
            return None
        note = _("Auto-dispatched by the routing classifier (confidence %(pct)d%%).") % {
            "pct": round(suggestion.confidence * 100)}
        with transaction.atomic():
            matter = matter_actions.dispatch_matter(
                suggestion.matter, actor=None, unit=suggestion.unit, category=suggestion.category, note=note,
                expected_status=Matter.Status.RECEIVED,
            )
            suggestion.outcome = MatterSuggestion.Outcome.AUTO
            suggestion.save(update_fields=["outcome"])
        return matter
    except Exception:  # noqa: BLE001
        logger.exception("routing: auto-dispatch of matter %s failed", matter_pk)
        return None


@transaction.atomic
def accept_suggestion(matter, *, actor, expected_status: str | None = None):
    """One-click accept: dispatch the matter to the suggested unit with the suggested
    category, exactly as the dispatch form would (matters.actions.dispatch_matter)."""
    from safeharbor.matters import actions as matter_actions

    suggestion = queries.suggestion_of(matter)
    if suggestion is None or suggestion.category_id is None or suggestion.unit_id is None:
        raise ActionError(_("There is no suggestion to accept for this matter: dispatch it with the form."))
    return matter_actions.dispatch_matter(
        matter, actor=actor, unit=suggestion.unit, category=suggestion.category,
        expected_status=expected_status or matter.status,
    )


# --- administration: rules, thresholds, model versions ------------------------------------


def _require_admin(actor) -> None:
    from django.core.exceptions import PermissionDenied

    from safeharbor.core import access

    if not access.is_admin(actor):
        raise PermissionDenied


@transaction.atomic
def add_rule(*, actor, category, area, unit):
    """Matters of `category` in `area` (and below) go to `unit`; replaces the rule of the
    same category and area."""
    from safeharbor.routing.models import RoutingRule

    _require_admin(actor)
    if not unit.active:
        raise ActionError(_("%(unit)s is not active.") % {"unit": unit.name}, extra={"field": "unit"})
    rule, _created = RoutingRule.objects.update_or_create(
        category=category, area=area, defaults={"unit": unit, "created_by": actor, "created_at": timezone.now()},
    )
    return rule


@transaction.atomic
def remove_rule(rule, *, actor) -> None:
    _require_admin(actor)
    rule.delete()


@transaction.atomic
def set_auto_dispatch(*, actor, category, threshold: float | None):
    """Turn auto-dispatch of a category on at `threshold` (0.5..1), or off (None)."""
    _require_admin(actor)
    if threshold is None:
        AutoDispatch.objects.filter(category=category).delete()
        return None
    if not 0.5 <= threshold <= 1:
        raise ActionError(_("The threshold must be between 50 % and 100 %."), extra={"field": "threshold"})
    setting, _created = AutoDispatch.objects.update_or_create(
        category=category, defaults={"threshold": threshold, "updated_by": actor, "updated_at": timezone.now()},
    )
    return setting


def activate_model(row: ClassifierModel, *, actor) -> ClassifierModel:
    """Make an earlier (or any) model version the active one, once its file loads."""
    _require_admin(actor)
    try:
        classifier.ModelPredictor(joblib.load(row.file))
    except Exception as exc:  # noqa: BLE001
        raise ActionError(_("The file of model version %(v)d cannot be loaded: %(error)s")
                          % {"v": row.version, "error": type(exc).__name__}) from exc
    with transaction.atomic():
        ClassifierModel.objects.filter(active=True).update(active=False)
        ClassifierModel.objects.filter(pk=row.pk).update(active=True)
    queries.reset_cache()
    row.refresh_from_db()
    return row


def index_recent_matters() -> int:
    """The worker's filing of new matters (every minute): the matters of the last duplicate
    window that have no fingerprint yet go into the duplicate index, and those still waiting
    for a dispatcher get their stored suggestion. Returns how many matters were filed."""
    from datetime import timedelta

    from safeharbor.matters.models import Matter

    since = timezone.now() - timedelta(hours=duplicates.WINDOW_HOURS)
    missing = Matter.objects.filter(created_at__gte=since, routing_fingerprint__isnull=True)
    filed = duplicates.index_missing(missing.iterator(chunk_size=2000), queries.load_active())
    waiting = Matter.objects.filter(created_at__gte=since, status=Matter.Status.RECEIVED,
                                    routing_suggestion__isnull=True)
    for matter in waiting.iterator(chunk_size=500):
        queries.suggestion_of(matter)
    return filed
