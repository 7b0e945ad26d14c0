"""Access-control sweep: every URL pattern and API endpoint, as every role and anonymously.

The world is the demo district (its history and every module's demo data), built once for
this module inside a transaction that is rolled back at the end; every request also runs in
its own rolled-back transaction, so the world never changes between requests. Sample URLs
are found by crawling as the administrator (tests/sweep/discover.py) — links, forms, htmx
attributes, the OpenAPI schema and its JSON — so a new endpoint is swept as soon as a page or
the schema shows it. A pattern nobody can reach fails test_every_pattern_is_reachable until
the MANUAL table below says how to build its samples.

For each pattern, every sample is requested as each role of tests/sweep/world.ROLES and as an
anonymous visitor, and each response must keep the rules of tests/sweep/checks.py:
- never a 5xx;
- staff pages send anonymous visitors to the login page; the API answers them 401/403;
- when the access layer said "out of scope" (get_visible_or_404 raised Http404) the answer is 404;
- a 2xx/redirect on a URL naming an object needs the view to have fetched that object through
  a visible_* queryset (else it fetched data without the scope check); public resident pages
  (tracking code + check code, @login_not_required) are the documented exception;
- a URL pairing an object with a parent it does not belong to never answers 2xx.

Findings the sweep makes in other apps are listed in FINDINGS (xfail, strict) for the lead.
"""

import contextlib
import os
import re
import time

import pytest
from django.db import transaction
from django.test import override_settings

from tests.sweep import probe
from tests.sweep.checks import ANONYMOUS, cross_problems, problems
from tests.sweep.discover import Discovery, Sample
from tests.sweep.patterns import all_patterns, pattern_for
from tests.sweep.world import ROLES, Sweep, add_files, build_demo, clients_for

CRAWL_ROLES = ["psych_teacher", "dispatcher"]

pytestmark = pytest.mark.django_db  # asks pytest-django for the test database

PATTERNS = {p.key: p for p in all_patterns()}


# --- Samples the crawl cannot find: pattern label -> (why, builder) ----------------------------
# A builder returns [(path, method)] from the world's objects. Keep this table small: a pattern
# belongs here only when no page, form, htmx attribute or API list of the demo leads to it.
def _first(model_path: str, count: int = 2, **filters) -> list:
    from django.apps import apps

    model = apps.get_model(model_path)
    rows = list(model.objects.filter(**filters).order_by("pk"))
    return [rows[0], rows[-1]][:count] if len(rows) > 1 else rows


def _tracked():
    return [m.tracking_code for m in _first("matters.Matter")]


def _matter_attachments():
    return _first("matters.Attachment")


MANUAL = {
    "public:report_harbor": ("the harbor poster's QR code leads here, not a page",
                             lambda: [(f"/report/{h.code}/", m) for h in _first("core.Harbor") for m in ("GET", "POST")]),
    "public:track_detail": ("a resident reaches it with tracking code + check code, not a link",
                            lambda: [(f"/track/{c}/", "GET") for c in _tracked()]),
    "public:track_info": ("resident tracking page (code + check code)",
                          lambda: [(f"/track/{c}/info/", "POST") for c in _tracked()]),
    "public:track_follow_up": ("resident tracking page (code + check code)",
                               lambda: [(f"/track/{c}/follow-up/", "POST") for c in _tracked()]),
    "public:track_photo": ("resident tracking page (code + check code)",
                           lambda: [(f"/track/{a.matter.tracking_code}/photos/{a.pk}/", "GET")
                                    for a in _matter_attachments()]),
    "public:board_detail": ("the public board is empty until a matter is published",
                            lambda: [(f"/board/{p.pk}/", "GET") for p in _first("intake.Publication")]
                            or [("/board/999999/", "GET")]),
    "public:me_too": ("the public board is empty until a matter is published",
                      lambda: [(f"/board/{p.pk}/me-too/", "POST") for p in _first("intake.Publication")]
                      or [("/board/999999/me-too/", "POST")]),
    "intake:import_batch": ("import reports exist only after an upload",
                            lambda: [(f"/intake/import/{b.pk}/", "GET") for b in _first("intake.ImportBatch")]
                            or [("/intake/import/999999/", "GET")]),
    "open311:discovery": ("Open311 (GeoReport v2) is a public API outside the OpenAPI schema",
                          lambda: [("/open311/discovery.json", "GET"), ("/open311/discovery.xml", "GET")]),
    "open311/^v2/discovery\\.(?P<fmt>[A-Za-z0-9]+)$": ("Open311, see above",
                                                     lambda: [("/open311/v2/discovery.json", "GET")]),
    "open311:services": ("Open311, see above", lambda: [("/open311/v2/services.json", "GET")]),
    "open311:service": ("Open311, see above",
                        lambda: [(f"/open311/v2/services/{c.code}.json", "GET") for c in _first("core.Category")]),
    "open311:requests": ("Open311, see above",
                         lambda: [("/open311/v2/requests.json", "GET"), ("/open311/v2/requests.json", "POST")]),
    "open311:request": ("Open311, see above",
                        lambda: [(f"/open311/v2/requests/{c}.json", "GET") for c in _tracked()]),
    "open311:token": ("Open311, see above", lambda: [("/open311/v2/tokens/no-such-token.json", "GET")]),
    "open311/^(?P<path>.*)$": ("Open311, see above", lambda: [("/open311/v2/nothing-here.json", "GET")]),
    "matters:attachment": ("attachments of the demo history are not linked from the first pages",
                           lambda: [(f"/matters/attachments/{a.pk}/", "GET") for a in _matter_attachments()]),
    "api_insights_card": ("two parameters (kind, id): the schema lists no report-card ids",
                          lambda: [(f"/api/insights/report-cards/{kind}/{obj.pk}/", "GET")
                                   for kind, model in (("harbor", "core.Harbor"), ("unit", "core.Unit"),
                                                       ("area", "core.Area"))
                                   for obj in _first(model, 1)]),
    "notifications:outbox_retry": ("only failed outbox messages offer a retry",
                                   lambda: [(f"/notifications/outbox/{m.pk}/retry/", "POST")
                                            for m in _first("notifications.OutboxMessage")]),
    "services:event_photo_file": ("the demo events have no photos linked from the first pages",
                                  lambda: [(f"/services/events/{p.event_id}/photos/{p.pk}/", "GET")
                                           for p in _first("services.EventPhoto")]),
    "services:rota_swap_decide": ("swap requests appear only after a worker asks for one",
                                  lambda: [(f"/services/rota/{w.slot.roster_id}/swap/{w.pk}/", "POST")
                                           for w in _first("services.DutySwap")]
                                  or [(f"/services/rota/{r.pk}/swap/999999/", "POST")
                                      for r in _first("services.DutyRoster")]),
    "services_public:track_detail": ("a resident reaches it with tracking code + check code",
                                     lambda: [(f"/p/services/track/{a.tracking_code}/", "GET")
                                              for a in _first("services.Application")]),
    "services_public:track_supplement": ("resident tracking page (code + check code)",
                                         lambda: [(f"/p/services/track/{a.tracking_code}/add/", "POST")
                                                  for a in _first("services.Application")]),
    "campus:hazard_photo": ("hazard photos are not linked from the first pages",
                            lambda: [(f"/campus/hazards/photos/{p.pk}/", "GET") for p in _first("campus.HazardPhoto")]),
    "campus:duty_sign_in": ("guard duties are signed from the day's roster of the gate",
                            lambda: [(f"/campus/duties/{d.pk}/sign-in/", "POST") for d in _first("campus.GuardDuty")]),
    "campus:duty_drop": ("guard duties are signed from the day's roster of the gate",
                         lambda: [(f"/campus/duties/{d.pk}/drop/", "POST") for d in _first("campus.GuardDuty")]),
    "campus:monitor_set": ("set from the psychology page of the school's own staff",
                           lambda: [(f"/campus/classes/{c.pk}/monitor/", "POST") for c in _first("campus.SchoolClass")]),
    "campus:psych_case": ("psychology records: only the school's psychology teachers see the links",
                          lambda: [(f"/campus/psych/cases/{c.pk}/", "GET") for c in _first("campus.PsychCase")]),
    "campaigns:report_file": ("progress report files are not linked from the first pages",
                              lambda: [(f"/campaigns/reports/files/{f.pk}/", "GET")
                                       for f in _first("campaigns.ReportAttachment")]),
    "publicity:photo": ("activity photos are not linked from the first pages",
                        lambda: [(f"/publicity/photos/{p.pk}/", "GET") for p in _first("publicity.ActivityPhoto")]),
    "surveys:section_delete": ("only drafts offer it",
                               lambda: [(f"/surveys/{s.pk}/sections/0/delete/", "POST") for s in _first("surveys.Survey")]),
    "routing:activate": ("offered only for an inactive classifier model",
                         lambda: [(f"/routing/models/{m.version}/activate/", "POST")
                                  for m in _first("routing.ClassifierModel")]
                         or [("/routing/models/999999/activate/", "POST")]),
    "routing:rule_remove": ("routing rules exist only after an administrator adds one",
                            lambda: [(f"/routing/rules/{r.pk}/remove/", "POST") for r in _first("routing.RoutingRule")]
                            or [("/routing/rules/999999/remove/", "POST")]),
    "surveys:question_edit": ("only drafts link their questions",
                              lambda: [(f"/surveys/{q.version.survey_id}/questions/{q.key}/", m)
                                       for q in _first("surveys.Question") for m in ("GET", "POST")]),
    "surveys:question_delete": ("only drafts offer it",
                                lambda: [(f"/surveys/{q.version.survey_id}/questions/{q.key}/delete/", "POST")
                                         for q in _first("surveys.Question")]),
    "surveys:question_move": ("only drafts offer it",
                              lambda: [(f"/surveys/{q.version.survey_id}/questions/{q.key}/move/", "POST")
                                       for q in _first("surveys.Question")]),
    "mediation:from_matter": ("offered on matters of the mediation categories only",
                              lambda: [(f"/mediation/from-matter/{m.pk}/", "GET") for m in _first("matters.Matter")]),
}

# Public patterns keyed by a tracking code: without the check-code pass nobody gets a 2xx.
PASS_REQUIRED = {"public:track_detail", "public:track_info", "public:track_follow_up", "public:track_photo",
                 "services_public:track_detail", "services_public:track_supplement"}

# Patterns whose URL parameters are not data in anyone's scope (configuration, public
# material): a 2xx without a visible_* lookup is fine there.
SCOPE_EXEMPT: dict[str, str] = {}

# Patterns whose answer is the same for every role (slow to render): swept as the
# administrator, one other role and the anonymous visitor only.
ROLE_INDEPENDENT: dict[str, str] = {
    "api_schema": "the OpenAPI document of the whole API, the same for everyone",
    "api_docs": "the page that renders the OpenAPI document",
}

# Pages only administrators may open (configuration): other roles must not get a 2xx.
ADMIN_ONLY: set[str] = set()

# Findings of the sweep in other apps' code (pattern label -> what happens); each is an
# xfail(strict=True) case until the lead fixes it.
FINDINGS: dict[str, str] = {}


# --- The world ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker, tmp_path_factory):
    with contextlib.ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        stack.enter_context(override_settings(
            RATELIMIT_ENABLE=False, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=tmp_path_factory.mktemp("sweep-media")))
        outer = transaction.atomic()
        outer.__enter__()
        try:
            started = time.perf_counter()
            timings = build_demo()
            add_files()
            probe.instrument(patch)
            clients = clients_for(ROLES)
            discovery = Discovery(clients["admin"], list(PATTERNS.values()), max_visits=300, visits_per_pattern=2)
            start = time.perf_counter()
            discovery.crawl()
            discovery.crawl_api()
            for role in CRAWL_ROLES:  # what only they see (their notifications, psychology records)
                discovery.crawl(clients[role], max_visits=60, visits_per_pattern=1)
                discovery.crawl_api(clients[role], rounds=1)
            for label, (_why, builder) in MANUAL.items():
                key = _key_of(label)
                if key is not None and not discovery.candidates.get(key):
                    for path, method in builder():
                        discovery.candidates[key].setdefault(path, set()).add((method, "manual"))
            discovery.fill_siblings()
            samples = discovery.samples()
            timings["discovery"] = time.perf_counter() - start
            world = Sweep(PATTERNS, samples, clients, timings)
            world.discovery = discovery
            _report(world) if os.environ.get("SWEEP_DUMP") else None
            yield world
            timings["total"] = time.perf_counter() - started
            if os.environ.get("SWEEP_REPORT"):
                _report(world)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _key_of(label: str) -> str | None:
    for key, pattern in PATTERNS.items():
        if pattern.label == label:
            return key
    return None


def _report(world) -> None:
    dump = os.environ.get("SWEEP_DUMP")
    if dump:
        with open(dump, "w") as out:
            for key, samples in world.samples.items():
                for sample in samples:
                    out.write(f"{PATTERNS[key].label}\t{sample.method}\t{sample.path}\t{sample.source}\n")
    print(f"\nsweep: {len(world.patterns)} patterns, {sum(len(s) for s in world.samples.values())} samples, "
          f"{world.requests} requests; " + ", ".join(f"{k} {v:.1f}s" for k, v in world.timings.items()))
    print("sweep outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(world.counts.items())))
    print(f"sweep: {len(world.denied_patterns)} patterns refused an object out of scope to some role")


# --- Coverage ----------------------------------------------------------------------------------
def test_every_pattern_is_reachable(sweep):
    """A new endpoint fails here until a page or the schema links to it, or MANUAL builds it."""
    missing = [p.label for key, p in PATTERNS.items() if not sweep.samples.get(key)]
    assert not missing, (
        "The access sweep cannot reach these URL patterns (no page, form, htmx attribute or API "
        "list leads to them): link them, or add them to MANUAL in tests/test_access_sweep.py:\n  "
        + "\n  ".join(missing))


def test_tables_name_existing_patterns():
    labels = {p.label for p in PATTERNS.values()}
    for table in (MANUAL, SCOPE_EXEMPT, ROLE_INDEPENDENT, ADMIN_ONLY, PASS_REQUIRED, FINDINGS):
        stale = [label for label in table if label not in labels]
        assert not stale, f"these URL patterns no longer exist: {stale}"


# --- The sweep ---------------------------------------------------------------------------------
def _params():
    for key, pattern in PATTERNS.items():
        marks = []
        if pattern.label in FINDINGS:
            marks.append(pytest.mark.xfail(strict=True, reason=FINDINGS[pattern.label]))
        yield pytest.param(key, id=pattern.label, marks=marks)


@pytest.mark.parametrize("key", list(_params()))
def test_access(sweep, key):
    pattern = PATTERNS[key]
    samples = sweep.samples.get(key)
    if not samples:
        pytest.skip("no sample: see test_every_pattern_is_reachable")
    failures = []
    roles = ["admin", "grid_worker"] if pattern.label in ROLE_INDEPENDENT else ROLES
    for sample in samples:
        for role in [*roles, ANONYMOUS]:
            if role not in sweep.clients:
                continue
            outcome = sweep.outcome(pattern, role, sample)
            sweep.tally(pattern, outcome)
            for problem in problems(outcome, pattern, scope_exempt=pattern.label in SCOPE_EXEMPT,
                                    admin_only=pattern.label in ADMIN_ONLY,
                                    pass_required=pattern.label in PASS_REQUIRED):
                failures.append(f"{problem}: {outcome}")
    for sample in _crossed(pattern, samples):
        outcome = sweep.outcome(pattern, "admin", sample)
        failures.extend(f"{problem}: {outcome}" for problem in cross_problems(outcome))
    assert not failures, "\n".join(failures)


def test_the_sweep_saw_both_sides_of_the_scope(sweep):
    """Not vacuous: roles got objects of their scope (2xx through visible_*) and were refused
    objects outside it (404 from get_visible_or_404) on many patterns."""
    if sweep.counts["patterns"] < len(PATTERNS) // 2:
        pytest.skip("only part of the sweep ran")
    assert sweep.counts["out of scope: 404"] > 200
    assert sweep.counts["in scope: answered"] > 500
    assert len(sweep.denied_patterns) > 40


def test_pages_do_not_link_to_what_the_role_may_not_open(sweep):
    """A page that links a role to an object the access layer then refuses them shows them
    something (a title, a name) from outside their scope."""
    leaks = [f"{role}: {page} links to {path}, which answers them 404 (out of scope)"
             for role, refused in sweep.refused.items()
             for path in sorted(refused)
             if (page := sweep.linked.get(role, {}).get(path))]
    assert not leaks, "\n".join(leaks)


def test_the_probe_sees_scoped_and_unscoped_lookups(sweep):
    """The instrumentation itself: a visible_* lookup counts, a plain one does not, and an
    out-of-scope object is recorded as a denial."""
    from django.http import Http404

    from safeharbor.core import access
    from safeharbor.core.models import User
    from safeharbor.matters.models import Matter

    grid_worker = User.objects.get(username="grid_worker")
    inside = access.visible_matters(grid_worker).first()
    outside = Matter.objects.exclude(pk__in=access.visible_matters(grid_worker).values("pk")).first()
    with probe.watching() as watched:
        access.get_visible_or_404(access.visible_matters(grid_worker), pk=inside.pk)
    assert watched.resolved and not watched.denials
    with probe.watching() as watched:
        Matter.objects.get(pk=outside.pk)
    assert not watched.resolved and watched.unscoped == [("matters.Matter", outside.pk)]
    with probe.watching() as watched, pytest.raises(Http404):
        access.get_visible_or_404(access.visible_matters(grid_worker), pk=outside.pk)
    assert watched.denials and not watched.resolved


def _crossed(pattern, samples: list[Sample]) -> list[Sample]:
    """For routes naming two objects (an event and its photo): the first object of one sample
    with the other objects of another, so the nested object does not belong to its parent."""
    if len(pattern.object_params) < 2 or pattern.is_regex:
        return []
    values = []
    for sample in samples:
        _p, kwargs = pattern_for(sample.path, PATTERNS)
        if kwargs and kwargs not in values:
            values.append(kwargs)
    first, nested = pattern.object_params[0], pattern.object_params[1:]
    if not all(name == "pk" or name.endswith("_pk") for name in nested):
        return []  # a nested key such as a question's "q1" may exist under both parents
    crossed = []
    for a in values:
        for b in values:
            if a[first] != b[first]:
                kwargs = {**b, first: a[first]}
                path = "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", lambda m, kw=kwargs: str(kw[m.group(1)]), pattern.key)
                method = next(s.method for s in samples)
                crossed.append(Sample(path, method, "crossed"))
    return crossed[:2]
