"""safeharbor import-matters FILE [--mapping map.yaml] [--dry-run] [--user admin]

Imports historical matters from a 12345 export (.xlsx or .csv): every row is checked
first; with any problem nothing is imported, every problem is printed and the exit code
is 2. See safeharbor/intake/importer.py for the columns and the mapping file.
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safeharbor.core.models import User
from safeharbor.intake.importer import ImportFileError, Mapping, import_file


class Progress:
    """A one-line progress report on stderr, rewritten in place (\\r), at most 10 times a second."""

    def __init__(self, stream, enabled: bool = True):
        self.stream, self.enabled, self.last = stream, enabled, 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done != total):
            return
        self.last = now
        if phase == "check":
            line = _("Checking: %(done)d rows") % {"done": done}
        else:
            width, share = 30, done / total if total else 1
            bar = "#" * int(width * share) + "-" * (width - int(width * share))
            line = _("Importing: [%(bar)s] %(done)d/%(total)d (%(pct)d%%)") % {
                "bar": bar, "done": done, "total": total or 0, "pct": int(share * 100)}
        self.stream.write("\r" + line)
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import historical matters from a 12345 hotline export (.xlsx or .csv): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx or .csv (UTF-8, UTF-8 with BOM, GBK/GB18030)")
        parser.add_argument("--mapping", help="YAML file naming the columns and translating values")
        parser.add_argument("--dry-run", action="store_true", help="check every row, import nothing")
        parser.add_argument("--user", help="username recorded as having imported the matters")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress line on stderr")

    def handle(self, *args, file, mapping=None, dry_run=False, user=None, quiet_progress=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file}, returncode=2)
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(_("No active user “%(name)s”.") % {"name": user}, returncode=2)
        try:
            rules = Mapping.load(Path(mapping).read_bytes() if mapping else None)
        except (ImportFileError, OSError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        progress = Progress(sys.stderr, enabled=not quiet_progress and options.get("verbosity", 1) > 0)
        report = import_file(path.read_bytes(), file_name=path.name, actor=actor, mapping=rules, dry_run=dry_run,
                             progress=progress)
        for problem in report.problems:
            self.stderr.write(problem.message)
        if report.problems and not report.rows:
            raise CommandError(_("Nothing was imported."), returncode=2)
        if report.problems:
            raise CommandError(
                _("%(problems)d problem(s) in %(rows)d rows: nothing was imported.")
                % {"problems": len(report.problems), "rows": report.rows}, returncode=2)
        if dry_run:
            self.stdout.write(_("%(rows)d rows checked, no problems (dry run: nothing imported, %(s).1f s).")
                              % {"rows": report.rows, "s": report.seconds})
        else:
            self.stdout.write(_("%(n)d matters imported in %(s).1f s (import %(batch)d).")
                              % {"n": report.imported, "s": report.seconds, "batch": report.batch.pk})
