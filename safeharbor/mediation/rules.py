"""Who may do what to a dispute case, in which state: one table for the actions (to refuse)
and the pages and API (to offer only what is allowed)."""

from safeharbor.core import access
from safeharbor.core.models import User

Role = User.Role

# action -> states in which it is possible
STATES = {
    "party": {"registered", "accepted", "mediating"},
    "risk": {"registered", "accepted", "mediating", "agreed"},
    "accept": {"registered"},
    "consent": {"registered", "accepted", "mediating"},
    "decline": {"registered", "accepted"},
    "joint": {"accepted", "mediating"},
    "session": {"accepted", "mediating"},
    "agreement": {"mediating"},
    "failure": {"accepted", "mediating"},
    "escalate": {"accepted", "mediating", "failed"},
    "confirmation": {"agreed", "archived"},
    "visit": {"agreed"},
    "archive": {"agreed", "failed", "declined"},
}

REGISTRARS = {Role.DISPATCHER, Role.MEDIATOR, Role.HARBOR_STAFF}
RISK_ASSESSORS = {Role.DISPATCHER, Role.MEDIATOR}
SUPERVISORS = {Role.DISPATCHER}  # may also escalate a case that is stuck
HANDLER_ACTIONS = set(STATES) - {"party", "risk"}


def can_register(user) -> bool:
    return access.can_write(user) and (access.is_admin(user) or user.role in REGISTRARS)


def sits_on(user, committee) -> bool:
    return committee is not None and committee.members.filter(user=user).exists()


def handles(user, case) -> bool:
    """A mediator assigned to the case or sitting on its committee (any mediator in scope while
    no committee has it)."""
    if user.role != Role.MEDIATOR:
        return False
    if case.committee_id is None:  # not with a committee yet: any mediator who sees it
        return True
    return case.mediators.filter(pk=user.pk).exists() or sits_on(user, case.committee)


def role_allows(user, case, action: str) -> bool:
    if not access.can_write(user):
        return False
    if access.is_admin(user):
        return True
    if action == "party":
        return user.role in REGISTRARS
    if action == "risk":
        return user.role in RISK_ASSESSORS
    if action == "accept":
        return user.role == Role.MEDIATOR  # membership of the chosen committee is checked by the action
    if action == "escalate" and user.role in SUPERVISORS:
        return True
    return handles(user, case)


def allowed_actions(user, case) -> set[str]:
    return {action for action, states in STATES.items()
            if case.status in states and role_allows(user, case, action)}
