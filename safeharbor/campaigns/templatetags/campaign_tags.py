from django import template

from safeharbor.campaigns import queries

register = template.Library()


@register.simple_tag
def campaigns_for_matter(user, matter):
    """Running campaigns the user runs in the matter's area (for the matter page's clue form)."""
    if getattr(matter, "clue", None) is not None:
        return []
    return queries.campaigns_for_matter(user, matter)
