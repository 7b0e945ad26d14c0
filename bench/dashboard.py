"""The leaders' pages at district scale: 2,000,000 matters over five years, on PostgreSQL or SQLite.

    SAFEHARBOR_HOME=/tmp/shbench-dashboard .venv/bin/python bench/dashboard.py \\
        [--count 2000000] [--years 5] [--database-url postgres://postgres@127.0.0.1:5432/sh_insights_dashboard]
        [--runs 5] [--reuse] [--keep]
    SAFEHARBOR_HOME=/tmp/shbench-dashboard-sqlite .venv/bin/python bench/dashboard.py --database-url sqlite ...

Creates its own database with createdb (dropped again at the end unless --keep or --reuse;
--reuse times the database a previous --keep run left) or, with `--database-url sqlite`, a
fresh safeharbor.sqlite3 in SAFEHARBOR_HOME (removed at the end likewise), migrates, loads the demo district
(safeharbor.core.demo.load_demo), and writes --count matters spread over --years years across
the demo district with COPY (SQLite: executemany in the same chunks), in time order, as the matter engine would have left them:
channels, categories (with their domain and default unit), areas down to grids and compounds,
harbors for QR/walk-in reports, accepted late or on time, resolved on time or late after a
realistic number of days, followed up (contacted / solved / satisfaction; reopened ones twice),
merged duplicates, rejected ones, supervision orders, and the recent ones still open. No event
timeline (the figures never read it).

Then it rebuilds the rollups (`safeharbor manage rebuild_rollups`, timed; target < 2 min) and
prints the server time (median of --runs after a warm-up, Django test Client, DEBUG off) of

- the district dashboard (/insights/, last 30 days, the district leader) and for a year,
- a sub-district report card (/insights/cards/area/<新达街道>/, this month),
- the rankings page (/insights/rankings/, this month + previous month),
- a unit handler's and a sub-district dispatcher's home page,

next to the time of the equivalent direct aggregate over the raw matters table (the
`direct_*` functions of insights.queries: COUNT ... FILTER / GROUP BY over matters with the
latest follow-up, handling days from (received, resolved) pairs). Target: each page < 300 ms.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

TARGET_MS = 300
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sh_insights_dashboard"


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="time the database a previous --keep run left")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--generate-only", action="store_true",
                        help="write the matters and stop (implies --keep); time them later with --reuse")
    return parser.parse_args()


def _pg_args(url: str) -> tuple[list[str], str]:
    parts = urlparse(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    return args, parts.path.lstrip("/")


def _sqlite(args) -> bool:
    return args.database_url == "sqlite"


def _home() -> Path:
    return Path(os.environ.setdefault("SAFEHARBOR_HOME", "/tmp/shbench-dashboard")).expanduser().resolve()


def _environment(args) -> None:
    home = _home()
    home.mkdir(parents=True, exist_ok=True)
    if _sqlite(args):
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeharbor.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# --- the matters ---------------------------------------------------------------------------------

SOURCES = [("hotline", 34), ("web", 18), ("patrol", 16), ("qr", 10), ("walk_in", 8), ("staff", 8), ("open311", 2),
           ("clue", 2), ("meeting", 1), ("campaign", 1)]
WORDS = ["楼道堆物", "噪声扰民", "下水道堵塞", "路灯不亮", "邻里纠纷", "占道经营", "垃圾清运不及时", "电动车充电",
         "小区停车", "供暖不热", "漏水", "高空抛物"]


def _cumulative(weights: list[float]) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


class Generator:
    """Matters (and their follow-ups and supervision orders) as rows for COPY."""

    def __init__(self, count: int, years: int, seed: int):
        from django.utils import timezone

        from safeharbor.core.models import Area, Category, Harbor, Unit
        from safeharbor.matters.models import FollowUp, Matter, Supervision

        self.rng = random.Random(seed)
        self.count = count
        self.now = timezone.now()
        self.start = self.now - timedelta(days=365 * years)
        areas = list(Area.objects.filter(level__in=["grid", "compound", "community", "village"]))
        self.areas = [(a.pk, a.path) for a in areas]
        self.area_weights = _cumulative([6 if a.level == "grid" else 3 if a.level == "compound" else 1
                                         for a in areas])
        cats = list(Category.objects.filter(active=True).order_by("sort_order", "code"))
        units = list(Unit.objects.values_list("pk", flat=True))
        self.categories = [(c.pk, c.domain_id, c.default_unit_id or self.rng.choice(units), c.resolve_days or 5)
                           for c in cats]
        self.category_weights = _cumulative([1 / (i + 1) ** 0.8 for i in range(len(cats))])  # a few dominate
        self.harbors: dict[str, list[int]] = {}
        for harbor in Harbor.objects.select_related("area"):
            if harbor.area_id:
                self.harbors.setdefault(harbor.area.path, []).append(harbor.pk)
        self.units = units
        self.matter_columns = [f.column for f in Matter._meta.concrete_fields]
        self.follow_columns = [f.column for f in FollowUp._meta.concrete_fields]
        self.supervision_columns = [f.column for f in Supervision._meta.concrete_fields]
        self.first_id = (Matter.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self.follow_id = (FollowUp.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self.supervision_id = (Supervision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self.sources = [s for s, _w in SOURCES]
        self.source_weights = _cumulative([w for _s, w in SOURCES])

    def _harbor(self, path: str, source: str):
        if source not in ("qr", "walk_in") and self.rng.random() > 0.05:
            return None
        for length in (len(path), 12, 9):
            found = self.harbors.get(path[:length])
            if found:
                return self.rng.choice(found)
        return None

    def chunk(self, first: int, last: int):
        """Rows of matters first..last-1 (by position in time): (matters, follow-ups,
        supervisions, supervision-matter links)."""
        rng, span = self.rng, (self.now - self.start).total_seconds()
        matters, follows, supervisions, links = [], [], [], []
        for i in range(first, last):
            pk = self.first_id + i
            created = self.start + timedelta(seconds=span * (i + rng.random()) / self.count)
            area_id, path = rng.choices(self.areas, cum_weights=self.area_weights)[0]
            category_id, domain_id, unit_id, resolve_days = rng.choices(self.categories, cum_weights=self.category_weights)[0]
            source = rng.choices(self.sources, cum_weights=self.source_weights)[0]
            harbor_id = self._harbor(path, source)
            m = dict.fromkeys(self.matter_columns)
            m.update(id=pk, tracking_code=f"B{pk:012d}", check_code_hash="", source=source, title="",
                     description=rng.choice(WORDS), category_id=category_id, domain_id=domain_id, area_id=area_id,
                     area_path=path, harbor_id=harbor_id, address="", anonymous=False, reporter_name="",
                     reporter_phone="", reporter_phone_index="", urgency="normal", created_at=created,
                     updated_at=created, accept_late=False, resolve_late=False, reopen_count=0, supervised=False,
                     result="", satisfaction="")
            roll = rng.random()
            if roll < 0.04:
                m.update(status="rejected", closed_at=created + timedelta(hours=2))
                matters.append(m)
                continue
            if roll < 0.09 and i > first:
                m.update(status="merged", merged_into_id=pk - 1)
                matters.append(m)
                continue
            accept_due = created + timedelta(days=1)
            resolve_due = created + timedelta(days=resolve_days * 7 / 5)
            m.update(unit_id=unit_id, dispatched_at=created + timedelta(minutes=rng.randint(5, 120)),
                     accept_due_at=accept_due, resolve_due_at=resolve_due)
            accept_after = timedelta(hours=rng.expovariate(1 / 10))
            resolve_after = timedelta(days=rng.lognormvariate(1.2, 0.8))
            stuck = rng.random() < 0.002  # a few old ones never got handled
            if created + accept_after > self.now or stuck:
                m.update(status="dispatched", due_at=accept_due)
                matters.append(m)
                continue
            m.update(accepted_at=created + accept_after, accept_late=created + accept_after > accept_due)
            if created + accept_after + resolve_after > self.now:
                m.update(status="accepted", due_at=resolve_due)
                matters.append(m)
                continue
            resolved = created + accept_after + resolve_after
            m.update(resolved_at=resolved, resolve_late=resolved > resolve_due, result="已处理")
            if rng.random() < 0.02 and resolved > resolve_due:
                m["supervised"] = True
                s = dict.fromkeys(self.supervision_columns)
                s.update(id=self.supervision_id, level="normal", origin="sweep", unit_id=unit_id,
                         issued_at=resolve_due + timedelta(hours=2), reason="逾期督办",
                         reply_due=(resolve_due + timedelta(days=3)).date(), status="closed", reply="",
                         closed_at=resolved)
                supervisions.append(s)
                links.append((self.supervision_id, pk))
                self.supervision_id += 1
            follow_at = resolved + timedelta(days=rng.uniform(0.2, 6))
            if follow_at > self.now or rng.random() < 0.08:
                m.update(status="resolved")  # not followed up (yet)
                matters.append(m)
                continue
            satisfaction = rng.choices(["satisfied", "basic", "unsatisfied"], [75, 16, 9])[0]
            if satisfaction == "unsatisfied":  # reopened, handled again, asked again
                follows.append(self._follow(pk, follow_at, rng.random() < 0.7, False, "unsatisfied"))
                m["reopen_count"] = 1
                again = follow_at + timedelta(days=rng.uniform(1, 8))
                m.update(resolved_at=again, resolve_late=True)
                follow_at = again + timedelta(days=rng.uniform(0.2, 3))
                if follow_at > self.now:
                    m.update(status="resolved")
                    matters.append(m)
                    continue
                satisfaction = rng.choices(["satisfied", "basic", "unsatisfied"], [50, 30, 20])[0]
            solved = satisfaction != "unsatisfied" and rng.random() < 0.95
            follows.append(self._follow(pk, follow_at, rng.random() < 0.93, solved, satisfaction))
            m.update(satisfaction=satisfaction, status="closed", closed_at=follow_at, updated_at=follow_at)
            matters.append(m)
        return matters, follows, supervisions, links

    def _follow(self, matter_id, at, contacted, solved, satisfaction):
        row = dict.fromkeys(self.follow_columns)
        row.update(id=self.follow_id, matter_id=matter_id, at=at, channel="phone", contacted=contacted,
                   solved=solved, satisfaction=satisfaction, comment="")
        self.follow_id += 1
        return row


def _sqlite_value(value, ops):
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        ops = connection.ops
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            ([_sqlite_value(v, ops) for v in ([row[c] for c in columns] if isinstance(row, dict) else row)]
             for row in rows))
        return
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns] if isinstance(row, dict) else row)


def generate(args) -> None:
    from django.db import connection, transaction

    from safeharbor.matters.models import FollowUp, Matter, Supervision

    gen = Generator(args.count, args.years, args.seed)
    links_table = Supervision.matters.through._meta.db_table
    step = 50_000
    start = time.perf_counter()
    for first in range(0, args.count, step):
        matters, follows, supervisions, links = gen.chunk(first, min(args.count, first + step))
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            _copy(raw, Matter._meta.db_table, gen.matter_columns, matters)
            _copy(raw, FollowUp._meta.db_table, gen.follow_columns, follows)
            _copy(raw, Supervision._meta.db_table, gen.supervision_columns, supervisions)
            _copy(raw, links_table, ["supervision_id", "matter_id"], links)
        done = min(args.count, first + step)
        if done % 500_000 == 0 or done == args.count:
            rate = done / (time.perf_counter() - start)
            print(f"  {done:,} matters written ({rate:,.0f}/s)", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            return
        for model in (Matter, FollowUp, Supervision):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("ANALYZE")


# --- timing --------------------------------------------------------------------------------------


def measure(args) -> list[tuple[str, float, float | None]]:
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from safeharbor.core.models import Area, User
    from safeharbor.insights import periods, queries
    from safeharbor.insights.queries import Dims
    from safeharbor.insights.registry import Subject

    settings.DEBUG = False
    today = timezone.localdate()
    last30, month = periods.last_days(30, today), periods.month(today)
    year = periods.year(today.year - 1)
    xinda = Area.objects.get(code="wuda.xinda")
    leader = User.objects.get(username="leader")

    def page(username, url):
        client = Client()
        client.force_login(User.objects.get(username=username))

        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return fetch

    def direct_dashboard(period):
        def run():
            user = User.objects.get(pk=leader.pk)
            queries.direct_matter_figures(user, period)
            for d in ("source", "category", "domain", "area", "unit", "harbor"):
                queries.breakdown(user, period, Dims(), d, direct=True)
            queries.monthly_trend(user, Dims(), direct=True)
        return run

    def direct_card():
        user = User.objects.get(pk=leader.pk)
        queries.direct_matter_figures(user, month, Dims.for_subject(Subject("area", xinda)))

    def direct_rankings():
        user = User.objects.get(pk=leader.pk)
        queries.ranking(user, month, "area", direct=True)
        queries.ranking(user, month, "unit", direct=True)

    cases = [
        ("district dashboard, last 30 days (leader)", page("leader", "/insights/"), direct_dashboard(last30)),
        (f"district dashboard, year {year.key} (leader)", page("leader", f"/insights/?period={year.key}"),
         direct_dashboard(year)),
        ("sub-district report card 新达街道, this month", page("leader", f"/insights/cards/area/{xinda.pk}/"),
         direct_card),
        ("rankings page, this month + previous", page("leader", "/insights/rankings/"), direct_rankings),
        ("sub-district dashboard (dispatcher_xinda)", page("dispatcher_xinda", "/insights/"), None),
        ("home page of the district leader (own figures)", page("leader", "/desk/"), None),
    ]
    results = []
    for label, fn, direct in cases:
        ms = _median_ms(fn, args.runs)
        direct_ms = _median_ms(direct, max(1, args.runs // 2)) if direct else None
        results.append((label, ms, direct_ms))
        print(f"  {label:50} {ms:8.1f} ms" + (f"   direct SQL {direct_ms:8.1f} ms" if direct else ""), flush=True)
    return results


def main() -> None:
    args = _parse()
    _environment(args)
    sqlite_file = _home() / "safeharbor.sqlite3"

    def drop():
        if _sqlite(args):
            for path in sqlite_file.parent.glob(sqlite_file.name + "*"):
                path.unlink()
        else:
            subprocess.run(["dropdb", *pg, "--if-exists", name], check=False)

    pg, name = _pg_args(args.database_url) if not _sqlite(args) else ([], "")
    if not args.reuse:
        drop()
        if not _sqlite(args):
            subprocess.run(["createdb", *pg, name], check=True)
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    from safeharbor.insights.models import Rollup
    from safeharbor.matters.models import Matter

    try:
        if not args.reuse:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            from safeharbor.core.demo import load_demo

            load_demo()
            print(f"Writing {args.count:,} matters over {args.years} years…", flush=True)
            start = time.perf_counter()
            generate(args)
            print(f"Written in {time.perf_counter() - start:.0f} s.", flush=True)
            if args.generate_only:
                return
        else:
            call_command("migrate", interactive=False, verbosity=0)  # the rollup table may have new columns
            call_command("collectstatic", interactive=False, verbosity=0)  # and the pages new static files
        start = time.perf_counter()
        call_command("rebuild_rollups")
        rebuild_s = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE insights_rollup")
        grains = {g: Rollup.objects.filter(grain=g).count() for g in "dmyDMY"}
        print(f"\n{connection.vendor} {connection.settings_dict['NAME']}: {Matter.objects.count():,} matters; rollup rows: "
              f"{grains['d']:,} day, {grains['m']:,} month, {grains['y']:,} year; coarse (no harbor, channel): "
              f"{grains['D']:,} day, {grains['M']:,} month, {grains['Y']:,} year; "
              f"rebuild {rebuild_s:.1f} s (target < 120 s)")
        print(f"Median of {args.runs} runs, server side (Django test Client), target < {TARGET_MS} ms:")
        measure(args)
    finally:
        connection.close()
        if not args.keep and not args.reuse and not args.generate_only:
            drop()


if __name__ == "__main__":
    main()
