"""Reads of the routing app: the training rows an installation provides, the active
classifier (with its fallbacks) and `classify`."""

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import joblib
from django.conf import settings

from safeharbor.routing import classifier

logger = logging.getLogger("safeharbor.routing")

RECHECK_SECONDS = 30  # how often a process looks whether another one activated a newer model
MATTER_WEIGHT = 2.0  # an installation's own confirmed matters count double against the seed corpus

_cache: dict = {"predictor": None, "version": None, "checked_at": 0.0, "units": None}


def seed_dir() -> Path:
    return Path(getattr(settings, "ROUTING_SEED_DIR", classifier.SEED_DIR))


def confirmed_training_rows() -> Iterator[tuple[str, str]]:
    """(text, category code) of the installation's matters whose category a person confirmed.

    For now "confirmed" means: the matter has a category and left `received` (a dispatcher
    dispatched, accepted or recategorized it, so the category is the one they kept), it
    was not rejected or merged (spam and duplicates would teach noise and over-weight one
    incident), and it was not imported (historic exports carry another taxonomy's
    categories mapped by a table, not a dispatcher's judgment). The text is the summary
    and the description. Later the dispatcher's one-click accept/correct of a suggestion
    will be the signal.
    """
    from safeharbor.matters.models import Matter

    rows = (
        Matter.objects.filter(category__isnull=False)
        .exclude(status__in=[Matter.Status.RECEIVED, Matter.Status.REJECTED, Matter.Status.MERGED])
        .exclude(source=Matter.Source.IMPORT)
        .values_list("title", "description", "category__code")
        .order_by("pk")
    )
    for title, description, code in rows.iterator(chunk_size=2000):
        text = f"{title} {description}".strip()
        if text:
            yield text, code


def reset_cache() -> None:
    """Forget the loaded model (after training in this process, and in tests)."""
    _cache.update(predictor=None, version=None, checked_at=0.0, units=None)


def _load_file(row) -> classifier.ModelPredictor:
    return classifier.ModelPredictor(joblib.load(row.file), version=row.version)


def _keyword_predictor() -> classifier.KeywordPredictor:
    """Keyword rules: the seed corpus's most distinctive words per category, plus the words
    of each active category's Chinese name (盗窃、财物被盗 → 盗窃, 财物被盗)."""
    table: dict[str, list[str]] = {}
    try:
        table = classifier.keyword_table(*classifier.read_corpus(seed_dir()))
    except Exception:  # noqa: BLE001 - a broken corpus must not break classification
        logger.exception("routing: cannot build keywords from the seed corpus")
    try:
        from safeharbor.core.models import Category

        for code, name in Category.objects.filter(active=True).values_list("code", "name_zh"):
            names = [w for w in re.split(r"[、，,（）()\s]+", name) if len(w) >= 2 and w != "其他"]
            table[code] = [*names, *table.get(code, [])]
        if table and Category.objects.exists():
            known = set(Category.objects.filter(active=True).values_list("code", flat=True))
            table = {code: words for code, words in table.items() if code in known}
    except Exception:  # noqa: BLE001
        logger.exception("routing: cannot read categories for the keyword rules")
    return classifier.KeywordPredictor(table)


def load_active():
    """The predictor to use: the active model; if its file is missing or corrupt, the newest
    earlier model that loads; else keyword rules. Never raises. Cached per process and
    re-checked against the database every RECHECK_SECONDS."""
    now = time.monotonic()
    if _cache["predictor"] is not None and now - _cache["checked_at"] < RECHECK_SECONDS:
        return _cache["predictor"]
    _cache["units"] = None  # categories may have changed too
    try:
        from safeharbor.routing.models import ClassifierModel

        active = ClassifierModel.objects.filter(active=True).values_list("version", flat=True).first()
        if _cache["predictor"] is not None and active == _cache["version"]:
            _cache["checked_at"] = now
            return _cache["predictor"]
        candidates = list(ClassifierModel.objects.filter(active=True)) + list(
            ClassifierModel.objects.filter(active=False, version__lt=active or 2**31).order_by("-version")[:5]
        )
    except Exception:  # noqa: BLE001 - no table yet, database down: keywords still answer
        logger.exception("routing: cannot read the classifier models")
        active, candidates = None, []
    predictor = None
    for row in candidates:
        try:
            predictor = _load_file(row)
            break
        except Exception as exc:  # noqa: BLE001
            logger.warning("routing: classifier v%s unusable (%s: %s), trying the previous one",
                           row.version, type(exc).__name__, exc)
    if predictor is None:
        if candidates:
            logger.warning("routing: no classifier model can be loaded, suggesting by keyword rules")
        predictor = _keyword_predictor()
    _cache.update(predictor=predictor, version=active, checked_at=now)
    return predictor


def _default_units() -> dict[str, str]:
    if _cache["units"] is None:
        try:
            from safeharbor.core.models import Category

            _cache["units"] = dict(Category.objects.values_list("code", "default_unit__code"))
        except Exception:  # noqa: BLE001
            logger.exception("routing: cannot read the categories' default units")
            return {}
    return _cache["units"]


def classify(text: str) -> dict:
    """Suggest a category for a text.

    Returns {"category": code, "unit": the category's default unit code (None if the
    category is not in the database), "confidence": 0..1, "alternatives": the three most
    likely [{"category", "confidence"}], best first (the first is the suggestion itself)}.
    Never raises: on any failure the answer is general.other with confidence 0.
    """
    try:
        ranked = load_active().rank(text or "", k=3)
    except Exception:  # noqa: BLE001
        logger.exception("routing: classification failed")
        ranked = []
    if not ranked:
        ranked = [(classifier.FALLBACK_CATEGORY, 0.0)]
    code, confidence = ranked[0]
    return {
        "category": code,
        "unit": _default_units().get(code),
        "confidence": round(confidence, 4),
        "alternatives": [{"category": c, "confidence": round(p, 4)} for c, p in ranked],
    }


def suggestion_for(matter, categories) -> dict | None:
    """The suggestion shown to the dispatcher for a matter not classified yet: the
    classifier's category (as a row of `categories`, the ones this user may choose), its
    default unit, the confidence and the alternatives as rows too. None when it has a
    category already or nothing sensible comes out."""
    if matter.category_id:
        return None
    answer = classify(f"{matter.title} {matter.description}")
    rows = {c.code: c for c in categories.select_related("default_unit")}
    best = rows.get(answer["category"])
    if best is None:
        return None
    return {
        "category": best,
        "unit": best.default_unit,
        "confidence": answer["confidence"],
        "alternatives": [(rows[a["category"]], a["confidence"]) for a in answer["alternatives"][1:]
                         if a["category"] in rows],
    }
