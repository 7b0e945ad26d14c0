"""Dashboards and rankings at scale: how fast the insights pages answer with N matters.

    SAFEHARBOR_HOME=/tmp/shbench-insights .venv/bin/python bench/insights.py [--count 200000]
        [--database-url postgres://postgres@127.0.0.1:5432/safeharbor_bench] [--runs 5] [--reuse]

Builds the database like bench/matters.py (fresh SQLite in its own SAFEHARBOR_HOME, or an
empty/"bench" PostgreSQL database; migrate; the demo district; N matters with their whole
history from safeharbor.matters.demo.generate_history), then prints the server time (median
of --runs after a warm-up) for the district leader ("leader") and a sub-district dispatcher
("dispatcher_xinda"):

- the figures of the dashboard (queries.matter_figures) for the last 30 days and a year;
- the whole dashboard page through the Django test Client (/insights/);
- the monthly rankings of sub-districts and units (queries.ranking, with the previous month);
- the rankings page, the hotspot map page and a sub-district report card page.

The figures are aggregate queries over the matters table (COUNT ... FILTER, GROUP BY), so
their time grows with the matters in the period asked about, not with the whole table.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="time the database a previous run left")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-analyze", action="store_true")
    return parser.parse_args()


def _median_ms(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    import matters as base  # bench/matters.py: the same database set-up

    args = _parse()
    base._environment(args)
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and args.existing:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('matters_matter') IS NOT NULL")
            if cursor.fetchone()[0]:
                cursor.execute("SELECT count(*) FROM matters_matter")
                args.existing = cursor.fetchone()[0]
        args.existing = args.existing if args.existing >= args.count else 0
    if connection.vendor == "postgresql" and not args.existing:
        base._fresh_postgres()
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from safeharbor.core.demo import load_demo

    load_demo()
    from safeharbor.matters.demo import generate_history
    from safeharbor.matters.models import Matter

    if args.existing:
        print(f"Reusing the {args.existing:,} matters of a previous run.", flush=True)
    else:
        print(f"Generating {args.count:,} matters…", flush=True)
        start = time.perf_counter()
        stats = generate_history(args.count, seed=args.seed, batch_size=5000, stdout=sys.stdout)
        print(f"Generated {stats.matters:,} matters in {time.perf_counter() - start:.1f} s.", flush=True)
        if not args.no_analyze:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from safeharbor.core.models import Area, User
    from safeharbor.insights import periods, queries
    from safeharbor.insights.queries import Dims

    settings.DEBUG = False
    today = timezone.localdate()
    last30 = periods.last_days(30, today)
    year = periods.Period(today - timedelta(days=364), today)
    month = periods.month(today)
    xinda = Area.objects.filter(level__in=["subdistrict", "town"]).order_by("path").last()

    rows = []
    for username in ("leader", "dispatcher_xinda"):
        def user(username=username):
            return User.objects.get(username=username)

        n30 = queries.counted_matters(user(), last30).count()
        n365 = queries.counted_matters(user(), year).count()
        client = Client()
        client.force_login(user())

        def page(url, client=client):
            def fetch():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            return fetch

        cases = [
            (f"figures, last 30 days ({n30:,} matters)", lambda user=user: queries.matter_figures(user(), last30)),
            (f"figures, one year ({n365:,} matters)", lambda user=user: queries.matter_figures(user(), year)),
            ("breakdowns ×6 + 12-month trend, last 30 days",
             lambda user=user: [queries.breakdown(user(), last30, Dims(), d) for d in
                                ("source", "category", "domain", "area", "unit", "harbor")]
             + [queries.monthly_trend(user(), Dims())]),
            ("ranking of sub-districts, this month (+ previous)",
             lambda user=user: queries.ranking(user(), month, "area")),
            ("ranking of units, this month (+ previous)", lambda user=user: queries.ranking(user(), month, "unit")),
            ("HTTP /insights/ (dashboard, last 30 days)", page("/insights/")),
            ("HTTP /insights/?period=<year>", page(f"/insights/?period={today.year}")),
            ("HTTP /insights/rankings/", page("/insights/rankings/")),
            ("HTTP /insights/hotspots/", page("/insights/hotspots/")),
            ("HTTP report card of a sub-district, this month", page(f"/insights/cards/area/{xinda.pk}/")),
        ]
        for label, fn in cases:
            rows.append((username, label, _median_ms(fn, args.runs)))

    print(f"\n{connection.vendor}, {Matter.objects.count():,} matters; median of {args.runs} runs, server side, ms")
    for username, label, ms in rows:
        print(f"{username:17} {label:55} {ms:9.1f}")


if __name__ == "__main__":
    main()
