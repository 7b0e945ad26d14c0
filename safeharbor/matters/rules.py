"""Who may do what to a matter, in which state. One table, used by the actions (to refuse)
and by the pages and API (to offer only what is allowed)."""

from django.utils import timezone

from safeharbor.core import access
from safeharbor.core.models import User
from safeharbor.matters.models import Matter

Role = User.Role
S = Matter.Status

# action -> (roles allowed, states allowed)
DISPATCHERS = {Role.DISPATCHER, Role.ADMIN}
FOLLOW_UP_ROLES = {Role.DISPATCHER, Role.ADMIN, Role.GRID_WORKER, Role.HARBOR_STAFF, Role.PORT_STAFF}
SUPERVISORS = {Role.LEADER, Role.DISPATCHER, Role.ADMIN}

STATES = {
    "dispatch": {S.RECEIVED, S.RETURNED, S.DISPATCHED},
    "accept": {S.DISPATCHED, S.REOPENED},
    "return": {S.DISPATCHED, S.ACCEPTED},  # a reopened matter is not misrouted: the unit handled it
    "assign": {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.REOPENED},
    "note": {S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.REOPENED, S.RESOLVED},
    "request_extension": {S.ACCEPTED, S.IN_PROGRESS},
    "decide_extension": {S.ACCEPTED, S.IN_PROGRESS},
    "resolve": {S.ACCEPTED, S.IN_PROGRESS},
    "follow_up": {S.RESOLVED},
    "close": {S.RESOLVED},
    "merge": {S.RECEIVED, S.RETURNED, S.DISPATCHED},
    "unmerge": {S.MERGED},
    "reject": {S.RECEIVED, S.RETURNED},
    "supervise": {S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.REOPENED, S.RESOLVED},
}


def can_supervise(user) -> bool:
    """Leaders and dispatchers issue supervision orders (督办)."""
    return access.is_admin(user) or user.role in SUPERVISORS


def in_responsible_unit(user, matter: Matter) -> bool:
    return bool(user.unit_id) and user.unit_id == matter.unit_id


def in_co_unit(user, matter: Matter) -> bool:
    return bool(user.unit_id) and matter.co_units.filter(pk=user.unit_id).exists()


def role_allows(user, matter: Matter, action: str) -> bool:
    """The role (and unit membership) part of the rule; scope is checked by access.py."""
    if not access.can_write(user) and action != "supervise":
        return False
    role = Role.ADMIN if access.is_admin(user) else user.role
    handler = role in {Role.UNIT_HANDLER, Role.PORT_STAFF, Role.MEDIATOR, Role.SCHOOL_SAFETY} and (
        in_responsible_unit(user, matter)
    )
    if action in {"dispatch", "merge", "unmerge", "reject", "close", "decide_extension"}:
        return role in DISPATCHERS
    if action in {"accept", "return", "request_extension", "resolve"}:
        return handler or role == Role.ADMIN
    if action == "assign":
        return handler or role in DISPATCHERS
    if action == "note":
        return handler or role in DISPATCHERS or in_co_unit(user, matter) or role == Role.GRID_WORKER
    if action == "follow_up":
        # The unit that did the work does not grade itself.
        return role in FOLLOW_UP_ROLES and not in_responsible_unit(user, matter)
    if action == "supervise":
        return role in SUPERVISORS
    return False


def allowed_actions(user, matter: Matter) -> set[str]:
    """The actions this user may take on this matter now (the matter is already in scope)."""
    allowed = set()
    for action, states in STATES.items():
        if matter.status in states and role_allows(user, matter, action):
            allowed.add(action)
    if "decide_extension" in allowed and not matter.extensions.filter(status="requested").exists():
        allowed.discard("decide_extension")
    if "request_extension" in allowed and matter.extensions.filter(status="requested").exists():
        allowed.discard("request_extension")
    if "return" in allowed and not access.is_admin(user) and (
        matter.return_due_at is None or matter.return_due_at < timezone.now()
    ):
        allowed.discard("return")  # not returnable (meeting decision) or the time to return is over
    return allowed


def supervision_actions(user, order) -> set[str]:
    """What this user may do with a supervision order (already in scope): the supervised
    unit replies while it is open; leaders and dispatchers close it."""
    from safeharbor.matters.models import Supervision

    allowed = set()
    admin = access.is_admin(user)
    if order.status == Supervision.Status.OPEN and access.can_write(user) and (admin or user.unit_id == order.unit_id):
        allowed.add("reply")
    if order.status != Supervision.Status.CLOSED and can_supervise(user):
        allowed.add("close")
    return allowed
