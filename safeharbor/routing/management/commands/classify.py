"""`safeharbor classify [FILE]`: JSON Lines {"id", "text"} in (stdin when no file), one
JSON line {"id", "category", "unit", "confidence", "alternatives"} out per input line."""

import contextlib
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from safeharbor.routing.queries import classify


class Command(BaseCommand):
    help = 'Suggest categories for JSON Lines of {"id", "text"} with the active classifier.'

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSON Lines file (default: standard input)")

    def handle(self, *args, file=None, **options):
        try:
            source = open(file, encoding="utf-8") if file else contextlib.nullcontext(sys.stdin)  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        bad = 0
        with source as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    text = item.get("text") or ""
                    if not isinstance(text, str):
                        raise TypeError
                except (ValueError, TypeError, AttributeError):
                    # Skipped, said on stderr; the exit status tells a script that some were.
                    self.stderr.write(f'line {number}: expected a JSON object {{"id": ..., "text": "..."}}')
                    bad += 1
                    continue
                self.stdout.write(json.dumps({"id": item.get("id"), **classify(text)}, ensure_ascii=False))
        if bad:
            raise CommandError(f"{bad} line(s) skipped")
