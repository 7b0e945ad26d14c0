"""`safeharbor classify [FILE]`: JSON Lines {"id", "text"} in (stdin when no file), one
JSON line {"id", "category", "unit", "confidence", "alternatives"} out per input line.
An optional "area" (an area code) lets the administrators' unit rules for that area apply."""

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
        paths: dict[str, str] = {}
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
                answer = classify(text, self._area_path(item.get("area"), paths))
                answer.pop("version", None)
                self.stdout.write(json.dumps({"id": item.get("id"), **answer}, ensure_ascii=False))
        if bad:
            raise CommandError(f"{bad} line(s) skipped")

    @staticmethod
    def _area_path(code, paths: dict[str, str]) -> str:
        if not code or not isinstance(code, str):
            return ""
        if code not in paths:
            from safeharbor.core.models import Area

            paths[code] = Area.objects.filter(code=code).values_list("path", flat=True).first() or ""
        return paths[code]
