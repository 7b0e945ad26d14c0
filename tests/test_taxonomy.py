"""Loading the taxonomy (domains, member units, categories) from a YAML file, and the CLI."""

import re
import shutil
import textwrap

import pytest

from safeharbor.__main__ import main
from safeharbor.core.actions import load_taxonomy
from safeharbor.core.errors import ActionError
from safeharbor.core.models import AuditLog, Category, Domain, Unit
from safeharbor.core.taxonomy import DEFAULT_TAXONOMY


def snapshot() -> dict:
    """Everything a load may touch, to compare before and after."""
    return {
        "domains": list(Domain.objects.order_by("code").values_list("code", "name_zh", "name_en", "sort_order")),
        "units": list(Unit.objects.order_by("code").values_list("code", "name_zh", "kind", "sort_order")),
        "categories": list(
            Category.objects.order_by("code").values_list(
                "code", "name_zh", "domain__code", "default_unit__code", "accept_days", "resolve_days", "sort_order"
            )
        ),
    }


@pytest.fixture
def loaded(db):
    load_taxonomy(DEFAULT_TAXONOMY)
    return snapshot()


def write(tmp_path, text: str):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the shipped default -------------------------------------------------------------------------


def test_default_taxonomy_loads(db):
    created = load_taxonomy(DEFAULT_TAXONOMY)
    assert created == {"domains": 10, "units": 19, "categories": 35}
    assert Domain.objects.count() == 10
    assert Unit.objects.count() == 19
    assert Category.objects.count() == 35

    theft = Category.objects.select_related("domain", "default_unit").get(code="security.theft")
    assert (theft.domain.code, theft.default_unit.code) == ("security", "police")
    assert theft.name_zh == "盗窃、财物被盗"
    # units of the mass organizations are recognised by their code
    assert Unit.objects.get(code="women").kind == Unit.Kind.MASS_ORG
    assert Unit.objects.get(code="community_office").kind == Unit.Kind.COMMUNITY
    assert Unit.objects.get(code="police").kind == Unit.Kind.GOVERNMENT
    # the file's order is the display order
    assert list(Domain.objects.values_list("code", flat=True))[:3] == ["general", "security", "mediation"]


def test_no_path_means_the_default_file(db):
    assert load_taxonomy() == {"domains": 10, "units": 19, "categories": 35}


def test_shipped_file_is_the_documented_one():
    from pathlib import Path

    documented = Path("/work/shared/docs/taxonomy.yaml")
    if not documented.exists():
        pytest.skip("the shared docs are not on this machine")
    assert DEFAULT_TAXONOMY.read_text(encoding="utf-8") == documented.read_text(encoding="utf-8")


def test_loading_twice_changes_nothing(loaded):
    assert load_taxonomy(DEFAULT_TAXONOMY) == {"domains": 0, "units": 0, "categories": 0}
    assert snapshot() == loaded


def test_a_changed_name_is_updated_in_place(loaded, tmp_path):
    theft_pk = Category.objects.get(code="security.theft").pk
    text = DEFAULT_TAXONOMY.read_text(encoding="utf-8")
    assert text.count("zh: 盗窃、财物被盗}") == 1
    assert text.count("zh: 公安分局,") == 1
    text = text.replace("zh: 盗窃、财物被盗}", "zh: 盗窃（入室、扒窃、盗车）}").replace("zh: 公安分局,", "zh: 公安分局（乌达）,")
    path = tmp_path / "changed.yaml"
    path.write_text(text, encoding="utf-8")

    assert load_taxonomy(path) == {"domains": 0, "units": 0, "categories": 0}
    theft = Category.objects.get(code="security.theft")
    assert theft.pk == theft_pk  # the same row: matters that point at it keep pointing at it
    assert theft.name_zh == "盗窃（入室、扒窃、盗车）"
    assert Unit.objects.get(code="police").name_zh == "公安分局（乌达）"
    assert Category.objects.count() == 35


def test_loading_with_an_actor_is_audited(loaded, admin_user):
    load_taxonomy(DEFAULT_TAXONOMY, actor=admin_user)
    entry = AuditLog.objects.get()
    assert (entry.actor, entry.action, entry.target_type) == (admin_user, AuditLog.Action.CONFIG, "taxonomy")
    assert entry.target_repr == str(DEFAULT_TAXONOMY)


# --- broken files ----------------------------------------------------------------------------------
#
# Each file starts with valid NEW rows (domain "newdom", unit "newunit", category "new.ok"), so
# a load that wrote anything before noticing the error would leave them behind.

VALID_START = """\
domains:
  - {code: newdom, zh: 新领域}
  - {code: security, zh: 治安防控（改）}
units:
  - {code: newunit, zh: 新单位}
  - {code: police, zh: 公安分局（改）}
categories:
  - {code: new.ok, domain: newdom, unit: newunit, zh: 新类别}
"""

BROKEN = {
    "unknown domain": (
        VALID_START + "  - {code: new.bad, domain: nowhere, unit: newunit, zh: 坏类别}\n",
        ["categories[2]", "new.bad", "“domain”", "nowhere"],
        {"section": "categories", "index": 2, "code": "new.bad", "field": "domain"},
    ),
    "unknown unit": (
        VALID_START + "  - {code: new.bad, domain: newdom, unit: nobody, zh: 坏类别}\n",
        ["categories[2]", "new.bad", "“unit”", "nobody"],
        {"section": "categories", "index": 2, "code": "new.bad", "field": "unit"},
    ),
    "duplicate code": (
        VALID_START + "  - {code: new.ok, domain: newdom, unit: newunit, zh: 又一个}\n",
        ["categories[2]", "new.ok", "“code”"],
        {"section": "categories", "index": 2, "code": "new.ok", "field": "code"},
    ),
    "missing zh": (
        VALID_START + "  - {code: new.bad, domain: newdom, unit: newunit, en: No Chinese name}\n",
        ["categories[2]", "new.bad", "“zh”"],
        {"section": "categories", "index": 2, "code": "new.bad", "field": "zh"},
    ),
    "resolve_days zero": (
        VALID_START + "  - {code: new.bad, domain: newdom, unit: newunit, zh: 坏类别, resolve_days: 0}\n",
        ["categories[2]", "new.bad", "“resolve_days”"],
        {"section": "categories", "index": 2, "code": "new.bad", "field": "resolve_days"},
    ),
    "resolve_days text": (
        VALID_START + "  - {code: new.bad, domain: newdom, unit: newunit, zh: 坏类别, resolve_days: five}\n",
        ["categories[2]", "new.bad", "“resolve_days”"],
        {"section": "categories", "index": 2, "code": "new.bad", "field": "resolve_days"},
    ),
    "resolve_days too long": (
        VALID_START + "  - {code: new.bad, domain: newdom, unit: newunit, zh: 坏类别, resolve_days: 400}\n",
        ["categories[2]", "new.bad", "“resolve_days”"],
        {"section": "categories", "index": 2, "code": "new.bad", "field": "resolve_days"},
    ),
    "duplicate domain": (
        VALID_START.replace("  - {code: security, zh: 治安防控（改）}", "  - {code: newdom, zh: 重复}"),
        ["domains[2]", "newdom", "“code”"],
        {"section": "domains", "index": 2, "code": "newdom", "field": "code"},
    ),
    "domain code too long for its column": (
        VALID_START.replace("{code: security,", "{code: " + "d" * 45 + ","),
        ["domains[2]", "“code”"],
        {"section": "domains", "index": 2, "field": "code"},
    ),
    "unit of an unknown kind": (
        VALID_START.replace("{code: police, zh: 公安分局（改）}", "{code: police, zh: 公安分局, kind: army}"),
        ["units[2]", "police", "“kind”"],
        {"section": "units", "index": 2, "code": "police", "field": "kind"},
    ),
    "entry that is not a mapping": (
        VALID_START + "  - just a string\n",
        ["categories[2]", "“code”"],
        {"section": "categories", "index": 2, "field": "code"},
    ),
    "code that is not text": (
        VALID_START + "  - {code: [a, b], domain: newdom, unit: newunit, zh: 坏类别}\n",
        ["categories[2]", "“code”"],
        {"section": "categories", "index": 2, "field": "code"},
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_entry_is_named_and_nothing_is_written(loaded, tmp_path, case):
    text, fragments, extra = BROKEN[case]
    path = write(tmp_path, text)
    with pytest.raises(ActionError) as info:
        load_taxonomy(path)
    message = str(info.value.message)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from {message!r}"
    assert extra.items() <= info.value.extra.items()
    assert snapshot() == loaded
    assert not Domain.objects.filter(code="newdom").exists()
    assert not Unit.objects.filter(code="newunit").exists()


def test_the_same_start_without_the_error_does_load(loaded, tmp_path):
    """The control for the cases above: their valid start really would create rows."""
    load_taxonomy(write(tmp_path, VALID_START))
    assert Domain.objects.filter(code="newdom").exists()
    assert Category.objects.get(code="new.ok").default_unit.code == "newunit"
    assert Domain.objects.get(code="security").name_zh == "治安防控（改）"


def test_invalid_yaml_names_the_line(loaded, tmp_path):
    broken = "  - {code: new.bad, domain: newdom, unit: newunit, zh: 坏类别}}\n"  # line 9: one brace too many
    path = write(tmp_path, VALID_START + broken + "  - {code: new.more, domain: newdom, unit: newunit, zh: 又一个}\n")
    with pytest.raises(ActionError) as info:
        load_taxonomy(path)
    message = str(info.value.message)
    assert "YAML" in message
    assert re.search(r"\b9\b", message), message
    assert snapshot() == loaded


@pytest.mark.parametrize("section", ["domains", "units", "categories"])
def test_missing_section_is_named(loaded, tmp_path, section):
    parts = {
        "domains": "domains:\n  - {code: newdom, zh: 新领域}\n",
        "units": "units:\n  - {code: newunit, zh: 新单位}\n",
        "categories": "categories:\n  - {code: new.ok, domain: newdom, unit: newunit, zh: 新类别}\n",
    }
    path = write(tmp_path, "".join(text for name, text in parts.items() if name != section))
    with pytest.raises(ActionError) as info:
        load_taxonomy(path)
    assert f"“{section}”" in str(info.value.message)
    assert snapshot() == loaded


def test_file_that_is_not_a_mapping(loaded, tmp_path):
    with pytest.raises(ActionError):
        load_taxonomy(write(tmp_path, "- just\n- a list\n"))
    assert snapshot() == loaded


def test_missing_file(loaded, tmp_path):
    with pytest.raises(ActionError) as info:
        load_taxonomy(tmp_path / "nowhere.yaml")
    assert "nowhere.yaml" in str(info.value.message)
    assert snapshot() == loaded


# --- the CLI -----------------------------------------------------------------------------------------


def test_cli_loads_a_file(db, tmp_path, capsys):
    path = tmp_path / "taxonomy.yaml"
    shutil.copy(DEFAULT_TAXONOMY, path)
    main(["load-taxonomy", str(path)])
    out = capsys.readouterr().out
    assert "10" in out and "19" in out and "35" in out
    assert Category.objects.count() == 35


def test_cli_reports_a_broken_file_on_stderr_with_exit_code_2(loaded, tmp_path, capsys):
    path = write(tmp_path, BROKEN["unknown unit"][0])
    with pytest.raises(SystemExit) as info:
        main(["load-taxonomy", str(path)])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ")
    assert "categories[2]" in captured.err and "nobody" in captured.err
    assert captured.out == ""
    assert snapshot() == loaded
