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
    # The modules' own kinds.
    "mediation.assigned": _("I was assigned to a mediation case"),
    "mediation.joint": _("My unit was invited to a joint mediation"),
    "mediation.escalated": _("A mediation case was escalated to my committee"),
    "service_application": _("A service application arrived"),
    "duty_swap": _("A swap of duty was requested"),
    "duty_reminder": _("I am on duty tomorrow"),
    "campus.reinspect": _("A hazard near my school is to be re-inspected"),
    "campus.uncovered": _("A guard post is short of people"),
    "campus.follow_up": _("A psychology follow-up is due"),
    "campaign_report": _("A campaign progress report was filed"),
    "campaign_report_missing": _("A campaign progress report is missing"),
    "campaign_bulletin": _("A campaign bulletin was published"),
    "campaign_clue": _("A clue arrived for a campaign"),
}


def register_kind(code: str, label) -> None:
    STAFF_KINDS.setdefault(code, label)


def label_of(kind: str) -> str:
    return str(STAFF_KINDS.get(kind, kind))
