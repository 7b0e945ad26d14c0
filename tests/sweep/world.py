"""The world the sweep runs in: the demo district with its history and every module's demo
data, the demo accounts logged in once each, and the requests run in rolled-back transactions."""

import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.test import Client

from tests.sweep import probe
from tests.sweep.checks import ANONYMOUS, Outcome
from tests.sweep.discover import links_of, rolled_back

# The roles of the sweep: every main demo account, the street-level dispatcher, the school's
# designated leader (psychology records) and the handler of a member unit other than the police.
ROLES = [
    "admin", "dispatcher", "dispatcher_xinda", "leader", "unit_handler", "grid_worker", "harbor_staff",
    "mediator", "school_safety", "psych_teacher", "port_staff", "principal", "h_justice",
]


def build_demo(history: int = 150) -> dict[str, float]:
    from safeharbor.core import demo
    from safeharbor.matters.demo import load_demo_history

    timings = {}
    start = time.perf_counter()
    demo.load_demo()
    timings["district"] = time.perf_counter() - start
    start = time.perf_counter()
    load_demo_history(count=history)
    timings["history"] = time.perf_counter() - start
    start = time.perf_counter()
    demo.run_module_loaders()
    timings["modules"] = time.perf_counter() - start
    return timings


@dataclass
class Sweep:
    patterns: dict  # key -> Pattern
    samples: dict  # key -> [Sample]
    clients: dict  # role -> Client
    timings: dict = field(default_factory=dict)
    requests: int = 0
    counts: Counter = field(default_factory=Counter)
    denied_patterns: set = field(default_factory=set)
    linked: dict = field(default_factory=dict)  # role -> {path: page that links to it}
    refused: dict = field(default_factory=dict)  # role -> {path} the access layer refused them
    _seen_patterns: set = field(default_factory=set)

    def tally(self, pattern, outcome) -> None:
        """Figures that show the sweep is not vacuous (see the report and the last test)."""
        if pattern.key not in self._seen_patterns:
            self._seen_patterns.add(pattern.key)
            self.counts["patterns"] += 1
        self.counts[f"status {outcome.status // 100}xx"] += 1
        if outcome.role in (ANONYMOUS, "admin"):
            return
        if outcome.probe.denials and outcome.status == 404:
            self.counts["out of scope: 404"] += 1
            self.denied_patterns.add(pattern.key)
            self.refused.setdefault(outcome.role, set()).add(outcome.path)
        elif outcome.probe.resolved and outcome.status < 400:
            self.counts["in scope: answered"] += 1

    def request(self, role: str, method: str, path: str, *, api: bool, htmx: bool = False) -> tuple:
        client = self.clients[role]
        saved = SimpleCookie(client.cookies.output(header="", sep=";"))
        extra = {"HTTP_ACCEPT": "application/json"} if api else {}
        if htmx:
            extra["HTTP_HX_REQUEST"] = "true"

        def call():
            if method == "GET":
                return client.get(path, **extra)
            if api:
                return client.generic(method, path, "{}", content_type="application/json", **extra)
            return client.generic(method, path, "", content_type="application/x-www-form-urlencoded", **extra)

        with probe.watching() as watched:
            try:
                response = rolled_back(call)
            finally:
                client.cookies = saved  # a log-out or a language switch must not stick
        self.requests += 1
        return response, watched

    def outcome(self, pattern, role, sample) -> Outcome:
        response, watched = self.request(role, sample.method, sample.path, api=pattern.is_api,
                                         htmx="htmx" in sample.source)
        if (sample.method == "GET" and response.status_code == 200 and role != ANONYMOUS
                and "html" in response.get("Content-Type", "")):
            page = response.content.decode("utf-8", "replace")
            linked = self.linked.setdefault(role, {})
            for path, _method, _source in links_of(page, sample.path):
                linked.setdefault(path, sample.path)
        return Outcome(pattern.label, role, sample.method, sample.path, response.status_code,
                       response.get("Location", ""), watched)


def clients_for(roles: list[str]) -> dict[str, Client]:
    from safeharbor.core.models import User

    users = {u.username: u for u in User.objects.filter(username__in=roles)}
    clients = {ANONYMOUS: Client(raise_request_exception=False)}
    for role in roles:
        if role in users:
            client = Client(raise_request_exception=False)
            client.force_login(users[role])
            clients[role] = client
    return clients


# A 1×1 PNG: the files the demo does not upload (photos, attachments), so file downloads are swept.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def add_files() -> None:
    """Two uploads on the first and last parent of each kind of file the views serve."""
    from django.apps import apps
    from django.core.files.base import ContentFile

    kinds = [  # model, parent field, parent model, extra fields
        ("matters.Attachment", "matter", "matters.Matter", {"name": "photo.png", "content_type": "image/png",
                                                            "size": len(PNG), "public": True}),
        ("services.EventPhoto", "event", "services.Event", {}),
        ("campus.HazardPhoto", "hazard", "campus.Hazard", {"stage": "before", "name": "photo.png"}),
        ("campaigns.ReportAttachment", "report", "campaigns.ProgressReport", {"name": "photo.png", "size": len(PNG)}),
        ("publicity.ActivityPhoto", "activity", "publicity.Activity", {"name": "photo.png", "size": len(PNG)}),
    ]
    for label, parent_field, parent_label, extra in kinds:
        model, parent_model = apps.get_model(label), apps.get_model(parent_label)
        parents = list(parent_model.objects.order_by("pk"))
        for parent in {p.pk: p for p in (parents[:1] + parents[-1:])}.values():
            if model.objects.filter(**{parent_field: parent}).exists():
                continue
            row = model(**{parent_field: parent}, **extra)
            row.file.save("sweep.png", ContentFile(PNG), save=False)
            row.save()
