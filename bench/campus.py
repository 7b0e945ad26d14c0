"""Campus safety figures on the demo school (58 classes, a term of lessons and guard duties).

    SAFEHARBOR_HOME=/tmp/shbench-campus .venv/bin/python bench/campus.py [--runs 5] [--schools 50]

Starts from a fresh SQLite database in SAFEHARBOR_HOME (the file there is deleted first),
migrates, loads the demo district and the campus demo (乌达区实验中学), copies the school's
classes --schools times more (so the district's school list has that many rows), then times
(median of --runs after a warm-up):

- loading the campus demo itself (once);
- the school's report card (queries.report_card) as the district leader;
- the lesson-coverage grid (58 classes x the term's school weeks);
- one day's guard shifts and the next two weeks' uncovered slots;
- the campus home page (every school's safety record, psychology counts, open hazards) as
  the district leader, through the test client.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--schools", type=int, default=50)
    return parser.parse_args()


def _setup() -> None:
    home = Path(os.environ.setdefault("SAFEHARBOR_HOME", "/tmp/shbench-campus")).expanduser().resolve()
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
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _more_schools(n: int) -> None:
    from safeharbor.core.models import Area, School, Unit

    areas = list(Area.objects.filter(level__in=["community", "village"]).order_by("path"))
    for i in range(n):
        area = areas[i % len(areas)]
        unit = Unit.objects.create(code=f"bench_school_{i}", name_zh=f"乌达区第{i + 1}小学", kind="school", area=area)
        School.objects.create(unit=unit, area=area, class_count=24, student_count=900)


def main() -> None:
    args = _parse()
    _setup()
    from django.test import Client, override_settings
    from django.utils import timezone

    from safeharbor.campus import queries
    from safeharbor.campus.demo import load_demo as load_campus
    from safeharbor.core.demo import load_demo as load_core
    from safeharbor.core.models import School, User

    load_core()
    start = time.perf_counter()
    line = load_campus()
    print(f"campus demo loaded in {time.perf_counter() - start:.1f} s: {line}")
    _more_schools(args.schools)
    school = School.objects.get(unit__code="wuda_shiyan_school")
    leader = User.objects.get(username="leader")
    today = timezone.localdate()
    # Plain static storage: the bench renders pages without `collectstatic`.
    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)

    def home():
        assert client.get("/campus/").status_code == 200

    figures = {
        "report card (ms)": lambda: queries.report_card(leader, school),
        "lesson coverage grid (ms)": lambda: queries.lesson_coverage(school),
        "one day's guard shifts (ms)": lambda: queries.shifts_on(school, today),
        "uncovered slots, 14 days (ms)": lambda: list(queries.uncovered_shifts(school, start=today)),
        f"campus home page, {args.schools + 1} schools (ms)": home,
    }
    for name, fn in figures.items():
        print(f"{name}: {_timed(fn, args.runs):.1f}")


if __name__ == "__main__":
    main()
