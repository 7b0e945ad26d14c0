"""The rules every response of the sweep keeps, written once for every URL."""

from dataclasses import dataclass

from django.urls import reverse

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Outcome:
    pattern: str
    role: str
    method: str
    path: str
    status: int
    location: str
    probe: object

    def __str__(self) -> str:
        where = f" -> {self.location}" if self.location else ""
        return f"{self.method} {self.path} as {self.role}: {self.status}{where} [{self.probe.describe()}]"


def problems(outcome: Outcome, pattern, *, scope_exempt: bool = False, admin_only: bool = False,
             pass_required: bool = False) -> list[str]:
    """What is wrong with one response (empty when it keeps every rule)."""
    status, probe, role = outcome.status, outcome.probe, outcome.role
    found = []
    if status >= 500:
        found.append("server error")
        return found
    if pass_required and 200 <= status < 300:
        found.append("a resident page keyed by a tracking code answered 2xx without the check-code pass")
    if role == ANONYMOUS and not pattern.is_public:
        if pattern.is_api:
            if status not in (401, 403):
                found.append("the API answered an anonymous visitor (expected 401/403)")
        elif not (status in (301, 302) and outcome.location.startswith(reverse("login"))):
            found.append("a staff page did not send the anonymous visitor to the login page")
        return found
    if probe.denials and status != 404:
        found.append("the access layer answered 404 (out of scope) but the response was not 404")
    succeeded = 200 <= status < 300 or (status in (301, 302, 303) and not outcome.location.startswith(
        reverse("login")))
    if succeeded and pattern.object_params and not pattern.is_public and not scope_exempt and not probe.resolved:
        found.append("answered without looking its object up through the access layer (visible_*)")
    if admin_only and role not in ("admin", ANONYMOUS) and 200 <= status < 300:
        found.append("an administrators-only page answered 200 to another role")
    return found


def cross_problems(outcome: Outcome) -> list[str]:
    """A URL that pairs an object with a parent it does not belong to must not answer 2xx."""
    if outcome.status >= 500:
        return ["server error"]
    if 200 <= outcome.status < 300:
        return ["answered 2xx for an object paired with a parent it does not belong to"]
    return []
