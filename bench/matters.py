"""Matter lists at scale: how fast the inboxes answer with N matters in the district.

    SAFEHARBOR_HOME=/tmp/shbench .venv/bin/python bench/matters.py [--count 200000]
        [--database-url postgres://postgres@127.0.0.1:5432/safeharbor_bench] [--runs 7] [--explain]

Sets up a fresh database in its own SAFEHARBOR_HOME (SQLite: the file there is deleted
first; PostgreSQL: the database must be empty, or its name must contain "bench", and then
its public schema is dropped), migrates, loads the demo district
(safeharbor.core.demo.load_demo), writes N matters with their whole history with the
demo-history generator (safeharbor.matters.demo.generate_history, batches of 5,000) and
prints rows/s. Then it times, server-side (median of --runs after a warm-up), for the
district dispatcher and the police unit handler:

- "queryset": queries.matter_list(user, inbox)[:50] evaluated plus .count() — the first
  page and the full count;
- "page queries": what the list view does (queries.matter_list for 51 rows and
  queries.filtered_count, capped), when queries.py has them;
- "HTTP": the real page through the Django test Client (/matters/?inbox=...), when
  safeharbor.matters.urls has it: middleware, view, template, everything but the network;

for the dispatcher's inbox (dispatch), all, overdue and a text search (q=漏水), the unit's
inbox (unit) and overdue, plus the inbox tab counts. Every timing above 100 ms gets its
query plan printed (all of them with --explain).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

TARGET_MS = 100


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200_000, help="matters to generate (default 200000)")
    parser.add_argument("--database-url", default="", help="postgres://... (default: SQLite in SAFEHARBOR_HOME)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query (median is printed)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true", help="print every query plan, not only slow ones")
    parser.add_argument("--no-analyze", action="store_true", help="do not run ANALYZE after loading")
    parser.add_argument("--reuse", action="store_true",
                        help="time the database a previous run left (no reset, no generation) if it has the matters")
    return parser.parse_args()


def _existing_matters(home: Path, args) -> int:
    """How many matters a previous run left, if --reuse is asked for (0: start afresh)."""
    if not args.reuse:
        return 0
    if not args.database_url:
        import sqlite3

        path = home / "safeharbor.sqlite3"
        if not path.exists():
            return 0
        try:
            with sqlite3.connect(path) as db:
                return db.execute("SELECT count(*) FROM matters_matter").fetchone()[0]
        except sqlite3.Error:
            return 0
    return -1  # PostgreSQL: asked after setup


def _environment(args) -> None:
    home = Path(os.environ.setdefault("SAFEHARBOR_HOME", "/tmp/shbench")).expanduser().resolve()
    repo_var = (Path(__file__).resolve().parent.parent / "var").resolve()
    if home == repo_var or home == Path.cwd().resolve() / "var":
        sys.exit("bench/matters.py deletes its database: give it its own SAFEHARBOR_HOME (e.g. /tmp/shbench).")
    home.mkdir(parents=True, exist_ok=True)
    args.existing = _existing_matters(home, args)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        if args.existing < args.count:
            args.existing = 0
            for suffix in ("", "-wal", "-shm", "-journal"):
                (home / f"safeharbor.sqlite3{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeharbor.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _fresh_postgres() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        tables = cursor.fetchone()[0]
        if not tables:
            return
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit(f"The database {connection.settings_dict['NAME']} is not empty and its name has no 'bench' "
                     "in it: not dropping anything.")
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def _median_ms(fn, runs: int) -> float:
    fn()  # warm-up: caches, prepared statements, page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _plans(fn) -> list[tuple[str, list[str]]]:
    """EXPLAIN (QUERY PLAN) of the SQL that fn runs, with its parameters bound as Django binds
    them: SQLite plans `status IN (?, ?)` differently from `status IN ('a', 'b')` (a partial
    index on literal values is not used for bound ones)."""
    from django.db import connection

    statements = []

    def capture(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, params, time.perf_counter() - start))

    with connection.execute_wrapper(capture):
        fn()
    plans = []
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for sql, params, seconds in statements:
        if not sql.lstrip().upper().startswith("SELECT") or "matters_matter" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            rows = cursor.fetchall()
        lines = [str(row[-1]) if connection.vendor == "sqlite" else row[0] for row in rows]
        plans.append((f"{seconds * 1000:.1f} ms  {sql[:300]}{'…' if len(sql) > 300 else ''}", lines))
    return plans


def main() -> None:
    args = _parse()
    _environment(args)
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # one login per timed page otherwise
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import Resolver404, resolve

    if connection.vendor == "postgresql" and args.existing:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('matters_matter') IS NOT NULL")
            if cursor.fetchone()[0]:
                cursor.execute("SELECT count(*) FROM matters_matter")
                args.existing = cursor.fetchone()[0]
        args.existing = args.existing if args.existing >= args.count else 0
    if connection.vendor == "postgresql" and not args.existing:
        _fresh_postgres()
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages need the manifest

    from safeharbor.core.demo import load_demo

    load_demo()
    from safeharbor.matters.demo import generate_history
    from safeharbor.matters.models import Matter, MatterEvent

    if args.existing:
        print(f"Reusing the {args.existing:,} matters of a previous run.", flush=True)
    else:
        print(f"Generating {args.count:,} matters (batches of 5,000)…", flush=True)
        start = time.perf_counter()
        stats = generate_history(args.count, seed=args.seed, batch_size=5000, stdout=sys.stdout)
        seconds = time.perf_counter() - start
        print(f"Generated {stats.matters:,} matters, {stats.events:,} events, {stats.rows:,} rows in all, in "
              f"{seconds:.1f} s: {stats.matters / seconds:,.0f} matters/s, {stats.rows / seconds:,.0f} rows/s.")
        print("By status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(stats.by_status.items())), flush=True)
    if not args.no_analyze and not args.existing:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    from django.test import Client

    from safeharbor.core.models import User
    from safeharbor.matters import queries

    has_rows = hasattr(queries, "filtered_count")
    try:
        resolve("/matters/")
        pages = True
    except Resolver404:
        pages = False
    if pages:
        settings.DEBUG = False

    cases = [
        ("dispatcher", "dispatch", {}, "dispatcher: inbox (new + returned)"),
        ("dispatcher", "all", {}, "dispatcher: all"),
        ("dispatcher", "overdue", {}, "dispatcher: overdue"),
        ("dispatcher", "all", {"q": "漏水"}, "dispatcher: search q=漏水"),
        ("unit_handler", "unit", {}, "unit handler: inbox (to accept)"),
        ("unit_handler", "overdue", {}, "unit handler: overdue"),
    ]
    rows, slow = [], []
    for username, inbox, params, label in cases:
        def user(username=username):
            return User.objects.get(username=username)  # fresh: the scope is computed per request

        filters = queries.MatterFilter.from_params(params)
        total = queries.matter_list(user(), inbox, filters).count()

        def queryset(inbox=inbox, filters=filters, user=user):
            matters = queries.matter_list(user(), inbox, filters)
            list(matters[:50])
            matters.count()

        def page_queries(inbox=inbox, filters=filters, user=user):
            matters = queries.matter_list(user(), inbox, filters)
            list(matters[:51])
            queries.filtered_count(matters)

        q_ms = _median_ms(queryset, args.runs)
        p_ms = _median_ms(page_queries, args.runs) if has_rows else None
        h_ms = None
        if pages:
            client = Client()
            client.force_login(User.objects.get(username=username))
            query = "&".join([f"inbox={inbox}", *(f"{k}={v}" for k, v in params.items())])

            def http(client=client, query=query):
                response = client.get(f"/matters/?{query}")
                assert response.status_code == 200, response.status_code

            h_ms = _median_ms(http, args.runs)
        rows.append((label, total, q_ms, p_ms, h_ms))
        if args.explain or max(x for x in (q_ms, p_ms, h_ms) if x is not None) > TARGET_MS:
            slow.append((label, queryset if not has_rows else page_queries, queryset))

    tab_rows = []
    for username in ("dispatcher", "unit_handler"):
        def counts(username=username):
            queries.inbox_counts(User.objects.get(username=username))

        c_ms = _median_ms(counts, args.runs)
        h_ms = None
        if pages:
            client = Client()
            client.force_login(User.objects.get(username=username))

            def tabs(client=client):
                assert client.get("/matters/inboxes/?inbox=all").status_code == 200

            try:
                resolve("/matters/inboxes/")
                h_ms = _median_ms(tabs, args.runs)
            except Resolver404:
                pass
        tab_rows.append((f"{username}: inbox tab counts", c_ms, h_ms))
        if args.explain or c_ms > TARGET_MS:
            slow.append((f"{username}: inbox tab counts", counts, None))

    n = Matter.objects.count()
    print(f"\n{connection.vendor}, {n:,} matters, {MatterEvent.objects.count():,} events; "
          f"median of {args.runs} runs, server side, ms (target: inbox pages < {TARGET_MS} ms)")
    head = f"{'':34} {'rows':>8} {'queryset':>10} {'page queries':>13} {'HTTP page':>10}"
    print(head)
    print("-" * len(head))

    def fmt(value):
        return f"{value:.1f}" if value is not None else "–"

    for label, total, q_ms, p_ms, h_ms in rows:
        print(f"{label:34} {total:>8,} {fmt(q_ms):>10} {fmt(p_ms):>13} {fmt(h_ms):>10}")
    for label, c_ms, h_ms in tab_rows:
        print(f"{label:34} {'':>8} {fmt(c_ms):>10} {'':>13} {fmt(h_ms):>10}")
    print("queryset = matter_list()[:50] + count(); page queries = matter_list()[:51] + filtered_count() "
          "(the list view's own); HTTP = test Client GET /matters/?inbox=… (tab counts: /matters/inboxes/).")

    for label, fn, _other in slow:
        print(f"\n--- {label}: query plans")
        for sql, lines in _plans(fn):
            print(sql)
            for line in lines:
                print("    " + line)


if __name__ == "__main__":
    main()
