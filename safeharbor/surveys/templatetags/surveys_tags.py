from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """mapping[key] or an empty list/string (for the form's earlier answers and errors)."""
    if not mapping:
        return ""
    return mapping.get(str(key), "")


@register.simple_tag
def answer_name(question, row=None) -> str:
    return f"a_{question.key}" if row is None else f"a_{question.key}_{row}"


@register.filter
def picked(values, value) -> bool:
    return str(value) in (values or [])
