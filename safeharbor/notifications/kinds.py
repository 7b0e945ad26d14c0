"""The kinds of staff notifications (a code per kind; the label is shown and chosen in the
preferences). Other modules may notify with their own kinds: register them here with
`register_kind` in their AppConfig.ready() so that users can choose them for email."""

from django.utils.translation import gettext_lazy as _

STAFF_KINDS: dict[str, object] = {
    "matter_arrived": _("A matter arrived in my unit's inbox"),
    "matter_returned": _("A matter I dispatched was returned"),
    "deadline_near": _("A deadline is near"),
    "deadline_passed": _("A deadline has passed"),
    "escalated": _("An overdue matter was escalated to my area"),
    "supervision_order": _("A supervision order for my unit"),
    "supervision_reply": _("A reply to a supervision order"),
    "decision_assigned": _("A meeting decision assigned to my unit"),
    "high_risk_dispute": _("A high-risk dispute opened in my scope"),
    "crisis_case": _("A critical crisis case opened in my scope"),
}


def register_kind(code: str, label) -> None:
    STAFF_KINDS.setdefault(code, label)


def label_of(kind: str) -> str:
    return str(STAFF_KINDS.get(kind, kind))
