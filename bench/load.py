"""Mixed traffic against `safeharbor serve` on PostgreSQL for a fixed time, then a consistency check.

    .venv/bin/python bench/load.py [--seconds 60] [--residents 8] [--dispatchers 2] [--handlers 2]
                                   [--staff 2] [--leaders 1] [--workers 2] [--threads 4]
                                   [--history 3000] [--pg-url postgres://postgres@127.0.0.1:5432]

Creates its own database (createdb on --pg-url, dropped at the end, also on failure), a
temporary SAFEHARBOR_HOME, the demo district and --history matters of demo history (so that
inboxes and dashboards have something to show), and starts the real `safeharbor serve`
(gunicorn) on a free loopback port. Then, for --seconds, concurrent clients of five kinds:

- residents: open the report form, submit (POST /report/ → 302), read the receipt for the
  tracking code, follow their reports (GET /track/<code>/) and the public board;
- dispatchers (API token of `dispatcher`): the dispatch inbox (GET /api/matters/?inbox=dispatch)
  and dispatching new reports to the police with expected_status (a 409 is a conflict with
  another dispatcher, not an error);
- handlers (API token of `unit_handler`, 公安分局): the unit inbox, accepting and resolving;
- staff pages (session of `dispatcher_xinda`): the inbox page and a matter's page;
- leaders (session of `leader`): the desk and the insights dashboard.

Prints the throughput, p50/p99 per kind of request and errors; afterwards checks that every
acknowledged submission is in the database exactly once with the tracking code its receipt
showed, that every acknowledged action left its event, and that every matter's state is
consistent with its events (a `created` event first, an unbroken from → to chain ending in
the matter's status). Exits 1 if the check fails.
Rate limiting is switched off (all clients share 127.0.0.1).
"""

import argparse
import http.client
import http.cookies
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "demo-password"  # the published password of the demo accounts


# --- set-up ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg(url: str, *command: str) -> None:
    parsed = urllib.parse.urlsplit(url)
    env = {**os.environ, "PGPASSWORD": urllib.parse.unquote(parsed.password or "")}
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    subprocess.run([command[0], *args, *command[1:]], env=env, check=True)


def setup(env: dict, history: int) -> None:
    subprocess.run([str(VENV_BIN / "safeharbor"), "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    code = (
        "import django; django.setup()\n"
        "from safeharbor.core.demo import load_demo; load_demo()\n"
        "from safeharbor.matters.demo import load_demo_history\n"
        f"print(load_demo_history(count={history}) if {history} else 'no history')\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def start_server(env: dict, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(VENV_BIN / "safeharbor"), "serve", "--port", str(port), "--workers", str(workers),
         "--threads", str(threads)],
        env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True,  # noqa: SIM115
    )
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped:\n{log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status < 500:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not start")


# --- clients --------------------------------------------------------------------------------------


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, data: dict | None = None):
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        elif data is not None:
            body = json.dumps(data)
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, text

    def csrf(self, path: str) -> str:
        status, page = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}, no form")
        return match.group(1)

    def login(self, username: str) -> None:
        token = self.csrf("/accounts/login/")
        status, _page = self.request("POST", "/accounts/login/", form={
            "username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        if status != 302:
            raise RuntimeError(f"log-in of {username}: {status}")

    def token(self, username: str) -> None:
        status, text = self.request("POST", "/api/auth/token/", data={"username": username, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"token of {username}: {status} {text[:200]}")
        self.headers["Authorization"] = f"Token {json.loads(text)['token']}"


class Recorder:
    """Latencies and outcomes per kind of request, and what the server acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.conflicts: dict[str, int] = defaultdict(int)
        self.submitted: list[tuple[str, str]] = []  # (marker, tracking code from the receipt)
        self.acted: list[tuple[int, str]] = []  # (matter pk, event action)

    def timed(self, kind: str, call, ok=(200,), conflict=()):
        started = time.perf_counter()
        try:
            status, text = call()
        except (OSError, http.client.HTTPException) as exc:
            with self.lock:
                self.errors[kind].append(type(exc).__name__)
            return None, ""
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[kind].append(elapsed)
            if status in conflict:
                self.conflicts[kind] += 1
            elif status not in ok:
                self.errors[kind].append(f"{status} {text[:120]!r}")
        return status, text


def resident(port: int, rec: Recorder, stop_at: float, n: int, rng: random.Random) -> None:
    browser = Browser(port)
    token = browser.csrf("/report/")
    codes: list[str] = []
    i = 0
    while time.monotonic() < stop_at:
        roll = rng.random()
        if roll < 0.45 or not codes:
            i += 1
            marker = f"load-{n}-{i}"
            status, _ = rec.timed("resident submit", lambda marker=marker: browser.request("POST", "/report/", form={
                "description": f"楼上卫生间漏水，天花板都泡了，物业不管 {marker}", "address": "永昌佳苑5号楼2单元",
                "identity": "anonymous", "csrfmiddlewaretoken": token}), ok=(302,))
            if status == 302:
                status, page = rec.timed("resident receipt", lambda: browser.request("GET", "/receipt/"))
                code = _tracking_code(page) if status == 200 else ""
                with rec.lock:
                    rec.submitted.append((marker, code))
                if code:
                    codes.append(code)
                elif status == 200:
                    with rec.lock:
                        rec.errors["resident receipt"].append("no tracking code on the receipt")
        elif roll < 0.85:
            code = rng.choice(codes[-20:])  # a browser remembers its last 20 reports (intake MAX_TRACKED)
            rec.timed("resident track", lambda code=code: browser.request("GET", f"/track/{code}/"))
        else:
            rec.timed("public board", lambda: browser.request("GET", "/board/"))


def _tracking_code(page: str) -> str:
    match = re.search(r'<dd id="tracking-code">\s*([^<\s]+)\s*</dd>', page)
    return match.group(1) if match else ""


def _matters(rec: Recorder, browser: Browser, kind: str, inbox: str) -> list[dict]:
    status, text = rec.timed(kind, lambda: browser.request("GET", f"/api/matters/?inbox={inbox}&limit=30"))
    if status != 200:
        return []
    return json.loads(text).get("results", [])


def dispatcher(port: int, rec: Recorder, stop_at: float, n: int, rng: random.Random) -> None:
    browser = Browser(port)
    browser.token("dispatcher")
    while time.monotonic() < stop_at:
        waiting = [m for m in _matters(rec, browser, "api dispatch inbox", "dispatch") if m.get("status") == "received"]
        for matter in rng.sample(waiting, min(2, len(waiting))):
            status, _ = rec.timed("api dispatch", lambda pk=matter["id"]: browser.request(
                "POST", f"/api/matters/{pk}/dispatch/", data={"unit": "police", "expected_status": "received",
                                                              "note": "请尽快核实处理"}), conflict=(409,))
            if status == 200:
                with rec.lock:
                    rec.acted.append((matter["id"], "dispatched"))


def handler(port: int, rec: Recorder, stop_at: float, n: int, rng: random.Random) -> None:
    browser = Browser(port)
    browser.token("unit_handler")
    while time.monotonic() < stop_at:
        matters = _matters(rec, browser, "api unit inbox", "unit")
        rng.shuffle(matters)
        for matter in matters[:2]:
            pk, state = matter["id"], matter.get("status")
            if state == "dispatched":
                status, _ = rec.timed("api accept", lambda pk=pk: browser.request(
                    "POST", f"/api/matters/{pk}/accept/", data={"expected_status": "dispatched"}), conflict=(409,))
                if status == 200:
                    with rec.lock:
                        rec.acted.append((pk, "accepted"))
            elif state in ("accepted", "in_progress"):
                status, _ = rec.timed("api resolve", lambda pk=pk, state=state: browser.request(
                    "POST", f"/api/matters/{pk}/resolve/",
                    data={"result": "已上门查看并协调处理，问题已解决。", "expected_status": state}), conflict=(409,))
                if status == 200:
                    with rec.lock:
                        rec.acted.append((pk, "resolved"))


def staff(port: int, rec: Recorder, stop_at: float, n: int, rng: random.Random) -> None:
    browser = Browser(port)
    browser.login("dispatcher_xinda")
    seen: list[str] = []
    while time.monotonic() < stop_at:
        inbox = rng.choice(["dispatch", "all", "overdue", "near_deadline"])
        status, page = rec.timed("staff inbox page", lambda inbox=inbox: browser.request(
            "GET", f"/matters/?inbox={inbox}"))
        if status == 200:
            seen = re.findall(r'href="(/matters/\d+/)"', page)[:20] or seen
        if seen:
            path = rng.choice(seen)
            rec.timed("staff matter page", lambda path=path: browser.request("GET", path))


def leader(port: int, rec: Recorder, stop_at: float, n: int, rng: random.Random) -> None:
    browser = Browser(port)
    browser.login("leader")
    while time.monotonic() < stop_at:
        rec.timed("leader desk", lambda: browser.request("GET", "/desk/"))
        rec.timed("leader dashboard", lambda: browser.request("GET", "/insights/"))


# --- the check afterwards -------------------------------------------------------------------------


def check(dsn: str, rec: Recorder, started_at: float) -> list[str]:
    import psycopg

    problems: list[str] = []
    with psycopg.connect(dsn) as db:
        stored: dict[str, list[str]] = defaultdict(list)
        for description, code in db.execute("SELECT description, tracking_code FROM matters_matter "
                                            "WHERE description LIKE %s", ["%load-%"]):
            stored[description.rsplit(" ", 1)[-1]].append(code)
        for marker, code in rec.submitted:
            codes = stored.get(marker, [])
            if len(codes) != 1:
                problems.append(f"submission {marker}: acknowledged, stored {len(codes)} times")
            elif code and codes[0] != code:
                problems.append(f"submission {marker}: receipt said {code}, stored as {codes[0]}")
        events: dict[int, list[tuple]] = defaultdict(list)
        for matter_id, action, before, after in db.execute(
            "SELECT matter_id, action, from_status, to_status FROM matters_matterevent ORDER BY matter_id, id"
        ):
            events[matter_id].append((action, before, after))
        for pk, action in rec.acted:
            if action not in [a for a, _b, _c in events.get(pk, [])]:
                problems.append(f"matter {pk}: {action} acknowledged, no such event")
        matters = db.execute("SELECT id, tracking_code, status FROM matters_matter").fetchall()
        for pk, code, status in matters:
            chain = events.get(pk, [])
            if not chain or chain[0][0] != "created":
                problems.append(f"{code}: no created event first")
                continue
            state = chain[0][2]
            for action, before, after in chain[1:]:
                if before and before != state:
                    problems.append(f"{code}: {action} from {before} but the matter was {state}")
                state = after or state
            if state != status:
                problems.append(f"{code}: status {status}, its events end in {state}")
    return problems


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * p), len(ordered) - 1)] * 1000 if ordered else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--dispatchers", type=int, default=2)
    parser.add_argument("--handlers", type=int, default=2)
    parser.add_argument("--staff", type=int, default=2)
    parser.add_argument("--leaders", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--history", type=int, default=3000, help="matters of demo history loaded first")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    args = parser.parse_args()

    name = f"sh_load_{os.getpid()}"
    dsn = f"{args.pg_url.rstrip('/')}/{name}"
    home = Path(tempfile.mkdtemp(prefix="shbench-load-"))
    env = {**os.environ, "SAFEHARBOR_HOME": str(home), "DATABASE_URL": dsn, "RATELIMIT_ENABLE": "0",
           "DJANGO_SETTINGS_MODULE": "safeharbor.settings", "PYTHONPATH": str(ROOT)}
    pg(args.pg_url, "createdb", name)
    server = None
    try:
        print(f"Database {name}, home {home}: migrating and loading the demo district ...", flush=True)
        setup(env, args.history)
        port = free_port()
        server = start_server(env, port, args.workers, args.threads, home / "serve.log")
        rec = Recorder()
        kinds = [(resident, args.residents), (dispatcher, args.dispatchers), (handler, args.handlers),
                 (staff, args.staff), (leader, args.leaders)]
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = []
        for n, (client, _count) in enumerate((c, k) for c, k in kinds for _ in range(k)):
            rng = random.Random(n)

            def run(client=client, n=n, rng=rng):
                try:
                    client(port, rec, stop_at, n, rng)
                except Exception as exc:  # noqa: BLE001 - a client that could not start is reported
                    with rec.lock:
                        rec.errors[f"{client.__name__} start"].append(repr(exc)[:200])

            threads.append(threading.Thread(target=run))
        print(f"{len(threads)} clients for {args.seconds:.0f} s ...", flush=True)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        problems = check(dsn, rec, started)
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        pg(args.pg_url, "dropdb", "--force", name)

    total = sum(len(v) for v in rec.latency.values())
    errors = sum(len(v) for v in rec.errors.values())
    print(f"\nPostgreSQL, gunicorn {args.workers} workers x {args.threads} threads, {len(threads)} clients "
          f"({args.residents} residents, {args.dispatchers} dispatchers, {args.handlers} handlers, {args.staff} staff, "
          f"{args.leaders} leaders), {wall:.0f} s, {args.history} matters of history")
    print(f"{'':22}{'count':>8}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'409':>6}")
    for kind in sorted(set(rec.latency) | set(rec.errors)):
        values = rec.latency.get(kind, [])
        print(f"{kind:22}{len(values):8d}{len(values) / wall:8.1f}{percentile(values, 0.5):9.1f}"
              f"{percentile(values, 0.99):9.1f}{len(rec.errors.get(kind, [])):8d}{rec.conflicts.get(kind, 0):6d}")
    print(f"{'all':22}{total:8d}{total / wall:8.1f}{'':18}{errors:8d}")
    print(f"\nsubmissions acknowledged: {len(rec.submitted)}, staff actions acknowledged: {len(rec.acted)}")
    for kind, items in rec.errors.items():
        print(f"errors {kind}: {sorted(set(items))[:5]}")
    if problems:
        print(f"CONSISTENCY: {len(problems)} problems, e.g.:")
        for problem in problems[:20]:
            print("  ", problem)
        sys.exit(1)
    print("consistency: every acknowledged submission stored once, every acknowledged action has its event, "
          "every matter's state follows from its events")


if __name__ == "__main__":
    main()
