"""Concrete sample URLs per URL pattern, found the way a user finds them.

As the administrator (who sees everything): every page without parameters, then the links,
form actions (with their method) and hx-get/hx-post/... attributes of the pages it reaches;
for the API the OpenAPI schema at /api/schema/ (its paths and methods), the list endpoints,
and the ids in their JSON. A pattern still without samples borrows the object of a sibling
route (matters/<int:pk>/accept/ from matters/<int:pk>/, api/services/rota/<int:pk>/slots/ from
services/rota/<int:pk>/). What is left is either in the test's MANUAL table or reported as
unreachable.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.db import transaction

from tests.sweep.patterns import Pattern, pattern_for

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Files the crawl records but does not open (slow to render, and no links in them).
NOT_CRAWLED = re.compile(r"\.(pdf|xlsx|png|svg|ics|csv|geojson|json|xml|txt|zip)$|/(poster|file|qr)\.?")
HTMX_ATTRS = {f"hx-{m.lower()}": m for m in METHODS}


@dataclass(frozen=True)
class Sample:
    path: str
    method: str
    source: str  # how the sweep found it: "link", "form", "htmx", "schema", "sibling", "manual"


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # (url, method, source)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.found.append((attrs["href"], "GET", "link"))
        if tag == "form":
            method = (attrs.get("method") or "GET").upper()
            self.found.append((attrs.get("action") or "", method, "form"))
        for attr, method in HTMX_ATTRS.items():
            if attrs.get(attr) is not None:
                self.found.append((attrs[attr], method, "htmx"))
        if tag in {"button", "input"} and attrs.get("formaction"):
            self.found.append((attrs["formaction"], (attrs.get("formmethod") or "POST").upper(), "form"))


def links_of(html: str, base: str) -> list[tuple[str, str, str]]:
    """(path, method, source) of every same-site link, form and htmx request on a page."""
    parser = _LinkParser()
    try:
        parser.feed(html)
    except Exception:  # a page the parser chokes on still yields what it read so far
        pass
    out = []
    for url, method, source in parser.found:
        if url.startswith(("mailto:", "tel:", "javascript:", "#", "data:")) or "{" in url:
            continue
        parts = urlsplit(urljoin(base, url))
        if parts.netloc not in ("", "testserver"):
            continue
        out.append((parts.path, method, source))
    return out


def spread(items: list, count: int) -> list:
    """`count` items from a list, from its start, end and middle (lists run newest first,
    so this picks objects of different ages and, in the demo, different areas)."""
    if len(items) <= count:
        return list(items)
    picks = [0, len(items) - 1, len(items) // 2, len(items) // 4, 3 * len(items) // 4]
    chosen = []
    for index in picks:
        if items[index] not in chosen:
            chosen.append(items[index])
        if len(chosen) == count:
            break
    return chosen


def rolled_back(call):
    """Run one request inside a transaction that is rolled back: the world never changes."""
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


class Discovery:
    def __init__(self, client, patterns: list[Pattern], *, per_pattern: int = 2, visits_per_pattern: int = 3,
                 max_visits: int = 450):
        self.client = client
        self.patterns = {p.key: p for p in patterns}
        self.per_pattern = per_pattern
        self.visits_per_pattern = visits_per_pattern
        self.max_visits = max_visits
        self.candidates: dict[str, dict[str, set]] = defaultdict(dict)  # key -> path -> {(method, source)}
        self.api_methods: dict[str, set] = {}  # key -> methods the OpenAPI schema declares
        self.total_visits = 0
        self.api_words: dict[str, list] = defaultdict(list)  # last path word ("bulletins") -> ids
        self.schema = None
        self.templates: dict[str, set] = {}  # OpenAPI path -> methods

    # --- recording ----------------------------------------------------------------------
    def add(self, path: str, method: str, source: str) -> Pattern | None:
        pattern, _kwargs = pattern_for(path, self.patterns)
        if pattern is None:
            return None
        self.candidates[pattern.key].setdefault(path, set()).add((method, source))
        return pattern

    def get(self, path: str, data=None, **extra):
        return rolled_back(lambda: self.client.get(path, data, **extra))

    # --- the HTML crawl -------------------------------------------------------------------
    def crawl(self, client=None, *, max_visits: int | None = None, visits_per_pattern: int | None = None) -> None:
        """Breadth-first from every page without parameters; `client` defaults to the
        administrator's (other roles find what only they see: their notifications, psychology
        records...)."""
        client = client or self.client
        max_visits = max_visits or self.max_visits
        per_pattern = visits_per_pattern or self.visits_per_pattern
        visits: dict[str, int] = defaultdict(int)
        visited: set[str] = set()
        queue: list[str] = []
        for pattern in self.patterns.values():
            if not pattern.params and not pattern.is_regex:
                path = "/" + pattern.key
                self.add(path, "GET", "link")
                if not pattern.is_api:
                    queue.append(path)
        total = 0
        while queue and total < max_visits:
            path = queue.pop(0)
            pattern, _ = pattern_for(path, self.patterns)
            if (pattern is None or path in visited or NOT_CRAWLED.search(path)
                    or visits[pattern.key] >= per_pattern or pattern.is_api):
                continue
            visited.add(path)
            visits[pattern.key] += 1
            total += 1
            response = rolled_back(lambda p=path: client.get(p))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            grouped: dict[str, list] = defaultdict(list)
            for link, method, source in links_of(response.content.decode("utf-8", "replace"), path):
                found = self.add(link, method, source)
                if found is not None and method == "GET":
                    grouped[found.key].append(link)
            for links in grouped.values():  # visit the start, end and middle of long lists first
                queue.extend(spread(list(dict.fromkeys(links)), per_pattern))
        self.total_visits += total

    # --- the API, from its schema --------------------------------------------------------
    def crawl_api(self, client=None, *, rounds: int = 3) -> None:
        client = client or self.client
        if self.schema is None:
            response = self.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
            self.schema = json.loads(response.content)
            for path, operations in self.schema.get("paths", {}).items():
                methods = {m.upper() for m in operations if m.upper() in METHODS}
                self.templates[path] = methods
                pattern, _ = pattern_for(re.sub(r"\{[^}]+\}", "1", path), self.patterns)
                if pattern is not None:
                    self.api_methods.setdefault(pattern.key, set()).update(methods)
        visited: set[str] = set()
        # Lists first, then the details and nested lists their ids open, and again.
        for _round in range(rounds):
            for path in [p for p, m in self.templates.items() if "GET" in m]:
                for concrete in self._fill(path) if "{" in path else [path]:
                    if concrete not in visited:
                        visited.add(concrete)
                        self._read_json(client, concrete)
        for path, methods in self.templates.items():
            for concrete in self._fill(path) if "{" in path else [path]:
                for method in methods:
                    self.add(concrete, method, "schema")

    def _read_json(self, client, path: str) -> None:
        response = rolled_back(lambda: client.get(path, {"limit": 200}, HTTP_ACCEPT="application/json"))
        if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
            return
        data = response.json()
        items = data.get("results", data) if isinstance(data, dict) else data
        if not isinstance(items, list):
            return
        ids = [item["id"] for item in items if isinstance(item, dict) and "id" in item]
        word = path.rstrip("/").rsplit("/", 1)[-1]
        self.api_words[word].extend(i for i in ids if i not in self.api_words[word])
        for item_id in spread(ids, self.per_pattern + 1):
            self.add(f"{path}{item_id}/", "GET", "schema")

    def _ids_for(self, prefix: str) -> list:
        """Ids to put after `prefix` ("/api/campaign-bulletins/"): those listed at that path,
        else those of a list whose last word matches ("/api/campaigns/5/bulletins/")."""
        listed = [urlsplit(p).path for key in self.candidates for p in self.candidates[key]]
        ids = []
        for path in listed:
            rest = path[len(prefix):] if path.startswith(prefix) else ""
            head = rest.split("/", 1)[0]
            if head.isdigit() and int(head) not in ids:
                ids.append(int(head))
        if ids:
            return ids
        word = prefix.rstrip("/").rsplit("/", 1)[-1]
        for known, values in self.api_words.items():
            if known and (word.endswith(known) or known.endswith(word)):
                return list(values)
        return []

    def _fill(self, template: str) -> list[str]:
        if template.count("{") != 1:
            return []
        prefix = template[: template.index("{")]
        suffix = template[template.index("}") + 1:]
        return [f"{prefix}{i}{suffix}" for i in spread(self._ids_for(prefix), self.per_pattern)]

    # --- siblings ------------------------------------------------------------------------
    def fill_siblings(self) -> None:
        """A pattern without samples takes the objects of a route that shares its prefix up to
        its last parameter (matters/<int:pk>/accept/ from matters/<int:pk>/; the API also from
        the page route without "api/": api/surveys/<int:pk>/questions/<slug:key>/move/ from
        surveys/<int:pk>/questions/<slug:key>/)."""
        for pattern in self.patterns.values():
            if self.candidates.get(pattern.key) or not pattern.params or pattern.is_regex:
                continue
            head = pattern.key[: pattern.key.rindex(">") + 1]
            heads = (head, head.removeprefix("api/")) if pattern.is_api else (head,)
            values = []
            for donor_key, paths in list(self.candidates.items()):
                if donor_key == pattern.key or not donor_key.startswith(heads):
                    continue
                for path in paths:
                    _p, kwargs = pattern_for(path, self.patterns)
                    picked = {name: (kwargs or {}).get(name) for name in pattern.params}
                    if None not in picked.values() and picked not in values:
                        values.append(picked)
            for kwargs in spread(values, self.per_pattern):
                path = "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", lambda m, kw=kwargs: str(kw[m.group(1)]), pattern.key)
                if pattern_for(path, self.patterns)[0] is pattern:
                    self.add(path, "?", "sibling")

    # --- the result ----------------------------------------------------------------------
    def samples(self) -> dict[str, list[Sample]]:
        """Per pattern key: up to `per_pattern` paths, each with the methods to try."""
        out: dict[str, list[Sample]] = {}
        for key, paths in self.candidates.items():
            pattern = self.patterns[key]
            chosen = spread(list(paths), self.per_pattern if pattern.params else 1)
            samples = []
            for path in chosen:
                methods = {m for m, _s in paths[path] if m != "?"} | self.api_methods.get(key, set())
                sources = sorted({s for _m, s in paths[path]})
                if not methods:
                    methods = self._allowed(path)
                for method in sorted(methods):
                    samples.append(Sample(path, method, "+".join(sources)))
            out[key] = samples
        return out

    def _allowed(self, path: str) -> set:
        """GET, or what a 405 says is allowed (require_POST views)."""
        response = self.get(path)
        if response.status_code == 405:
            allowed = {m.strip().upper() for m in response.get("Allow", "").split(",") if m.strip()}
            return (allowed & set(METHODS)) or {"POST"}
        return {"GET"}
