"""Is this report the same incident as an earlier one? (scenario 2: five residents, one
burst pipe.)

Pure scoring functions shared by the live platform (`candidates_for`) and the
`safeharbor duplicates` command: text similarity on character bigrams (Chinese needs no
segmentation for this), place (distance when both have coordinates, else the road or
compound named in the address, else the same grid), and time. Candidates are looked up
through indexes only — the created_at index bounds the time window and the area path
bounds the place — never by scanning all matters.
"""

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

WINDOW_HOURS = 72
THRESHOLD = 0.6
MAX_SCANNED = 3000
TOPIC_WEIGHT = 0.5

_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)
# Place names people write: roads, streets, compounds, landmarks.
_PLACE = re.compile(r"([\u4e00-\u9fff0-9A-Za-z]{1,8}?(?:路|街|巷|道|大道|小区|花园|佳苑|家园|公寓|广场|市场|学校|中学|小学|医院|卫生院|公园|园区|村|社区))")
# Words that appear in every report about anything: they say nothing about the incident.
_COMMON = set("反映来电人诉求要求请尽快处理一下这个那个我们你们他们今天昨天现在已经还是没有问题情况")


def normalize(text: str) -> str:
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text or "").lower())


def bigrams(text: str) -> frozenset[str]:
    text = "".join(c for c in normalize(text) if c not in _COMMON) or normalize(text)
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def places(address: str, text: str = "") -> frozenset[str]:
    return frozenset(m.group(1)[-6:] for m in _PLACE.finditer(f"{address} {text}"))


def distance_m(lat1, lon1, lat2, lon2) -> float:
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Report:
    """What the scoring needs of a matter or of a line of the command's input."""

    id: object
    text: str
    address: str
    lat: float | None
    lon: float | None
    at: datetime
    area_id: int | None = None

    @functools.cached_property
    def grams(self) -> frozenset[str]:
        """The words about what happened: the place is scored on its own, so its name and
        the address are taken out of the text here."""
        grams = bigrams(self.text)
        place_grams = bigrams(self.address) | frozenset().union(*(bigrams(p) for p in places("", self.text)))
        return (grams - place_grams) or grams


@dataclass(frozen=True)
class Match:
    id: object
    score: float
    reason: str


def score(new: Report, old: Report, *, window_hours: float = WINDOW_HOURS, topic=None) -> Match | None:
    """How likely `old` is the same incident as `new` (0..1), with the reason in words;
    None when it is outside the time window or clearly different. Cheapest tests first:
    time, then place, then the words."""
    hours = abs((new.at - old.at).total_seconds()) / 3600
    if hours > window_hours:
        return None
    if new.lat is not None and old.lat is not None:
        metres = distance_m(new.lat, new.lon, old.lat, old.lon)
        place = 1.0 if metres <= 150 else max(0.0, 1 - (metres - 150) / 650)
        shared = None
    else:
        shared = places(new.address, new.text) & places(old.address, old.text)
        place = 1.0 if shared else (0.4 if new.area_id and new.area_id == old.area_id else 0.0)
    if place == 0.0:
        return None  # different places are different incidents, however alike the words
    a, b = new.grams, old.grams
    if not a or not b:
        return None
    text = len(a & b) / min(len(a), len(b))  # overlap: short reports inside long ones count
    when = max(0.0, 1 - hours / window_hours)
    if topic is not None:
        # The best the classifier could add (topics alike, 1.0) cannot lift it over the
        # threshold: skip the classifier, the costliest step (same result, less work).
        best = 0.55 * (TOPIC_WEIGHT + (1 - TOPIC_WEIGHT) * text) + 0.30 * place + 0.15 * when
        if best < THRESHOLD:
            return None
        a_topic, b_topic = topic(new), topic(old)
        if a_topic and b_topic:
            # The classifier's view (same kind of problem, in other words), blended with the
            # words themselves (which tell a broken door from a broken light in one building).
            text = TOPIC_WEIGHT * similarity(a_topic, b_topic) + (1 - TOPIC_WEIGHT) * text
    total = 0.55 * text + 0.30 * place + 0.15 * when
    if total < THRESHOLD or text < 0.2:
        return None
    if shared is None:
        where = _("%(m)d m apart") % {"m": round(metres)}
    else:
        where = _("both at %(place)s") % {"place": "、".join(sorted(shared))} if shared else _("same grid")
    reasons = [_("text %(pct)d%% alike") % {"pct": round(text * 100)}, where, _("%(h).1f h apart") % {"h": hours}]
    return Match(old.id, round(total, 3), "；".join(reasons))


def best_matches(new: Report, earlier, *, window_hours: float = WINDOW_HOURS, limit: int = 5,
                 topic=None) -> list[Match]:
    matches = [m for old in earlier if (m := score(new, old, window_hours=window_hours, topic=topic))]
    return sorted(matches, key=lambda m: -m.score)[:limit]


TOPIC_SIZE = 5  # categories kept of a topic: the rest of the probability mass is noise


def topic_of(predictor, text: str) -> dict[str, float]:
    """The classifier's view of a text: its TOPIC_SIZE likeliest categories, weights of
    unit length ({} for keyword rules: they give no probabilities worth comparing)."""
    if getattr(predictor, "kind", "") != "model":
        return {}
    ranked = predictor.rank(text, k=TOPIC_SIZE)
    norm = math.sqrt(sum(p * p for _c, p in ranked)) or 1.0
    return {code: round(p / norm, 4) for code, p in ranked}


def similarity(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(weight * b.get(code, 0.0) for code, weight in a.items())


def topic_function(predictor):
    """A Report → topic function for `score` (None for keyword rules)."""
    if getattr(predictor, "kind", "") != "model":
        return None

    @functools.lru_cache(maxsize=4096)
    def by_text(text: str):
        return topic_of(predictor, text)

    return lambda report: by_text(report.text)


def live_topic():
    from safeharbor.routing import queries

    return topic_function(queries.load_active())


# --- the live platform -------------------------------------------------------------------


def _as_report(matter) -> Report:
    return Report(matter.pk, f"{matter.title} {matter.description}", matter.address, matter.lat, matter.lon,
                  matter.created_at, matter.area_id)


CELL_LAT = 0.008  # ~890 m: a point within 800 m (the farthest that scores) is in a neighbouring cell
CELL_LON = 0.016  # ~890 m up to latitude 63°
GATE_SHARE = 0.5  # a second category files the matter too when at least half as likely as the first
ANY = "*"


def _categories(topic: dict[str, float]) -> list[str]:
    """The categories a matter is filed under: the likeliest, and the second when it is
    close (an ambiguous report). Without a model's view: one catch-all key."""
    if not topic:
        return [ANY]
    ranked = sorted(topic.items(), key=lambda item: -item[1])
    best = ranked[0][1]
    return [code for code, weight in ranked[:2] if weight >= GATE_SHARE * best]


def _cells(lat: float, lon: float, *, around: bool) -> set[str]:
    """The cell of a point, or (around=True) every cell within 800 m of it."""
    if not around:
        return {f"g{math.floor(lat / CELL_LAT)},{math.floor(lon / CELL_LON)}"}
    lon_near = NEAR_DEGREES / max(math.cos(math.radians(lat)), 0.2)
    rows = range(math.floor((lat - NEAR_DEGREES) / CELL_LAT), math.floor((lat + NEAR_DEGREES) / CELL_LAT) + 1)
    cols = range(math.floor((lon - lon_near) / CELL_LON), math.floor((lon + lon_near) / CELL_LON) + 1)
    return {f"g{r},{c}" for r in rows for c in cols}


def _keys(report: Report, topic: dict[str, float], *, around: bool) -> set[str]:
    """The keys a matter is filed under (around=False) or searched by (around=True): where
    (cell, grid, named places) × what (categories; a matter filed with the catch-all key
    is found by every search, a search with it finds every matter of the place)."""
    where = {f"a{report.area_id}"} | {f"p{place}" for place in places(report.address, report.text)}
    if report.lat is not None and report.lon is not None:
        where |= _cells(report.lat, report.lon, around=around)
    what = set(_categories(topic)) | ({ANY} if around else set())
    return {f"{w}|{c}"[:80] for w in where for c in what}


def index_matter(matter, predictor=None):
    """File a matter in the duplicate index (on arrival; again is harmless). Returns its
    topic. Called right after a matter's arrival when auto-dispatch is on, else when the
    matter is first searched from."""
    from safeharbor.routing import queries
    from safeharbor.routing.models import DuplicateKey, MatterFingerprint

    report = _as_report(matter)
    topic = topic_of(predictor or queries.load_active(), report.text)
    MatterFingerprint.objects.update_or_create(matter_id=matter.pk, defaults={"topic": topic})
    DuplicateKey.objects.filter(matter_id=matter.pk).delete()
    DuplicateKey.objects.bulk_create(
        DuplicateKey(matter_id=matter.pk, key=key, at=matter.created_at) for key in _keys(report, topic, around=False)
    )
    return topic


def index_missing(matters, predictor, *, batch: int = 5000) -> int:
    """File matters that have no fingerprint yet (matters from before the index existed,
    bulk imports): `matters` is an iterable of Matter rows. Returns how many were filed."""
    from django.db import transaction

    from safeharbor.routing.models import DuplicateKey, MatterFingerprint

    done, prints, keys = 0, [], []

    def flush():
        with transaction.atomic():
            MatterFingerprint.objects.bulk_create(prints, ignore_conflicts=True)
            DuplicateKey.objects.bulk_create(keys)
        prints.clear()
        keys.clear()

    for matter in matters:
        report = _as_report(matter)
        topic = topic_of(predictor, report.text)
        prints.append(MatterFingerprint(matter_id=matter.pk, topic=topic))
        keys.extend(DuplicateKey(matter_id=matter.pk, key=key, at=matter.created_at)
                    for key in _keys(report, topic, around=False))
        done += 1
        if len(prints) >= batch:
            flush()
    if prints:
        flush()
    return done


NEAR_DEGREES = 0.008  # ~800 m of latitude: beyond it a point scores no place at all


def candidates_for(matter, *, user, window_hours: float = WINDOW_HOURS, limit: int = 5) -> list[tuple]:
    """Earlier matters (within the window, in the same sub-district or town, visible to
    `user`) that may be the same incident: [(matter, score, reason)], best first.

    Looked up through the duplicate index (DuplicateKey: the matter's place × category
    keys within the time window), then scored with the stored topics."""
    from safeharbor.core import access
    from safeharbor.matters.models import Matter
    from safeharbor.routing.models import DuplicateKey, MatterFingerprint

    new = _as_report(matter)
    stored = MatterFingerprint.objects.filter(matter_id=matter.pk).values_list("topic", flat=True).first()
    new_topic = stored if stored is not None else index_matter(matter)
    since = matter.created_at - timedelta(hours=window_hours)
    prefix = matter.area_path[: 2 * 3] or matter.area_path  # the sub-district (depth 2)
    # Matters of the window the worker has not filed yet (it does every minute): file them now.
    unfiled = Matter.objects.filter(created_at__gte=since, created_at__lte=matter.created_at,
                                    area_path__startswith=prefix, routing_fingerprint__isnull=True)
    if unfiled.exists():
        from safeharbor.routing import queries

        index_missing(unfiled.iterator(chunk_size=500), queries.load_active())
    ids = set(
        DuplicateKey.objects.filter(key__in=_keys(new, new_topic, around=True), at__gte=since,
                                    at__lte=matter.created_at)
        .exclude(matter_id=matter.pk).values_list("matter_id", flat=True)[:MAX_SCANNED]
    )
    if not ids:
        return []
    rows = (
        access.visible_matters(user).filter(pk__in=ids, area_path__startswith=prefix)
        .exclude(status__in=["merged", "rejected"])
        .values_list("pk", "title", "description", "address", "lat", "lon", "created_at", "area_id",
                     "routing_fingerprint__topic")
    )
    earlier, topics = [], {matter.pk: new_topic}
    for pk, title, text, address, lat, lon, at, area, stored_topic in rows:
        earlier.append(Report(pk, f"{title} {text}", address, lat, lon, at, area))
        topics[pk] = stored_topic
    fallback = None  # matters filed under keyword rules: the classifier's view now, if there is one

    def topic(report):
        nonlocal fallback
        if topics.get(report.id):
            return topics[report.id]
        if fallback is None:
            fallback = live_topic() or (lambda _report: {})
        return fallback(report)

    found = best_matches(new, earlier, window_hours=window_hours, limit=limit, topic=topic)
    by_pk = Matter.objects.in_bulk([m.id for m in found])
    return [(by_pk[m.id], m.score, m.reason) for m in found]


# --- the command: a stream of reports in time order -----------------------------------------


def stream(lines, *, window_hours: float = WINDOW_HOURS, topic=None):
    """For JSON Lines of reports {"id", "text", "address", "lat", "lon", "reported_at"} in
    time order, yield {"id", "duplicate_of": [earlier ids judged the same incident]} — the
    same scoring as the live platform, with the earlier reports of the window in memory."""
    import json
    from collections import deque

    window: deque[Report] = deque()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            at = datetime.fromisoformat(str(row["reported_at"]))
            report = Report(row["id"], str(row.get("text") or ""), str(row.get("address") or ""),
                            _float(row.get("lat")), _float(row.get("lon")), at)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number}: {exc}") from exc
        while window and (at - window[0].at) > timedelta(hours=window_hours):
            window.popleft()
        matches = best_matches(report, window, window_hours=window_hours, topic=topic, limit=20)
        yield {"id": report.id, "duplicate_of": [m.id for m in matches]}
        window.append(report)


def _float(value) -> float | None:
    return None if value in (None, "") else float(value)
