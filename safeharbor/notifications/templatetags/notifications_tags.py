from django import template

from safeharbor.lib.masking import mask_phone
from safeharbor.notifications import kinds, queries

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The bell's count for the user of this request (0 for visitors)."""
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return queries.unread_count(user)


@register.filter
def kind_label(kind: str) -> str:
    return kinds.label_of(kind)


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value)
