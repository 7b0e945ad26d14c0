"""`safeharbor`: the one console command for running the platform."""

import argparse
import os
import sys
from pathlib import Path


def _setup(demo: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeharbor.settings")
    if demo:
        os.environ.setdefault("SAFEHARBOR_DEMO", "1")
    import django

    django.setup()


def _call(*args, **kwargs) -> None:
    from django.core.management import call_command

    call_command(*args, **kwargs)


def _prepare(verbosity: int = 1) -> None:
    """Bring the database and static files up to date (safe to repeat)."""
    _call("migrate", interactive=False, verbosity=verbosity)
    _call("collectstatic", interactive=False, verbosity=0)


def _serve(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from safeharbor.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            # One thread: gunicorn's plain (sync) worker, a request at a time, no keep-alive
            # (nginx in front buffers slow clients, docs/deployment.md); more: gthread.
            self.cfg.set("worker_class", "sync" if threads == 1 else "gthread")
            self.cfg.set("accesslog", "-")
            # No client address, user agent or referrer: a line per anonymous questionnaire
            # answer must not say who sent it (the proxy in front keeps what it is told to).
            self.cfg.set("access_log_format", '%(t)s "%(r)s" %(s)s %(b)s %(M)sms')
            self.cfg.set("timeout", 120)  # a sync worker busy longer than this is restarted
            self.cfg.set("graceful_timeout", 20)

        def load(self):
            return application

    # The workers are forked from this process, which has just migrated (and maybe loaded the
    # demo): no database connection may cross the fork (SQLite forbids using one in a child).
    from django.db import connections

    connections.close_all()
    # What is loaded now (Django, the apps, the classifier's libraries) lives as long as the
    # workers: moved out of the garbage collector's sight, a full collection in a worker no
    # longer walks a quarter of a million objects (~0.4 ms per report on average).
    import gc

    gc.collect()
    gc.freeze()
    print(f"Safe Harbor is serving at http://{host}:{port}/  (Ctrl+C stops it)", flush=True)
    Server().run()


def cmd_demo(args) -> None:
    _setup(demo=True)
    from django.conf import settings

    print(f"Data directory: {settings.HOME}", flush=True)
    _prepare(verbosity=0)
    from safeharbor.core.demo import DEMO_PASSWORD, load_demo

    summary = load_demo(stdout=sys.stdout)
    print(summary, flush=True)
    from safeharbor.matters.demo import load_demo_history

    print(load_demo_history(stdout=sys.stdout), flush=True)
    from safeharbor.open311.actions import DEMO_KEY, ensure_demo_attributes, ensure_demo_key

    ensure_demo_key()
    ensure_demo_attributes()
    print(f"Open311 GeoReport v2: /open311/discovery.json (demo api_key: {DEMO_KEY})", flush=True)
    from safeharbor.routing.models import ClassifierModel

    if not ClassifierModel.objects.filter(active=True).exists():  # once: `safeharbor classify` works
        from safeharbor.routing.actions import train_classifier

        model = train_classifier()
        print(f"Category classifier v{model.version} trained on {model.n_samples} texts.", flush=True)
    from safeharbor.core.demo import run_module_loaders

    run_module_loaders(stdout=sys.stdout)
    print(
        f"\nDemo accounts (password for all: {DEMO_PASSWORD} — for demo installations only, "
        "never use it in production):"
    )
    from safeharbor.core.demo import demo_accounts

    for username, role, scope in demo_accounts():
        print(f"  {username:<24} {_pad(role, 18)} {scope}")
    if not args.no_serve:
        _serve(args.host, args.port, args.workers, args.threads)


def _pad(text: str, width: int) -> str:
    """Left-align text in a terminal, counting wide (Chinese) characters as two columns."""
    import unicodedata

    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


def cmd_serve(args) -> None:
    _setup()
    _prepare(verbosity=0)
    _serve(args.host, args.port, args.workers, args.threads)


def cmd_worker(args) -> None:
    _setup()
    _call("migrate", interactive=False, verbosity=0)
    _call("safeharbor_worker", once=args.once)


def cmd_migrate(args) -> None:
    _setup()
    _call("migrate", interactive=False)


def cmd_createsuperuser(args) -> None:
    _setup()
    _call("createsuperuser")


def cmd_load_taxonomy(args) -> None:
    _setup()
    from safeharbor.core.actions import load_taxonomy
    from safeharbor.core.errors import ActionError

    try:
        created = load_taxonomy(args.file)
    except ActionError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        sys.exit(2)
    print(
        "Taxonomy loaded: {domains} new domains, {units} new units, {categories} new categories.".format(**created)
    )


def cmd_import_matters(args) -> None:
    _setup()
    from django.core.management.base import CommandError

    options = {"mapping": args.mapping, "dry_run": args.dry_run, "user": args.user}
    try:
        _call("import_matters", args.file, **options)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.returncode)


def cmd_train(args) -> None:
    _setup()
    _call("migrate", interactive=False, verbosity=0)
    from django.core.management.base import CommandError

    try:
        _call("train", seed_dir=args.seed_dir)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.returncode)


def cmd_duplicates(args) -> None:
    _setup()
    from django.core.management.base import CommandError

    try:
        _call("duplicates", *([args.file] if args.file else []), window_hours=args.window_hours)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.returncode)


def cmd_classify(args) -> None:
    _setup()
    from django.core.management.base import CommandError

    try:
        _call("classify", *([args.file] if args.file else []))
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.returncode)


def cmd_backup(args) -> None:
    _setup()
    from safeharbor.core.backup import BackupError, backup

    try:
        manifest = backup(Path(args.archive), keys_file=Path(args.keys) if args.keys else None)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    counts = ", ".join(f"{k} {v}" for k, v in manifest["counts"].items())
    print(f"Backup written to {args.archive}: {manifest['engine']} database ({counts}), "
          f"{manifest['media_files']} uploaded files.")
    if args.keys:
        print(f"Encryption keys written to {args.keys} (mode 0600). Keep that file apart from the backups: "
              "together they open every resident's personal data.")
    else:
        print("The encryption keys are NOT in the backup. Without them the encrypted personal data of a "
              "restore cannot be read: save them once with --keys FILE and keep that file apart.")


def cmd_restore(args) -> None:
    _setup()
    from safeharbor.core.backup import BackupError, restore

    try:
        manifest = restore(Path(args.archive), keys_file=Path(args.keys) if args.keys else None, force=args.force)
    except (BackupError, OSError, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    _call("migrate", interactive=False, verbosity=0)  # a backup of an older release comes up to date
    print(f"Restored the backup of {manifest['created_at']} ({manifest['engine']}, "
          f"{manifest['counts']['matters']} matters, {manifest['media_files']} uploaded files) and applied "
          "migrations. Restart `safeharbor serve` and `safeharbor worker`.")


def cmd_manage(args) -> None:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeharbor manage", *args.rest])


def default_workers_threads() -> tuple[int, int]:
    """WEB_WORKERS and WEB_THREADS, else what suits the database.

    SQLite: one process per core (at least two), one thread each. Writers take turns there:
    with threads, the thread whose turn it is must also win the interpreter lock back from its
    siblings after every statement; with more processes than cores, the one whose turn it is
    is more often put aside by the scheduler while the others queue behind it
    (bench/intake.py, 2 cores, residents' reports/s: 2 sync processes 935-990, 3: 785-918,
    4: 690-730, 2 x 4 threads 681). PostgreSQL: a process per core with four threads, which
    overlap their waits on the database server."""
    # The cores this process may run on (a container's share, not the host's), and a ceiling:
    # past it more processes only queue for the database and cost memory.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers, threads = (min(max(2, cores), 8), 4) if os.environ.get("DATABASE_URL") else (min(max(2, cores), 12), 1)
    return int(os.environ.get("WEB_WORKERS") or workers), int(os.environ.get("WEB_THREADS") or threads)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safeharbor",
        description="Safe Harbor (平安港湾): the grassroots social-governance platform. "
        "Data lives in $SAFEHARBOR_HOME (default ./var); DATABASE_URL=postgres://... uses PostgreSQL.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def server_options(p):
        workers, threads = default_workers_threads()
        p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        p.add_argument("--workers", type=int, default=workers)
        p.add_argument("--threads", type=int, default=threads)

    p = sub.add_parser("demo", help="set up the demo district (once) and serve it")
    server_options(p)
    p.add_argument("--no-serve", action="store_true", help="load the demo data and exit")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="serve an existing installation (gunicorn)")
    server_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run background tasks: deadline sweeps, notifications, training")
    p.add_argument("--once", action="store_true", help="run what is due now and exit")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or update the database tables")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("createsuperuser", help="create an administrator account")
    p.set_defaults(func=cmd_createsuperuser)

    p = sub.add_parser("load-taxonomy", help="load domains, units and categories from a YAML file")
    p.add_argument("file", help="a file in the format of taxonomy.yaml")
    p.set_defaults(func=cmd_load_taxonomy)

    p = sub.add_parser("import-matters", help="import historical matters from a 12345 export (.xlsx/.csv)")
    p.add_argument("file", help=".xlsx or .csv (UTF-8, UTF-8 with BOM, GBK/GB18030)")
    p.add_argument("--mapping", help="YAML file naming the columns and translating values")
    p.add_argument("--dry-run", action="store_true", help="check every row, import nothing")
    p.add_argument("--user", help="username recorded as having imported the matters")
    p.set_defaults(func=cmd_import_matters)

    p = sub.add_parser("backup", help="write a consistent backup (database + uploaded files) to ARCHIVE.tar.gz")
    p.add_argument("archive", help="the .tar.gz to write")
    p.add_argument("--keys", help="also write the encryption keys to this separate file (keep it apart)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace this installation's data with a backup, then migrate")
    p.add_argument("archive", help="a .tar.gz written by `safeharbor backup`")
    p.add_argument("--keys", help="the backup's keys file, when this installation has other keys")
    p.add_argument("--force", action="store_true", help="replace an installation that already holds matters")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("train", help="train the category classifier now and print its held-out metrics")
    p.add_argument("--seed-dir", help="directory of <category code>.txt files (default: the shipped corpus)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("duplicates", help="find duplicates in JSON Lines reports {id, text, address, lat, lon, "
                       "reported_at} (FILE or stdin, in time order)")
    p.add_argument("file", nargs="?")
    p.add_argument("--window-hours", type=float, default=72)
    p.set_defaults(func=cmd_duplicates)

    p = sub.add_parser("classify", help="suggest categories for JSON Lines {id, text} (FILE or stdin)")
    p.add_argument("file", nargs="?", help="JSON Lines file (default: standard input)")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("manage", help="run any Django management command", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
