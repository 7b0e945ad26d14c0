"""Reading and checking a taxonomy file (the format of shared/docs/taxonomy.yaml).

`parse_taxonomy` validates the whole file and raises ActionError naming the entry and
field at fault; `actions.load_taxonomy` then writes it in one transaction.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from safeharbor.core.errors import ActionError
from safeharbor.core.models import Category, Domain, Unit

DEFAULT_TAXONOMY = Path(__file__).parent / "data" / "taxonomy.yaml"

MASS_ORG_CODES = {"red_cross", "women", "youth", "union", "disabled"}
COMMUNITY_CODES = {"community_office"}
CODE_LENGTH = {
    "domains": Domain._meta.get_field("code").max_length,
    "units": Unit._meta.get_field("code").max_length,
    "categories": Category._meta.get_field("code").max_length,
}


@dataclass
class Taxonomy:
    domains: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)


def _fail(section: str, index: int, entry, field_name: str, problem: str):
    code = entry.get("code") if isinstance(entry, dict) else None
    where = f"{section}[{index + 1}]" + (f" ({code})" if code else "")
    raise ActionError(
        _("Taxonomy error in %(where)s, field “%(field)s”: %(problem)s")
        % {"where": where, "field": field_name, "problem": problem},
        extra={"section": section, "index": index + 1, "code": code, "field": field_name},
    )


def _text(section, index, entry, name, *, required=True, max_length=100):
    value = entry.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            _fail(section, index, entry, name, _("this field is required"))
        return ""
    if not isinstance(value, str):
        _fail(section, index, entry, name, _("must be text"))
    if len(value) > max_length:
        _fail(section, index, entry, name, _("longer than %(n)d characters") % {"n": max_length})
    return value.strip()


def _days(section, index, entry, name, default):
    value = entry.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 365:
        _fail(section, index, entry, name, _("must be a whole number of working days between 1 and 365"))
    return value


def parse_taxonomy(text: str) -> Taxonomy:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise ActionError(_("The taxonomy file is not valid YAML (line %(line)s).") % {"line": line}) from exc
    if not isinstance(data, dict):
        raise ActionError(_("The taxonomy file must have the sections domains, units and categories."))
    for section in ("domains", "units", "categories"):
        if not isinstance(data.get(section), list) or not data[section]:
            raise ActionError(_("The taxonomy file has no list “%(section)s”.") % {"section": section})

    result = Taxonomy()
    seen: dict[str, set] = {"domains": set(), "units": set(), "categories": set()}

    def check_entry(section, index, entry):
        if not isinstance(entry, dict):
            _fail(section, index, {}, "code", _("each entry must be a mapping with a code"))
        # As long as the column it goes into (domain codes are shorter), so a file that
        # passes the check can always be written.
        code = _text(section, index, entry, "code", max_length=CODE_LENGTH[section])
        if code in seen[section]:
            _fail(section, index, entry, "code", _("the code “%(code)s” appears twice") % {"code": code})
        seen[section].add(code)
        return code

    for i, entry in enumerate(data["domains"]):
        code = check_entry("domains", i, entry)
        result.domains.append(
            {"code": code, "name_zh": _text("domains", i, entry, "zh"),
             "name_en": _text("domains", i, entry, "en", required=False, max_length=200), "sort_order": i}
        )
    kinds = set(Unit.Kind.values)
    for i, entry in enumerate(data["units"]):
        code = check_entry("units", i, entry)
        default_kind = (
            Unit.Kind.MASS_ORG if code in MASS_ORG_CODES
            else Unit.Kind.COMMUNITY if code in COMMUNITY_CODES else Unit.Kind.GOVERNMENT
        )
        kind = entry.get("kind", default_kind)
        if kind not in kinds:
            _fail("units", i, entry, "kind", _("must be one of %(kinds)s") % {"kinds": ", ".join(sorted(kinds))})
        result.units.append(
            {"code": code, "name_zh": _text("units", i, entry, "zh"),
             "name_en": _text("units", i, entry, "en", required=False, max_length=200), "kind": kind,
             "sort_order": i}
        )
    for i, entry in enumerate(data["categories"]):
        code = check_entry("categories", i, entry)
        domain = _text("categories", i, entry, "domain", max_length=40)
        if domain not in seen["domains"]:
            _fail("categories", i, entry, "domain", _("unknown domain “%(code)s”") % {"code": domain})
        unit = _text("categories", i, entry, "unit", max_length=60)
        if unit not in seen["units"]:
            _fail("categories", i, entry, "unit", _("unknown unit “%(code)s”") % {"code": unit})
        result.categories.append(
            {"code": code, "domain": domain, "unit": unit, "name_zh": _text("categories", i, entry, "zh"),
             "name_en": _text("categories", i, entry, "en", required=False, max_length=200),
             "description": _text("categories", i, entry, "description", required=False, max_length=2000),
             "accept_days": _days("categories", i, entry, "accept_days", 1),
             "resolve_days": _days("categories", i, entry, "resolve_days", 5), "sort_order": i}
        )
    return result
