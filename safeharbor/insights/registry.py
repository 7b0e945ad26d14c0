"""The report-card registry: every module contributes its own figures to the 平安成绩单.

A report card is drawn for one *subject* (a harbor, a member unit, an area or a domain) over
one *period*, for one user (whose data scope limits every number). The matters figures are
built in (insights.queries.matter_figures); other modules add a section of their own. The
sections of mediation, services, campus, publicity and campaigns are registered by insights
itself (insights.modules, reading each module through its own queries.py and scope); a new
module can do the same from its own ready():

    # in <app>/apps.py, AppConfig.ready():
    from safeharbor.insights import registry

    registry.register_figures("mediation", _("Disputes mediated"), mediation_figures, order=20)

    # in <app>/queries.py:
    from safeharbor.insights.registry import Figure

    def mediation_figures(user, period, subject) -> list[Figure]:
        cases = access.visible_disputes(user)                 # always through core/access.py
        cases = cases.filter(**subject.lookup(area_field="area", unit_field="unit",
                                              harbor_field="harbor", domain_field="domain"))
        cases = cases.filter(opened_at__gte=period.start_at, opened_at__lt=period.end_at)
        done = cases.filter(status="agreed")
        return [
            Figure("disputes", _("Disputes mediated"), cases.count(), url=...),
            Figure("agreements", _("Agreements performed"), done.count()),
            Figure("agreement_rate", _("Agreement rate"), rate(done.count(), cases.count()), kind="percent"),
        ]

The function receives:

- `user`: the requesting user; scope every queryset with the core/access.py visible_*
  functions (a sub-district leader must see only their sub-district);
- `period`: an insights.periods.Period (`start`, `end` inclusive dates; `start_at`, `end_at`
  aware datetimes, end exclusive; `label`);
- `subject`: an insights.registry.Subject (`kind` in "harbor", "unit", "area", "domain",
  `obj` the model instance, `lookup(...)` builds the filter for your own field names and
  returns None when your records have no such dimension, so return [] then).

It returns a list of Figure; an empty list leaves the module's section out of the card.
A figure's `value` is an int, a float (a rate as a percentage 0-100 with kind "percent",
a number of days with kind "days"), or None (shown as "–", e.g. a rate with nothing to
divide by). Sections appear in `order` on the page, in the PDF and in the Excel file.
A contributing function must be fast (a few aggregate queries): a card is drawn on each
page view. An exception in one module's function is logged and shows that section as
unavailable; it does not break the card.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

SUBJECT_KINDS = ("harbor", "unit", "area", "domain")


@dataclass
class Figure:
    key: str
    label: str
    value: int | float | None
    kind: str = "count"  # count | percent | days | score | text
    url: str = ""  # drill-through to the records behind the number (scoped by that page)
    note: str = ""

    def display(self) -> str:
        from safeharbor.insights.formatting import format_value

        return format_value(self.value, self.kind)


@dataclass
class Subject:
    kind: str  # harbor | unit | area | domain
    obj: object

    @property
    def label(self) -> str:
        from safeharbor.insights.formatting import subject_kind_label

        return f"{subject_kind_label(self.kind)} · {self.name}"

    @property
    def name(self) -> str:
        if self.kind == "area":
            return self.obj.full_name()
        return str(self.obj)

    @property
    def pk(self) -> int:
        return self.obj.pk

    def lookup(self, *, area_field: str | None = "area", unit_field: str | None = "unit",
               harbor_field: str | None = "harbor", domain_field: str | None = "domain") -> dict | None:
        """Filter kwargs for a model with these fields (None: the model has no such field)."""
        if self.kind == "area":
            return {f"{area_field}__path__startswith": self.obj.path} if area_field else None
        name = {"unit": unit_field, "harbor": harbor_field, "domain": domain_field}[self.kind]
        return {f"{name}_id": self.obj.pk} if name else None


@dataclass(frozen=True)
class Contribution:
    key: str
    label: str
    fn: Callable
    order: int = 50


@dataclass
class Section:
    key: str
    label: str
    figures: list[Figure] = field(default_factory=list)
    error: bool = False


REGISTRY: dict[str, Contribution] = {}


def register_figures(key: str, label, fn: Callable, *, order: int = 50) -> None:
    """Add (or replace, by key: safe when ready() runs twice) a module's report-card section."""
    REGISTRY[key] = Contribution(key, label, fn, order)


def unregister_figures(key: str) -> None:
    REGISTRY.pop(key, None)


def contributions() -> list[Contribution]:
    return sorted(REGISTRY.values(), key=lambda c: (c.order, c.key))


def module_sections(user, period, subject: Subject) -> list[Section]:
    """The sections of every registered module, in order; failing ones marked, not raised."""
    sections = []
    for contribution in contributions():
        try:
            figures = list(contribution.fn(user, period, subject) or [])
        except Exception:  # one module's bug must not take the whole card down
            logger.exception("report-card figures of %s failed", contribution.key)
            sections.append(Section(contribution.key, str(contribution.label), [], error=True))
            continue
        if figures:
            sections.append(Section(contribution.key, str(contribution.label), figures))
    return sections
