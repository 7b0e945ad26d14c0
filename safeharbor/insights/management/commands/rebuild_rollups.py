"""safeharbor manage rebuild_rollups [--since YYYY-MM-DD]: recompute the figures rollups from
the matters (after a bulk import, a moved area, a changed holiday table, or to repair)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from safeharbor.insights import rollups


class Command(BaseCommand):
    help = "Recompute the figures rollups (dashboards, rankings, report cards) from the matters."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="first day to recompute (YYYY-MM-DD); default: all")

    def handle(self, *args, since=None, verbosity=1, **options):
        try:
            first = date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise CommandError("--since must be a date like 2026-01-31") from exc
        start = time.perf_counter()
        counts = rollups.rebuild(first, stdout=self.stdout if verbosity > 1 else None)
        self.stdout.write(
            f"Rollups rebuilt{f' since {first}' if first else ''}: {counts['matters']} matters, "
            f"{counts['days']} day rows, {counts['months']} month rows, {counts['years']} year rows "
            f"in {time.perf_counter() - start:.1f} s."
        )
