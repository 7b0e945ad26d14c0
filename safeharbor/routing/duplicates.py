"""Is this report the same incident as an earlier one? (scenario 2: five residents, one
burst pipe.)

Pure scoring functions shared by the live platform (`candidates_for`) and the
`safeharbor duplicates` command: text similarity on character bigrams (Chinese needs no
segmentation for this), place (distance when both have coordinates, else the road or
compound named in the address, else the same grid), and time. Candidates are looked up
through indexes only — the created_at index bounds the time window and the area path
bounds the place — never by scanning all matters.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
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

    @property
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
    if topic is not None:
        # The classifier's view (same kind of problem, in other words), blended with the
        # words themselves (which tell a broken door from a broken light in one building).
        text = TOPIC_WEIGHT * float(topic(new.text) @ topic(old.text)) + (1 - TOPIC_WEIGHT) * text
    when = max(0.0, 1 - hours / window_hours)
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


def topic_function(predictor):
    """Unit-length category probabilities of a text, from a trained classifier (None for
    keyword rules: they give no probabilities worth comparing)."""
    if getattr(predictor, "kind", "") != "model":
        return None
    import functools

    import numpy as np

    @functools.lru_cache(maxsize=4096)
    def topic(text: str):
        p = predictor.probabilities(text)
        return p / (np.linalg.norm(p) or 1.0)

    return topic


def live_topic():
    from safeharbor.routing import queries

    return topic_function(queries.load_active())


# --- the live platform -------------------------------------------------------------------


def _as_report(matter) -> Report:
    return Report(matter.pk, f"{matter.title} {matter.description}", matter.address, matter.lat, matter.lon,
                  matter.created_at, matter.area_id)


NEAR_DEGREES = 0.008  # ~800 m of latitude: beyond it a point scores no place at all


def candidates_for(matter, *, user, window_hours: float = WINDOW_HOURS, limit: int = 5) -> list[tuple]:
    """Earlier matters (within the window, in the same sub-district or town, visible to
    `user`) that may be the same incident: [(matter, score, reason)], best first."""
    from safeharbor.core import access
    from safeharbor.matters.models import Matter

    since = matter.created_at - timedelta(hours=window_hours)
    prefix = matter.area_path[: 2 * 3] or matter.area_path  # the sub-district (depth 2)
    pool = (
        access.visible_matters(user).filter(created_at__gte=since, created_at__lte=matter.created_at, area_path__startswith=prefix)
        .exclude(pk=matter.pk)
        .exclude(status__in=["merged", "rejected"])
    )
    if matter.lat is not None and matter.lon is not None:  # nearby points, or no point at all
        pool = pool.filter(
            Q(lat__range=(matter.lat - NEAR_DEGREES, matter.lat + NEAR_DEGREES),
              lon__range=(matter.lon - 2 * NEAR_DEGREES, matter.lon + 2 * NEAR_DEGREES))
            | Q(lat__isnull=True)
        )
    rows = pool.order_by("-created_at").values_list(
        "pk", "title", "description", "address", "lat", "lon", "created_at", "area_id"
    )[:MAX_SCANNED]
    earlier = [Report(pk, f"{title} {text}", address, lat, lon, at, area) for pk, title, text, address, lat, lon,
               at, area in rows]
    found = best_matches(_as_report(matter), earlier, window_hours=window_hours, limit=limit, topic=live_topic())
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
