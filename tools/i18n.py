#!/usr/bin/env python
"""Keep the zh_Hans catalog complete.

    .venv/bin/python tools/i18n.py update          # makemessages (zh_Hans, en) + compilemessages
    .venv/bin/python tools/i18n.py missing         # untranslated/fuzzy msgids as JSON {msgid: ""}
    .venv/bin/python tools/i18n.py apply FILE.json # fill {msgid: translation}, then update

Context-bound entries are keyed "context\\x04msgid" (as gettext does). Every command takes
a lock, so several people can run it at once without losing entries.
"""

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "safeharbor"
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
LOCK = ROOT / ".i18n.lock"
MANAGE = [str(ROOT / ".venv" / "bin" / "safeharbor"), "manage"]
ENV = {**os.environ, "SAFEHARBOR_HOME": os.environ.get("SAFEHARBOR_HOME", "/tmp/safeharbor-i18n")}


def _run(*args):
    subprocess.run([*MANAGE, *args], cwd=PACKAGE, env=ENV, check=True, stdout=subprocess.DEVNULL)


def _key(entry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def update():
    _run("makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete", "--ignore", "migrations/*")
    po = polib.pofile(str(PO))
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.save()
    _run("compilemessages", "-l", "zh_Hans", "-l", "en")


def missing() -> dict:
    po = polib.pofile(str(PO))
    return {_key(e): "" for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)}


def apply(path: str):
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    update()
    po = polib.pofile(str(PO))
    for entry in po:
        value = translations.get(_key(entry))
        if not value:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    _run("compilemessages", "-l", "zh_Hans", "-l", "en")


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if command == "update":
            update()
        elif command == "missing":
            update()
            print(json.dumps(missing(), ensure_ascii=False, indent=1))
        elif command == "apply":
            apply(sys.argv[2])
            left = missing()
            print(f"{len(left)} entries still untranslated", file=sys.stderr)
        else:
            sys.exit(__doc__)


if __name__ == "__main__":
    main()
