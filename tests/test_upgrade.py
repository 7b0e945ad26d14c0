"""Upgrade: the database of the previous release, populated, migrated by this one.

`tests/upgrade/` holds what the previous release (commit 8df1d36, the last one landed before
the module apps) wrote with `safeharbor demo --no-serve`: its SQLite file and a plain pg_dump of
the same on PostgreSQL (3,000 matters of history with their events, encrypted phones, users,
the demo district), and the keys that encrypted them. tools/upgrade_fixture.sh writes them
again for a later release.

Each test runs the commands an operator runs after installing the new version, in
subprocesses with their own SAFEHARBOR_HOME: `safeharbor migrate`, then a probe through the new
code: nothing lost, personal data still readable, every matter's status still follows from its
events, the dashboards count the old matters (the insights migration marks their days
pending), pages render, and the new version's `safeharbor demo` loads its modules on top."""

import json
import lzma
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import scratch_postgres_databases

BIN = Path(sys.executable).parent / "safeharbor"
FIXTURE = Path(__file__).parent / "upgrade"
RELEASE = "8df1d36"
KEYS = ("field_encryption.key", "blind_index.key", "secret_key")

# Plain SQL over the tables both releases have: read before and after the migration.
COUNT = """
import json
from django.db import connection
tables = ["matters_matter", "matters_matterevent", "matters_attachment", "core_user", "core_area",
          "core_unit", "core_harbor", "core_category", "core_auditlog", "matters_supervision"]
out = {}
with connection.cursor() as cursor:
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        out[table] = cursor.fetchone()[0]
    cursor.execute("SELECT tracking_code, status, reporter_phone FROM matters_matter ORDER BY tracking_code")
    out["rows"] = [list(row) for row in cursor.fetchall()]
print("JSON" + json.dumps(out))
"""

PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
from safeharbor.core.models import User
from safeharbor.insights import rollups
from safeharbor.insights.models import Rollup, RollupPending
from safeharbor.matters.models import Matter

setup_test_environment()  # the test client's ALLOWED_HOSTS
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()  # no collectstatic
out = {"pending_days": RollupPending.objects.count(),
       "days": len({rollups.local_day(at) for at in Matter.objects.values_list("created_at", flat=True)})}
phones = [m.reporter_phone for m in Matter.objects.all()]  # decrypts every one: a wrong key raises
out["phones"] = sum(1 for p in phones if p)
broken = []
for matter in Matter.objects.prefetch_related("events"):
    events = list(matter.events.all())
    moves = [e for e in events if e.to_status]
    if not events or events[0].action != "created" or (moves and moves[-1].to_status != matter.status):
        broken.append(matter.tracking_code)
out["broken"] = broken[:10]
rollups.refresh_pending()
out["pending_after"] = RollupPending.objects.count()
out["received"] = sum(r.received for r in Rollup.objects.filter(grain="d"))
out["matters"] = Matter.objects.exclude(status="merged").count()  # merged ones count in their main matter
client = Client()
client.force_login(User.objects.get(username="admin"))
matter = Matter.objects.order_by("-created_at").first()
pages = ["/", "/matters/", f"/matters/{matter.pk}/", "/insights/", "/mediation/", "/services/",
         "/campus/", "/campaigns/", "/surveys/", "/publicity/", "/routing/", "/notifications/"]
out["pages"] = {page: client.get(page, follow=True).status_code for page in pages}
print("JSON" + json.dumps(out))
"""


def run(home: Path, *args, db_url: str | None = None) -> str:
    env = {**os.environ, "SAFEHARBOR_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if db_url:
        env["DATABASE_URL"] = db_url
    result = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=600)
    if result.returncode:
        raise AssertionError(f"safeharbor {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def shell(home: Path, code: str, db_url: str | None = None) -> dict:
    out = run(home, "manage", "shell", "-c", code, db_url=db_url)
    return json.loads(next(line for line in out.splitlines() if line.startswith("JSON"))[4:])


def release_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    for name in KEYS:
        shutil.copy(FIXTURE / name, home / name)
        (home / name).chmod(0o600)
    return home


def upgrade(home: Path, db_url: str | None = None) -> None:
    before = shell(home, COUNT, db_url)
    assert before["matters_matter"] == 3000 and before["matters_matterevent"] > 20000
    run(home, "migrate", db_url=db_url)
    after = shell(home, COUNT, db_url)
    assert after == before, "the migrations changed or lost rows of the previous release"

    probe = shell(home, PROBE, db_url)
    assert probe["broken"] == []
    assert probe["phones"] > 100
    assert probe["pending_days"] == probe["days"] > 150  # every day with matters waits for its figures
    assert probe["pending_after"] == 0
    assert probe["received"] == probe["matters"] > 2500  # the dashboards count the old matters
    assert probe["pages"] == {page: 200 for page in probe["pages"]}

    out = run(home, "demo", "--no-serve", db_url=db_url)  # the new release's modules on top
    assert "admin" in out
    again = shell(home, COUNT, db_url)
    assert again["matters_matter"] >= 3000
    assert {code for code, *_ in before["rows"]} <= {code for code, *_ in again["rows"]}


def test_sqlite_database_of_the_previous_release(tmp_path):
    home = release_home(tmp_path)
    with lzma.open(FIXTURE / f"release-{RELEASE}.sqlite3.xz") as packed, \
            open(home / "safeharbor.sqlite3", "wb") as database:
        shutil.copyfileobj(packed, database)
    upgrade(home)


@pytest.mark.postgres
def test_postgres_database_of_the_previous_release(tmp_path):
    with scratch_postgres_databases("safeharbor_up") as (url,):
        with lzma.open(FIXTURE / f"release-{RELEASE}.pg.sql.xz") as packed:
            subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1"], input=packed.read(),
                           check=True, capture_output=True)
        upgrade(release_home(tmp_path), url)
