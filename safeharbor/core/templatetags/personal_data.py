from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from safeharbor.core.models import masked

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, obj, field_name: str):
    """The masked value with a small form to reveal it in full (reason required, audited)."""
    value = masked(obj, field_name)
    if not value:
        return "—"
    form = render_to_string(
        "core/reveal.html#form",
        {"label": obj._meta.label_lower, "pk": obj.pk, "field": field_name},
        request=context.get("request"),
    )
    return format_html('<span class="masked">{}</span> {}', value, mark_safe(form))
