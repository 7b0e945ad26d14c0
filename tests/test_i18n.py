"""The Chinese catalog is complete: CI fails on untranslated, fuzzy or stale entries."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import safeharbor

PACKAGE = Path(safeharbor.__file__).parent
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_entry_is_translated_and_not_fuzzy():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_compiled_catalog_matches_the_po_file():
    po = polib.pofile(str(PO))
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
        elif entry.msgctxt:
            assert mo.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert mo.gettext(entry.msgid) == entry.msgstr, f"stale .mo for {entry.msgid!r}: run compilemessages"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (xgettext)")
def test_catalog_has_every_string_of_the_code(tmp_path):
    """makemessages on a copy of the package finds no msgid missing from the catalog."""
    copy = tmp_path / "safeharbor"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "migrations"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy, check=True, capture_output=True, env={"PATH": os.environ["PATH"]},
    )
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO))}
    assert not fresh - known, f"run makemessages and translate: {sorted(m for _c, m in fresh - known)}"
