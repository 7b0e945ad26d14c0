"""Writes of the insights app: the composite-index weights (administrators only)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.actions import record_audit
from safeharbor.core.errors import ActionError
from safeharbor.core.models import AuditLog
from safeharbor.insights.models import RankingWeights


@transaction.atomic
def set_ranking_weights(*, actor, response: float, resolution: float, satisfaction: float) -> RankingWeights:
    """Change the weights of the composite index. Each between 0 and 1, together 1."""
    if not access.is_admin(actor):
        raise ActionError(_("Only an administrator can change the ranking weights."), status_code=403)
    values = {"response": response, "resolution": resolution, "satisfaction": satisfaction}
    for name, value in values.items():
        if value is None or not 0 <= value <= 1:
            raise ActionError(_("Each weight must be between 0 and 1."), extra={"field": name})
    if abs(sum(values.values()) - 1) > 0.001:
        raise ActionError(
            _("The three weights must add up to 1 (now %(total)s).") % {"total": f"{sum(values.values()):g}"},
            extra={"field": "response"},
        )
    row, _created = RankingWeights.objects.select_for_update().get_or_create(pk=1)
    before = str(row)
    for name, value in values.items():
        setattr(row, name, round(value, 4))
    row.updated_at, row.updated_by = timezone.now(), actor
    row.save()
    record_audit(actor=actor, action=AuditLog.Action.CONFIG, target=row, field="weights",
                 reason=f"{before} → {row}")
    return row
