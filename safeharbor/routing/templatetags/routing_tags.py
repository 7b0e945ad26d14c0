from django import template

from safeharbor.routing import queries

register = template.Library()


def _waiting(matter) -> bool:
    from safeharbor.matters.models import Matter

    return not matter.category_id and matter.status == Matter.Status.RECEIVED


def _prefetch_page(context) -> None:
    """Once per rendering: the stored suggestions of the page's matters waiting for
    dispatch, in three queries (and none when no matter on the page waits)."""
    from django.db.models import prefetch_related_objects

    page = context.get("page")
    if page is None or getattr(page, "_routing_prefetched", False):
        return
    page._routing_prefetched = True
    waiting = [m for m in getattr(page, "object_list", []) if _waiting(m)]
    if waiting:
        prefetch_related_objects(waiting, "routing_suggestion__category", "routing_suggestion__unit")


@register.inclusion_tag("routing/suggestion_cell.html", takes_context=True)
def inbox_suggestion(context, matter):
    """The suggestion of a matter waiting for dispatch, with one-click accept, for a user who
    may dispatch it (nothing otherwise)."""
    from safeharbor.matters import rules

    request = context.get("request")
    user = getattr(request, "user", None)
    _prefetch_page(context)
    if user is None or not _waiting(matter) or not rules.role_allows(user, matter, "dispatch"):
        return {"suggestion": None}
    suggestion = queries.suggestion_of(matter)
    if suggestion is None or suggestion.category_id is None or suggestion.unit_id is None:
        return {"suggestion": None}
    return {"suggestion": suggestion, "matter": matter, "request": request,
            "csrf_token": context.get("csrf_token")}


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
