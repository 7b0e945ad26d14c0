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
from safeharbor.routing import classifier, queries
from safeharbor.routing.models import ClassifierModel

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
