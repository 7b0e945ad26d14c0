"""Convenience services on the demo harbor, scaled up.

    SAFEHARBOR_HOME=/tmp/shbench-services .venv/bin/python bench/services.py [--runs 5] [--extra 2000]

Starts from a fresh SQLite database in SAFEHARBOR_HOME (the file there is deleted first),
migrates, loads the demo district and the services demo (永昌佳苑's year), then adds --extra
applications (bulk, without matters) so the queue has that many rows, and times (median of
--runs after a warm-up):

- loading the services demo itself (once);
- the open queue of the harbor's staff (first page, through the test client), with the CPU
  time of the process and the number of queries (the machine may be busy: wall time varies);
- the report-card figures of the harbor for the year;
- matching a job opening to the people certified as having employment difficulty;
- generating a year's rota for five ports (duty + three weekly kinds, holidays skipped).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--extra", type=int, default=2000)
    return parser.parse_args()


def _setup() -> None:
    home = Path(os.environ.setdefault("SAFEHARBOR_HOME", "/tmp/shbench-services")).expanduser().resolve()
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


def _cpu(fn, runs: int) -> float:
    """Median CPU time of this process (less disturbed than wall time on a busy machine)."""
    samples = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def _queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _more_applications(n: int) -> None:
    from django.utils import timezone

    from safeharbor.core.crypto import blind_index
    from safeharbor.services.models import Application, Service

    services = list(Service.objects.all())
    now = timezone.now()
    rows = []
    for i in range(n):
        service = services[i % len(services)]
        phone = f"1390000{i:04d}"
        rows.append(Application(
            service=service, harbor=service.harbor, port=service.port, provider_unit=service.provider_unit,
            tracking_code=f"BENCH-{i:06d}", applicant_name=f"测试{i}", applicant_phone=phone,
            phone_index=blind_index(phone), status=("received", "reviewing", "delivered")[i % 3],
            created_at=now, due_at=now,
        ))
    Application.objects.bulk_create(rows, batch_size=500)


def main() -> None:
    args = _parse()
    _setup()
    from django.test import Client, override_settings

    from safeharbor.core.demo import COMMUNITY_HARBOR
    from safeharbor.core.demo import load_demo as load_core
    from safeharbor.core.models import Harbor, User
    from safeharbor.services import actions, queries
    from safeharbor.services.demo import load_demo as load_services
    from safeharbor.services.models import JobOpening

    load_core()
    start = time.perf_counter()
    line = load_services()
    print(f"services demo loaded in {time.perf_counter() - start:.1f} s: {line}")
    _more_applications(args.extra)
    harbor = Harbor.objects.get(code=COMMUNITY_HARBOR)
    desk = User.objects.get(username="harbor_staff")
    admin = User.objects.get(username="admin")
    override_settings(ALLOWED_HOSTS=["*"], STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    client = Client()
    client.force_login(desk)

    def queue():
        assert client.get("/services/applications/").status_code == 200

    job = JobOpening.objects.first()
    year = 0

    def rota():
        nonlocal year
        year += 1
        actions.generate_roster(actor=admin, harbor=harbor, title=f"bench {year}", starts_on=date(2026, 1, 1),
                                ends_on=date(2026, 12, 31), kinds=["duty", "study", "training", "employment"])

    print(f"open queue page ({args.extra} extra applications): {_timed(queue, args.runs):.1f} ms "
          f"(CPU {_cpu(queue, args.runs):.1f} ms, {_queries(queue)} queries)")
    print(f"report figures of the harbor: {_timed(lambda: queries.report_figures(desk, harbor=harbor), args.runs):.1f} ms")
    print(f"job candidates: {_timed(lambda: queries.job_candidates(desk, job), args.runs):.1f} ms")
    print(f"a year's rota, 5 ports x 4 kinds: {_timed(rota, args.runs):.1f} ms")


if __name__ == "__main__":
    main()
