"""Mediation at scale: the case list (high risk first) and the statistics with N cases.

    SAFEHARBOR_HOME=/tmp/shbench-mediation .venv/bin/python bench/mediation.py [--count 20000] [--runs 5]

Starts from a fresh SQLite database in SAFEHARBOR_HOME (the file there is deleted first),
migrates, loads the demo district and the mediation committees, writes N cases with two
parties each (bulk inserts; the parties' names and phones encrypted as usual), then times
(median of --runs after a warm-up), for the demo mediator (新达街道) and the district
dispatcher:

- the first page of the case list (queries.case_list[:50]) plus its count;
- the statistics of the year per committee, per area and per type (queries.statistics);
- the Excel export of the statistics (exports.statistics_xlsx).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def _setup() -> None:
    home = Path(os.environ.setdefault("SAFEHARBOR_HOME", "/tmp/shbench-mediation")).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    for name in ("safeharbor.sqlite3", "safeharbor.sqlite3-wal", "safeharbor.sqlite3-shm", "db.sqlite3"):
        (home / name).unlink(missing_ok=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeharbor.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _timed(fn, runs: int) -> float:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    args = _parse()
    _setup()
    from django.db import transaction
    from django.utils import timezone

    from safeharbor.core.crypto import encrypt
    from safeharbor.core.demo import load_demo
    from safeharbor.core.models import Area, User
    from safeharbor.mediation import exports, queries
    from safeharbor.mediation.demo import _ensure_committees
    from safeharbor.mediation.models import Case, Committee, Party

    load_demo()
    _ensure_committees()
    rng = random.Random(2026)
    committees = list(Committee.objects.filter(level__in=("community", "subdistrict")).select_related("area"))
    communities = {c.area_id: c for c in committees if c.level == "community"}
    areas = list(Area.objects.filter(pk__in=communities))
    kinds = Case.Kind.values
    statuses = ["registered", "accepted", "mediating", "agreed", "failed", "declined", "archived"]
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        for batch_start in range(0, args.count, 2000):
            cases = []
            for _ in range(min(2000, args.count - batch_start)):
                area = rng.choice(areas)
                cases.append(Case(
                    area=area, committee=communities[area.pk], kind=rng.choice(kinds), title="邻里纠纷",
                    facts="楼上漏水", status=rng.choice(statuses), amount=rng.randint(0, 50000),
                    risk_level=rng.choices(["low", "medium", "high"], [80, 15, 5])[0],
                    created_at=now - timedelta(days=rng.randint(0, 360)),
                ))
            Case.objects.bulk_create(cases)
            name, phone = encrypt("王桂兰"), encrypt("13904735216")
            parties = [Party(case=c, role=role, name=name, phone=phone) for c in cases
                       for role in ("applicant", "respondent")]
            Party.objects.bulk_create(parties)
    seconds = time.perf_counter() - started
    print(f"{args.count} cases with {2 * args.count} parties written in {seconds:.1f} s "
          f"({args.count / seconds:.0f} cases/s)")

    year_start = (now - timedelta(days=365)).date()
    for username in ("mediator", "dispatcher"):
        user = User.objects.get(username=username)
        visible = queries.case_list(user)
        print(f"\n{username}: {visible.count()} cases visible")

        def first_page(user=user):
            list(queries.case_list(user)[:50])
            queries.case_list(user).count()

        print(f"  case list, first page + count: {_timed(first_page, args.runs):7.1f} ms")
        for group in ("committee", "area", "kind"):
            ms = _timed(lambda g=group, u=user: queries.statistics(u, start=year_start, end=now.date(), group=g),
                        args.runs)
            print(f"  statistics of the year per {group:9s}: {ms:7.1f} ms")
        data = queries.statistics(user, start=year_start, end=now.date())
        print(f"  Excel export: {_timed(lambda d=data: exports.statistics_xlsx(d), args.runs):7.1f} ms")


if __name__ == "__main__":
    main()
