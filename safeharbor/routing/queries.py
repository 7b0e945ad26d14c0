"""Reads of the routing app: the training rows an installation provides, the active
classifier (with its fallbacks) and `classify`."""

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import joblib
from django.conf import settings
from django.db.models import F

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
    and the description. A dispatcher's one-click accept or correction of a suggestion
    dispatches the matter with the category they kept, so both count; a matter the
    system auto-dispatched counts only once a person changed its category.
    """
    from safeharbor.matters.models import Matter

    rows = (
        Matter.objects.filter(category__isnull=False)
        .exclude(status__in=[Matter.Status.RECEIVED, Matter.Status.REJECTED, Matter.Status.MERGED])
        .exclude(source=Matter.Source.IMPORT)
        # Auto-dispatched with the suggested category and never corrected: the model's own
        # guess, not a person's judgment.
        .exclude(routing_suggestion__outcome="auto", routing_suggestion__category=F("category"))
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


def _area_prefixes(area_path: str) -> list[str]:
    from safeharbor.core.models import Area

    step = Area.steplen
    return [area_path[:i] for i in range(step, len(area_path) + 1, step)]


def rule_for(category, area_path: str):
    """The administrator's rule for this category in the most specific area that holds
    `area_path` (a matter's area path), or None. `category` is a Category or its code."""
    from safeharbor.routing.models import RoutingRule

    if not area_path:
        return None
    rules = RoutingRule.objects.filter(area__path__in=_area_prefixes(area_path))
    rules = rules.filter(category__code=category) if isinstance(category, str) else rules.filter(category=category)
    return rules.select_related("unit", "area").order_by("-area__depth").first()


def unit_for(category, area_path: str = ""):
    """The unit a matter of this category in this area goes to: an area rule's, else the
    category's default unit."""
    rule = rule_for(category, area_path)
    return rule.unit if rule else category.default_unit


def _unit_code(code: str, area_path: str) -> str | None:
    if area_path:
        try:
            rule = rule_for(code, area_path)
        except Exception:  # noqa: BLE001 - a broken rule table must not stop classification
            logger.exception("routing: cannot read the routing rules")
            rule = None
        if rule is not None:
            return rule.unit.code
    return _default_units().get(code)


def classify(text: str, area_path: str = "") -> dict:
    """Suggest a category for a text (reported in the area with this path, if given).

    Returns {"category": code, "unit": the unit code of the area rule or the category's
    default unit (None if the category is not in the database), "confidence": 0..1,
    "alternatives": the three most likely [{"category", "confidence"}], best first (the
    first is the suggestion itself), "version": the model version (None: keyword rules)}.
    Never raises: on any failure the answer is general.other with confidence 0.
    """
    version = None
    try:
        predictor = load_active()
        version = predictor.version
        ranked = predictor.rank(text or "", k=3)
    except Exception:  # noqa: BLE001
        logger.exception("routing: classification failed")
        ranked = []
    if not ranked:
        ranked = [(classifier.FALLBACK_CATEGORY, 0.0)]
    code, confidence = ranked[0]
    return {
        "category": code,
        "unit": _unit_code(code, area_path),
        "confidence": round(confidence, 4),
        "alternatives": [{"category": c, "confidence": round(p, 4)} for c, p in ranked],
        "version": version,
    }


def matter_text(matter) -> str:
    return f"{matter.title} {matter.description}".strip()


def new_suggestion(matter):
    """An unsaved MatterSuggestion for a matter, from the active classifier and the rules."""
    from safeharbor.core.models import Category
    from safeharbor.routing.models import MatterSuggestion

    answer = classify(matter_text(matter))
    category = Category.objects.filter(code=answer["category"], active=True).select_related("default_unit").first()
    return MatterSuggestion(
        matter=matter, category=category, unit=unit_for(category, matter.area_path) if category else None,
        confidence=answer["confidence"], alternatives=answer["alternatives"], model_version=answer["version"],
    )


def suggestion_of(matter):
    """The matter's stored suggestion; computed and stored now for a matter that has none
    (matters that arrived before routing suggestions existed). None if it cannot be made."""
    from django.db import IntegrityError, transaction

    from safeharbor.routing.models import MatterSuggestion

    try:
        return matter.routing_suggestion
    except MatterSuggestion.DoesNotExist:
        pass
    suggestion = new_suggestion(matter)
    try:
        with transaction.atomic():
            suggestion.save()
    except IntegrityError:  # another request stored it a moment ago
        return MatterSuggestion.objects.filter(matter=matter).first()
    matter.routing_suggestion = suggestion
    return suggestion


def suggestion_for(matter, categories) -> dict | None:
    """The suggestion shown to the dispatcher for a matter not classified yet: the
    stored suggestion's category (as a row of `categories`, the ones this user may choose),
    its unit (area rule or default unit), the confidence and the alternatives as rows too.
    None when it has a category already or nothing sensible comes out."""
    if matter.category_id:
        return None
    stored = suggestion_of(matter)
    if stored is None or stored.category_id is None:
        return None
    rows = {c.code: c for c in categories.select_related("default_unit")}
    best = rows.get(stored.category.code)
    if best is None:
        return None
    return {
        "category": best,
        "unit": stored.unit or best.default_unit,
        "confidence": stored.confidence,
        "alternatives": [(rows[a["category"]], a["confidence"]) for a in stored.alternatives[1:]
                         if a["category"] in rows],
    }


# --- the model page --------------------------------------------------------------------------


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def model_report(row) -> dict:
    """A model version's held-out figures for the page: per-category precision, recall and
    F1 (with the category names), weakest recall first, and the top confusion pairs."""
    from safeharbor.core.models import Category

    heldout = (row.metrics or {}).get("heldout") or {}
    names = dict(Category.objects.values_list("code", "name_zh"))
    categories = [
        {"code": code, "name": names.get(code, code), "precision": v["precision"], "recall": v["recall"],
         "f1": round(_f1(v["precision"], v["recall"]), 4), "support": v["support"]}
        for code, v in (heldout.get("per_category") or {}).items()
    ]
    categories.sort(key=lambda c: (c["recall"], c["f1"], c["code"]))
    confusions = [
        {**pair, "true_name": names.get(pair["true"], pair["true"]),
         "predicted_name": names.get(pair["predicted"], pair["predicted"])}
        for pair in heldout.get("confusions") or []
    ]
    return {"heldout": heldout, "categories": categories, "confusions": confusions,
            "n_seed": row.metrics.get("n_seed"), "n_matters": row.metrics.get("n_matters"),
            "seconds": row.metrics.get("seconds")}


def active_report() -> dict:
    """Per-category held-out precision/recall of the active model (to choose thresholds)."""
    from safeharbor.routing.models import ClassifierModel

    row = ClassifierModel.objects.filter(active=True).first()
    if row is None:
        return {}
    return {c["code"]: c for c in model_report(row)["categories"]}


def training_pending() -> bool:
    """Whether a retraining waits in the queue or runs now."""
    try:
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(
            task_path__endswith="routing.tasks.train_classifier", status__in=["READY", "RUNNING"]
        ).exists()
    except Exception:  # noqa: BLE001 - another task backend
        return False


def suggestion_outcomes() -> dict[str, int]:
    """How the stored suggestions ended: accepted, corrected, auto-dispatched, pending."""
    from django.db.models import Count

    from safeharbor.routing.models import MatterSuggestion

    counts = dict(MatterSuggestion.objects.values_list("outcome").annotate(n=Count("pk")).order_by())
    return {"accepted": counts.get("accepted", 0), "corrected": counts.get("corrected", 0),
            "auto": counts.get("auto", 0), "pending": counts.get("", 0)}
