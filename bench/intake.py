"""Resident submissions under load: how many per second, how fast, and is any lost.

    .venv/bin/python bench/intake.py [--seconds 20] [--rounds 4] [--clients 16] [--workers N] [--threads N]

Sets up a fresh installation in a temporary SAFEHARBOR_HOME (migrate, demo district),
starts `safeharbor serve` (its default workers and threads unless given) on a free loopback port and, for a fixed time, has
--clients concurrent residents each open the report page once (session + CSRF token) and
then submit reports as fast as the server answers (POST /report/ → 302 to the receipt).
Every report carries a unique marker; afterwards the script checks that every
acknowledged (302) submission is in the database. Prints submissions/s, p50/p99 latency
and the lost count.

In the same run, the same load goes to a bare Django view defined here (not in the
product) that only inserts one row into a table of the same database: the floor of what
this server and database can do. The ratio product/bare is printed. The two loads alternate
in --rounds rounds, so that a machine whose speed drifts weighs on both alike. Errors the
server logged and any acknowledged marker missing from the database are listed.
Rate limiting is switched off for the run (all clients share 127.0.0.1).
Targets (SQLite, 2 cores): ≥ 200 submissions/s, p99 < 250 ms, 0 lost, ≥ half the bare rate.
"""

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

BENCH_SETTINGS = '''
from safeharbor.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench_urls"
RATELIMIT_ENABLE = False
# Only the server's errors, to a file the script summarises when a request failed.
LOGGING = {
    "version": 1, "disable_existing_loggers": True,
    "handlers": {"file": {"class": "logging.FileHandler", "filename": str(HOME / "server-errors.log")}},
    "loggers": {"django.request": {"handlers": ["file"], "level": "ERROR"}},
}
'''

BENCH_URLS = '''
from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
@login_not_required
def bare(request):
    """The floor: parse the form, insert one row, answer."""
    text = request.POST.get("description", "")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare (text) VALUES (%s)", [text])
    return HttpResponse("ok", status=201)


urlpatterns = [path("bench-bare/", bare), path("", include("safeharbor.urls"))]
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(home: Path, env: dict) -> None:
    run = [str(VENV_BIN / "safeharbor")]
    subprocess.run([*run, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    code = (
        "import django; django.setup();"
        "from safeharbor.core.demo import load_demo; load_demo();"
        "from django.db import connection;"
        "c = connection.cursor();"
        "c.execute('CREATE TABLE bench_bare (id integer PRIMARY KEY AUTOINCREMENT, text text)'"
        " if connection.vendor == 'sqlite' else 'CREATE TABLE bench_bare (id serial PRIMARY KEY, text text)')"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    subprocess.run([*run, "manage", "collectstatic", "--noinput", "-v0"], env=env, check=True)


def start_server(port: int, env: dict, workers: int, threads: int, home: Path) -> subprocess.Popen:
    """`safeharbor serve` itself (its gunicorn settings, its preparation before the fork), with
    the benchmark's settings module so that the bare view is there too."""
    server = subprocess.Popen(
        [str(VENV_BIN / "safeharbor"), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--threads", str(threads)],
        env=env, stdout=(home / "access.log").open("w"),
    )
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"safeharbor serve exited with status {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


class Client:
    """One resident: keeps its cookies and CSRF token, like a browser."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.conn.port}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            # name=value up to the first ";" (the attributes do not matter here): a browser does
            # this in native code, and the load generator shares the server's cores.
            key, _, value = header.partition(";")[0].partition("=")
            self.cookies[key.strip()] = value.strip().strip('"')
        return response.status, data, dict(response.headers)


def server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds used so far by the server's processes (Linux /proc; 0 elsewhere)."""
    def pids(pid: int) -> list[int]:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return [pid]
        return [pid, *(p for child in children for p in pids(int(child)))]

    total = 0.0
    for pid in pids(server.pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def load(port: int, *, seconds: float, clients: int, bare: bool, tag: str, server=None) -> dict:
    latencies: list[float] = []
    acknowledged: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def resident(n: int):
        client = Client(port)
        token = ""
        if not bare:
            status, page, _headers = client.request("GET", "/report/")
            match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if status != 200 or not match:
                with lock:
                    errors.append(f"report page {status}")
                return
            token = match.group(1)
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            marker = f"{tag}-{n}-{i}"
            fields = {"description": f"楼上卫生间漏水，天花板都泡了 {marker}", "address": "永昌佳苑5号楼",
                      "identity": "anonymous", "csrfmiddlewaretoken": token}
            body = urllib.parse.urlencode(fields)
            started = time.perf_counter()
            try:
                status, _page, _headers = client.request("POST", "/bench-bare/" if bare else "/report/", body)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(type(exc).__name__)  # not acknowledged: the resident sees it failed
                client = Client(port)
                client.cookies = {}
                continue
            elapsed = time.perf_counter() - started
            ok = status == (201 if bare else 302)
            with lock:
                latencies.append(elapsed)
                if ok:
                    acknowledged.append(marker)
                else:
                    errors.append(str(status))

    threads = [threading.Thread(target=resident, args=(n,)) for n in range(clients)]
    started, client_cpu, cpu = time.monotonic(), time.process_time(), server_cpu(server) if server else 0
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return {"acknowledged": acknowledged, "errors": errors, "wall": wall, "latencies": latencies,
            "client_cpu": time.process_time() - client_cpu, "server_cpu": (server_cpu(server) - cpu) if server else 0}


def summary(rounds: list[dict]) -> dict:
    """The rounds of one kind of load taken together."""
    latencies = sorted(x for r in rounds for x in r["latencies"])
    acknowledged = [m for r in rounds for m in r["acknowledged"]]
    wall = sum(r["wall"] for r in rounds)
    requests = len(latencies) or 1
    return {
        "server_ms": sum(r["server_cpu"] for r in rounds) / requests * 1000,
        "client_ms": sum(r["client_cpu"] for r in rounds) / requests * 1000,
        "acknowledged": acknowledged, "errors": [e for r in rounds for e in r["errors"]],
        "rate": len(acknowledged) / wall if wall else 0,
        "p50": latencies[len(latencies) // 2] * 1000 if latencies else 0,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0,
    }


def find_lost(env: dict, markers: list[str], *, bare: bool) -> list[str]:
    """The acknowledged markers that are not in the database."""
    code = textwrap.dedent(f"""
        import sys, django; django.setup()
        from django.db import connection
        markers = set(sys.stdin.read().split())
        with connection.cursor() as c:
            c.execute({'"SELECT text FROM bench_bare"' if bare else '"SELECT description FROM matters_matter"'})
            found = {{row[0].rsplit(" ", 1)[-1] for row in c.fetchall()}}
        print(" ".join(sorted(markers - found)))
    """)
    out = subprocess.run([sys.executable, "-c", code], env=env, input="\n".join(markers), text=True,
                         capture_output=True, check=True)
    return out.stdout.split()


def server_errors(home: Path) -> list[str]:
    """The kinds of exception the server logged (last line of each traceback), most frequent first."""
    log = home / "server-errors.log"
    if not log.exists():
        return []
    kinds: dict[str, int] = {}
    for block in log.read_text(errors="replace").split("\nTraceback")[1:]:
        last = block.strip().splitlines()[-1][:160]
        kinds[last] = kinds.get(last, 0) + 1
    return [f"{n} × {kind}" for kind, n in sorted(kinds.items(), key=lambda item: -item[1])]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, help="default: safeharbor serve's for the database")
    parser.add_argument("--threads", type=int, help="default: safeharbor serve's for the database")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds of each load")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="shbench-intake-"))
    modules = home / "modules"
    modules.mkdir()
    (modules / "bench_settings.py").write_text(BENCH_SETTINGS)
    (modules / "bench_urls.py").write_text(BENCH_URLS)
    env = {**os.environ, "SAFEHARBOR_HOME": str(home), "DJANGO_SETTINGS_MODULE": "bench_settings",
           "PYTHONPATH": f"{modules}{os.pathsep}{ROOT}", "DATABASE_URL": args.database_url}
    if args.workers is None or args.threads is None:
        from safeharbor.__main__ import default_workers_threads

        os.environ["DATABASE_URL"] = args.database_url  # the defaults depend on the database
        workers, threads = default_workers_threads()
        args.workers, args.threads = args.workers or workers, args.threads or threads
    print(f"Setting up {home} ...", flush=True)
    setup(home, env)
    port = free_port()
    server = start_server(port, env, args.workers, args.threads, home)
    kinds = (("bare insert", True), ("resident report", False))
    try:
        for _name, bare in kinds:
            load(port, seconds=2, clients=args.clients, bare=bare, tag=f"warm{int(bare)}")  # warm-up
        # Alternating rounds: a machine whose speed drifts during the run (a shared VM) then
        # weighs on both figures alike, not on the ratio.
        rounds: dict[str, list[dict]] = {name: [] for name, _bare in kinds}
        for n in range(args.rounds):
            for name, bare in kinds:
                rounds[name].append(load(port, seconds=args.seconds / args.rounds, clients=args.clients,
                                         bare=bare, tag=f"run{n}{int(bare)}", server=server))
        results = {}
        for name, bare in kinds:
            result = results[name] = summary(rounds[name])
            result["lost_markers"] = find_lost(env, result["acknowledged"], bare=bare)
            result["lost"] = len(result["lost_markers"])
    finally:
        server.terminate()
        server.wait(timeout=20)

    db = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\n{db}, gunicorn {args.workers} workers x {args.threads} threads, {args.clients} clients, "
          f"{args.seconds:.0f} s each in {args.rounds} alternating rounds")
    print(f"{'':18}{'ok/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'acked':>8}{'errors':>8}{'lost':>6}"
          f"{'CPU ms/req: server':>20}{'client':>8}")
    for name, r in results.items():
        print(f"{name:18}{r['rate']:8.1f}{r['p50']:9.1f}{r['p99']:9.1f}{len(r['acknowledged']):8d}"
              f"{len(r['errors']):8d}{r['lost']:6d}{r['server_ms']:20.2f}{r['client_ms']:8.2f}")
    product, floor = results["resident report"], results["bare insert"]
    ratio = product["rate"] / floor["rate"] if floor["rate"] else 0
    print(f"ratio report/bare: {ratio:.3f}  (targets: ≥ 200/s, p99 < 250 ms, 0 lost, ratio ≥ 0.5)")
    for name, r in results.items():
        if r["errors"]:
            print(f"{name} errors:", sorted(set(r["errors"]))[:10])
        if r["lost"]:
            print(f"{name} lost (acknowledged, not in the database):", r["lost_markers"][:20])
    for line in server_errors(home)[:10]:
        print("server:", line)


if __name__ == "__main__":
    main()
