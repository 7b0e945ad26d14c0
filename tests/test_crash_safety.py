"""Crash safety: the server and the worker are killed with SIGKILL in the middle of their
work, as a power cut or the OOM killer would, and started again.

- `safeharbor serve` killed during a burst of resident reports: every report the server
  acknowledged (302 to the receipt) is in the database, none is half-written (a matter
  without its `created` event), and the restarted server takes reports again at once.
- `safeharbor worker` killed twice during a long deadline sweep (hundreds of overdue
  matters): after restarts every matter is overdue, supervised and escalated exactly once:
  no duplicate WARNED/OVERDUE/SUPERVISED/ESCALATED events, supervision orders or
  notifications, and no matter stuck between states.

Real processes against a real installation in a temporary SAFEHARBOR_HOME: a file SQLite
database (copied from the migrated test database, which is faster than migrating again), or,
when the suite runs on PostgreSQL, a database created from the test database as a template
(the tests marked `postgres`).

The helpers here (Installation, the consistency checks) are also used by
tests/test_worker_concurrency.py.
"""

import http.client
import http.cookies
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection, connections

# The test database is only the template of the installations (it must exist, hence the
# mark); the processes under test never touch it.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SWEEP_KINDS = ("deadline_near", "deadline_passed", "escalated", "supervision_order")
SWEEP_ACTIONS = ("warned", "overdue", "supervised", "escalated")


# --- an installation in a temporary SAFEHARBOR_HOME ------------------------------------------


@dataclass
class Installation:
    home: Path
    env: dict
    vendor: str
    dsn: str = ""
    processes: list = field(default_factory=list)

    def python(self, code: str, *args: str, timeout: float = 180) -> str:
        """Run Django code in a process of its own (the settings of this installation)."""
        done = subprocess.run([sys.executable, "-c", code, *args], env=self.env, cwd=ROOT, text=True,
                              capture_output=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, *argv: str, name: str) -> subprocess.Popen:
        """`safeharbor ARGV` in a process group of its own (the server's gunicorn workers
        die with it)."""
        log = open(self.home / f"{name}.log", "ab")  # noqa: SIM115 - closed by stop()
        process = subprocess.Popen([str(BIN / "safeharbor"), *argv], env=self.env, cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        process.log = log
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.log.close()

    def log(self, name: str) -> str:
        path = self.home / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the database directly (SQL with %s placeholders), from outside the processes."""
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.home / "safeharbor.sqlite3", timeout=30)
            try:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.dsn) as db:
            return db.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple = ()):
        return self.query(sql, params)[0][0]


def _postgres_dsn(settings: dict, name: str) -> str:
    from urllib.parse import quote

    user = quote(settings.get("USER") or "postgres")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _copy_postgres(settings: dict, name: str) -> None:
    """CREATE DATABASE name TEMPLATE <the migrated test database>."""
    import psycopg

    template = settings["NAME"]
    connections.close_all()
    with psycopg.connect(_postgres_dsn(settings, "postgres"), autocommit=True) as admin:
        for _attempt in range(5):
            try:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            except psycopg.errors.ObjectInUse:  # idle connections of earlier threads of this suite
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", [template])
                time.sleep(0.5)
    raise RuntimeError(f"could not copy the test database {template}")


def _drop_postgres(settings: dict, name: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_dsn(settings, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def installation(tmp_path, django_db_setup, django_db_blocker):
    """A fresh installation with the migrated schema and nothing in it yet."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "SAFEHARBOR_HOME": str(home), "DJANGO_SETTINGS_MODULE": "safeharbor.settings",
           "RATELIMIT_ENABLE": "0", "PYTHONPATH": str(ROOT), "DATABASE_URL": ""}
    settings = connection.settings_dict
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(home / "safeharbor.sqlite3")
            connection.connection.backup(target)
            target.close()
            inst = Installation(home, env, "sqlite")
        else:
            name = f"sh_crash_{uuid.uuid4().hex[:10]}"
            _copy_postgres(settings, name)
            env["DATABASE_URL"] = _postgres_dsn(settings, name)
            inst = Installation(home, env, "postgresql", dsn=env["DATABASE_URL"])
    try:
        yield inst
    finally:
        for process in inst.processes:
            if process.poll() is None:
                inst.kill(process)
        if inst.vendor == "postgresql":
            with django_db_blocker.unblock():
                _drop_postgres(settings, name)


# --- what must hold afterwards ---------------------------------------------------------------


def inconsistent_matters(inst: Installation) -> list[str]:
    """Matters whose state does not follow from their events: no `created` event (half
    written), a gap in the chain of from_status → to_status, or a last event that does not
    end in the matter's status."""
    events: dict[int, list[tuple]] = {}
    for matter_id, action, before, after in inst.query(
        "SELECT matter_id, action, from_status, to_status FROM matters_matterevent ORDER BY matter_id, id"
    ):
        events.setdefault(matter_id, []).append((action, before, after))
    problems = []
    for pk, code, status in inst.query("SELECT id, tracking_code, status FROM matters_matter"):
        chain = events.get(pk, [])
        if not chain or chain[0][0] != "created":
            problems.append(f"{code}: no created event first ({chain[:1]})")
            continue
        state = chain[0][2]
        for action, before, after in chain[1:]:
            if before and before != state:
                problems.append(f"{code}: {action} from {before} but the matter was {state}")
            state = after or state
        if state != status:
            problems.append(f"{code}: status {status} but its events end in {state}")
    return problems


def duplicate_sweep_effects(inst: Installation) -> list[str]:
    """Anything the deadline sweep did twice."""
    found = []
    for matter_id, action, n in inst.query(
        "SELECT matter_id, action, count(*) FROM matters_matterevent WHERE action IN (%s, %s, %s, %s) "
        "GROUP BY matter_id, action HAVING count(*) > 1", SWEEP_ACTIONS
    ):
        found.append(f"matter {matter_id}: {n} {action} events")
    for matter_id, n in inst.query(
        "SELECT sm.matter_id, count(*) FROM matters_supervision_matters sm JOIN matters_supervision s "
        "ON s.id = sm.supervision_id WHERE s.origin = 'sweep' GROUP BY sm.matter_id HAVING count(*) > 1"
    ):
        found.append(f"matter {matter_id}: {n} sweep supervision orders")
    for recipient, kind, target, n in inst.query(
        "SELECT recipient_id, kind, target, count(*) FROM notifications_notification WHERE kind IN (%s, %s, %s, %s) "
        "GROUP BY recipient_id, kind, target HAVING count(*) > 1", SWEEP_KINDS
    ):
        found.append(f"user {recipient}: {n} {kind} notifications about {target}")
    for key, n in inst.query(
        "SELECT key, count(*) FROM notifications_outboxmessage GROUP BY key HAVING count(*) > 1"
    ):
        found.append(f"outbox key {key}: {n} messages")
    return found


def integrity(inst: Installation) -> str:
    if inst.vendor != "sqlite":
        return "ok"
    return inst.scalar("PRAGMA integrity_check")


# --- residents over HTTP ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(port: int, process: subprocess.Popen, inst: Installation, name: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server stopped:\n{inst.log(name)}"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/report/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the server did not answer within {timeout} s:\n{inst.log(name)}")


class Resident:
    """One browser: cookies, the CSRF token of the report form."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, text

    def open_form(self) -> None:
        status, page = self.request("GET", "/report/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and match, status
        self.token = match.group(1)

    def report(self, marker: str) -> int:
        return self.request("POST", "/report/", {
            "description": f"楼上卫生间漏水，天花板都泡了，麻烦尽快处理 {marker}", "address": "永昌佳苑5号楼",
            "identity": "anonymous", "csrfmiddlewaretoken": self.token,
        })[0]


class Burst:
    """Residents reporting as fast as the server answers, until stopped."""

    def __init__(self, port: int, clients: int, tag: str):
        self.port, self.tag = port, tag
        self.acknowledged: list[str] = []
        self.failures: Counter = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(clients)]

    def start(self) -> "Burst":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=40)

    def _run(self, n: int) -> None:
        try:
            resident = Resident(self.port)
            resident.open_form()
        except (OSError, http.client.HTTPException, AssertionError) as exc:
            with self.lock:
                self.failures[type(exc).__name__] += 1
            return
        i = 0
        while not self.stopping.is_set():
            i += 1
            marker = f"{self.tag}-{n}-{i}"
            try:
                status = resident.report(marker)
            except (OSError, http.client.HTTPException) as exc:
                with self.lock:
                    self.failures[type(exc).__name__] += 1
                return  # the server is gone: this resident gives up
            with self.lock:
                if status == 302:
                    self.acknowledged.append(marker)
                else:
                    self.failures[str(status)] += 1

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def stored_markers(inst: Installation) -> Counter:
    return Counter(row[0].rsplit(" ", 1)[-1] for row in inst.query("SELECT description FROM matters_matter"))


def wait_until(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


DEMO = "import django; django.setup(); from safeharbor.core.demo import load_demo; load_demo()"


# --- the server ---------------------------------------------------------------------------------


def _server_crash(inst: Installation):
    inst.python(DEMO)
    port = free_port()
    server = inst.start("serve", "--port", str(port), name="serve")  # its default workers for the database
    wait_for_http(port, server, inst, "serve")

    burst = Burst(port, clients=8, tag="before").start()
    wait_until(lambda: burst.count() >= 40, 60, "40 acknowledged reports")
    inst.kill(server)  # SIGKILL to the master and its workers, with requests in flight
    burst.stop()
    assert burst.count() >= 40

    server = inst.start("serve", "--port", str(port), name="serve")  # its default workers for the database
    wait_for_http(port, server, inst, "serve")
    after = Burst(port, clients=4, tag="after").start()
    wait_until(lambda: after.count() >= 10, 60, "reports after the restart")
    after.stop()
    inst.kill(server, signal.SIGTERM)

    stored = stored_markers(inst)
    lost = [m for m in burst.acknowledged + after.acknowledged if stored[m] != 1]
    assert not lost, f"acknowledged but not stored exactly once: {lost[:10]}"
    assert not after.failures, after.failures  # the restarted server works: no stale lock, no errors
    assert integrity(inst) == "ok"
    assert inconsistent_matters(inst) == []
    # Reports the server took but never acknowledged (killed in between) are whole or absent.
    return burst


def test_server_killed_during_a_burst_of_reports_loses_nothing_acknowledged(installation):
    _server_crash(installation)


@pytest.mark.postgres
def test_server_killed_during_a_burst_on_postgres(installation):
    _server_crash(installation)


# --- the worker ---------------------------------------------------------------------------------

OVERDUE_MATTERS = r"""
import sys, django
django.setup()
from datetime import timedelta
from django.db import transaction
from django.utils import timezone
from safeharbor.core.demo import load_demo
from safeharbor.core.models import Area, Unit, User
from safeharbor.matters import actions
from safeharbor.matters.models import Matter, MatterEvent

load_demo()
n = int(sys.argv[1])
dispatcher = User.objects.get(username="dispatcher_xinda")
police = Unit.objects.get(code="police")
grid = Area.objects.get(code="wuda.xinda.yongchang.g1")
# One matter through the real actions, then copies of it and of its events: hundreds of
# matters in a second instead of a minute. They were dispatched 30 hours ago.
first, _check = actions.create_matter(actor=dispatcher, area=grid, description="楼道里堆满杂物，存在消防隐患 0")
actions.dispatch_matter(first, actor=dispatcher, unit=police)
first.refresh_from_db()
events = list(first.events.order_by("id"))
past = timezone.now() - timedelta(hours=30)
with transaction.atomic():
    copies = []
    for i in range(1, n):
        copy = Matter.objects.get(pk=first.pk)
        copy.pk = None
        copy.tracking_code = f"{first.tracking_code[:-5]}{i:05d}"[-20:]
        copy.description = f"楼道里堆满杂物，存在消防隐患 {i}"
        copies.append(copy)
    Matter.objects.bulk_create(copies, batch_size=200)
    rows = []
    for copy in Matter.objects.exclude(pk=first.pk):
        for event in events:
            event.pk, event.matter_id = None, copy.pk
            rows.append(MatterEvent(**{f.attname: getattr(event, f.attname) for f in MatterEvent._meta.concrete_fields}))
    MatterEvent.objects.bulk_create(rows, batch_size=500)
    Matter.objects.update(due_at=past, warn_at=past - timedelta(hours=6))
print(Matter.objects.count())
"""


def overdue_installation(inst: Installation, n: int) -> None:
    """n matters dispatched to the police 30 hours ago, a day past their deadline; the sweep
    marks each overdue, orders supervision (督办) and escalates it (settings: at once)."""
    inst.env.update(SWEEP_SUPERVISE_AFTER_HOURS="0", SWEEP_ESCALATE_AFTER_HOURS="0", SWEEP_INTERVAL_SECONDS="1")
    assert int(inst.python(OVERDUE_MATTERS, str(n)).strip()) == n


def sweep_count(inst: Installation, action: str) -> int:
    return inst.scalar("SELECT count(*) FROM matters_matterevent WHERE action = %s", (action,))


def sweeps_finished(inst: Installation) -> int:
    return inst.scalar("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s "
                       "AND status = 'SUCCESSFUL'", ("%sweep_deadlines",))


def assert_swept_exactly_once(inst: Installation, n: int) -> None:
    for action in ("overdue", "supervised", "escalated"):
        assert sweep_count(inst, action) == n, action
    assert sweep_count(inst, "warned") == 0  # past the deadline already: no warning any more
    assert duplicate_sweep_effects(inst) == []
    stuck = inst.query(
        "SELECT tracking_code FROM matters_matter WHERE overdue_at IS NULL OR auto_supervised_at IS NULL "
        "OR escalated_at IS NULL OR escalated_to_id IS NULL OR supervised = %s", (False,)
    )
    assert stuck == [], f"matters stuck half-way through the sweep: {stuck[:10]}"
    assert inst.scalar("SELECT count(*) FROM matters_supervision WHERE origin = 'sweep'") == n
    assert inst.scalar(
        "SELECT count(*) FROM matters_supervision s WHERE NOT EXISTS "
        "(SELECT 1 FROM matters_supervision_matters sm WHERE sm.supervision_id = s.id)"
    ) == 0
    # Everyone concerned heard of each step once: the police handler of every overdue matter,
    # the escalation target's dispatchers and leaders.
    for kind in ("deadline_passed", "escalated", "supervision_order"):
        targets = inst.scalar("SELECT count(DISTINCT target) FROM notifications_notification WHERE kind = %s", (kind,))
        assert targets == n, (kind, targets)
    assert inconsistent_matters(inst) == []
    assert integrity(inst) == "ok"


def worker_log_ok(inst: Installation) -> None:
    log = inst.log("worker")
    assert "Traceback" not in log, log


def _worker_crash(inst: Installation, n: int):
    overdue_installation(inst, n)
    kills = []
    # Kill 1: half-way through marking the matters overdue.
    worker = inst.start("worker", name="worker")
    wait_until(lambda: sweep_count(inst, "overdue") >= n // 3, 50, "the sweep to start")
    inst.kill(worker)
    kills.append({a: sweep_count(inst, a) for a in ("overdue", "supervised", "escalated")})
    # Kill 2: in the middle of ordering supervision or escalating.
    worker = inst.start("worker", name="worker")
    wait_until(lambda: 0 < sweep_count(inst, "supervised") or sweep_count(inst, "overdue") == n, 60,
               "the restarted sweep")
    wait_until(lambda: sweep_count(inst, "supervised") >= n // 3 or sweep_count(inst, "escalated") > 0, 60,
               "supervision orders")
    inst.kill(worker)
    kills.append({a: sweep_count(inst, a) for a in ("overdue", "supervised", "escalated")})
    # Restart and let it finish, then two more sweeps that must find nothing to do.
    worker = inst.start("worker", name="worker")
    wait_until(lambda: sweep_count(inst, "escalated") == n, 90, "the sweep to finish")
    done = sweeps_finished(inst)
    wait_until(lambda: sweeps_finished(inst) >= done + 2, 60, "two more sweeps after the last one", 0.3)
    inst.kill(worker, signal.SIGTERM)
    # Each kill really came in the middle of the work.
    assert 0 < kills[0]["overdue"] < n, kills
    assert kills[1]["escalated"] < n, kills
    assert_swept_exactly_once(inst, n)
    worker_log_ok(inst)
    return kills


def test_worker_killed_during_a_deadline_sweep_does_each_thing_once(installation):
    _worker_crash(installation, 240)


@pytest.mark.postgres
def test_worker_killed_during_a_deadline_sweep_on_postgres(installation):
    _worker_crash(installation, 240)
