"""safeharbor duplicates FILE: which earlier reports each report duplicates."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from safeharbor.routing import duplicates


class Command(BaseCommand):
    help = "Read JSON Lines reports {id, text, address, lat, lon, reported_at} in time order (FILE or stdin); " \
           "write {id, duplicate_of: [...]} per report, with the live platform's logic."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSON Lines; stdin when absent")
        parser.add_argument("--window-hours", type=float, default=duplicates.WINDOW_HOURS)

    def handle(self, *args, file=None, window_hours=duplicates.WINDOW_HOURS, **options):
        try:
            source = open(file, encoding="utf-8") if file else sys.stdin  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}", returncode=2) from exc
        topic = duplicates.live_topic()
        try:
            for result in duplicates.stream(source, window_hours=window_hours, topic=topic):
                self.stdout.write(json.dumps(result, ensure_ascii=False))
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        finally:
            if file:
                source.close()
