from django import template

from safeharbor.core.models import masked as _masked

register = template.Library()


@register.filter
def masked(obj, field_name: str) -> str:
    """The masked display form of an encrypted field: {{ app|masked:"applicant_name" }}."""
    return _masked(obj, field_name) or "—"
