"""Report-card figures of the records the matter engine keeps besides matters
(commendations, joint meetings): registered like any other module's, as an example of
insights.registry in use."""

from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.insights.registry import Figure


def commendation_figures(user, period, subject) -> list[Figure]:
    lookup = subject.lookup(area_field="area", unit_field="unit", harbor_field=None, domain_field=None)
    if lookup is None:
        return []
    received = access.visible_commendations(user).filter(
        received_on__gte=period.start, received_on__lte=period.end, **lookup
    )
    counts = {kind: 0 for kind in ("banner", "letter", "other")}
    for kind in received.values_list("kind", flat=True):
        counts[kind] += 1
    return [
        Figure("commendations", _("Commendations received"), sum(counts.values())),
        Figure("banners", _("Silk banners"), counts["banner"]),
        Figure("letters", _("Thank-you letters"), counts["letter"]),
    ]


def meeting_figures(user, period, subject) -> list[Figure]:
    lookup = subject.lookup(area_field="area", unit_field="organizer", harbor_field="harbor", domain_field=None)
    if lookup is None:
        return []
    meetings = access.visible_meetings(user).filter(held_at__gte=period.start_at, held_at__lt=period.end_at,
                                                     **lookup)
    return [
        Figure("meetings", _("Joint and dispatch meetings held"), meetings.count()),
    ]
