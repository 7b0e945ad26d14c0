"""The texts of resident messages: defaults here, overridden by administrators (SmsTemplate).

A template is Chinese text with named placeholders in braces. Only the placeholders of its
kind are allowed (never a name or a phone number: a message carries the tracking code and
a link, nothing personal), and the longest text it can produce, with the signature, must fit
in one SMS (70 characters).
"""

import string
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

ONE_SMS = 70  # characters of one SMS with Chinese text (UCS-2)
TITLE_CHARS = 12  # a board entry's title is cut to this in a message
UNIT_CHARS = 10
STOP = "回TD退订"


@dataclass(frozen=True)
class Kind:
    label: str
    default: str
    placeholders: tuple[str, ...]


KINDS = {
    "received": Kind(
        _("Received (with the tracking code)"),
        "已受理您的反映，查询码{code}，进度见{track} " + STOP, ("code", "track", "link"),
    ),
    "dispatched": Kind(
        _("Dispatched to a unit"),
        "问题已交{unit}办理，进度：{link}", ("code", "unit", "link"),
    ),
    "resolved": Kind(
        _("Resolved (with the follow-up link)"),
        "您反映的问题已办结，请评价：{link} " + STOP, ("code", "link"),
    ),
    "reopened": Kind(
        _("Reopened"),
        "问题将由{unit}重新办理：{link}", ("code", "unit", "link"),
    ),
    "me_too": Kind(
        _("Progress for “me too” subscribers"),
        "关注的“{title}”{status}：{link}", ("title", "status", "link"),
    ),
}

PLACEHOLDER_LABELS = {
    "code": _("tracking code"),
    "unit": _("handling unit"),
    "link": _("link to the page of the matter"),
    "track": _("link to the tracking page (without the code)"),
    "title": _("title on the public board"),
    "status": _("progress, e.g. “已办结”"),
}

# Status words for "me too" subscribers (what happened to the matter they follow).
PROGRESS_WORDS = {
    "dispatched": "已交相关单位办理",
    "resolved": "已办结",
    "reopened": "已重新办理",
    "closed": "已办理完毕",
}


def track_link(code: str = "") -> str:
    return f"{settings.PUBLIC_BASE_URL}/track/{code}/" if code else f"{settings.PUBLIC_BASE_URL}/track/"


def board_link(pk: int) -> str:
    return f"{settings.PUBLIC_BASE_URL}/board/{pk}/"


def longest_values() -> dict[str, str]:
    """The longest value each placeholder can take (for the length check)."""
    code = "X" * 13
    return {
        "code": code, "unit": "单" * UNIT_CHARS, "link": max(track_link(code), board_link(999999), key=len),
        "track": track_link(),
        "title": "题" * TITLE_CHARS, "status": max(PROGRESS_WORDS.values(), key=len),
    }


def placeholders_in(text: str) -> list[str]:
    try:
        return [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise ValueError(str(_("Unbalanced braces: write placeholders like {code}."))) from exc


def problems(kind: str, text: str) -> list[str]:
    """What is wrong with this template text (empty list: fine)."""
    spec = KINDS[kind]
    if not text.strip():
        return [str(_("Write the text of the message."))]
    try:
        names = placeholders_in(text)
    except ValueError as exc:
        return [str(exc)]
    errors = []
    unknown = sorted({n for n in names if n not in spec.placeholders})
    if unknown:
        errors.append(str(_("Unknown placeholder(s): %(names)s. Allowed: %(allowed)s.") % {
            "names": ", ".join("{" + n + "}" for n in unknown),
            "allowed": ", ".join("{" + n + "}" for n in spec.placeholders),
        }))
        return errors
    longest = len(settings.SMS_SIGNATURE) + len(text.format(**longest_values()))
    if longest > ONE_SMS:
        errors.append(str(_(
            "Too long for one SMS: with the signature and the longest values it has %(n)d characters, "
            "at most %(max)d are allowed."
        ) % {"n": longest, "max": ONE_SMS}))
    return errors


def render(text: str, values: dict) -> str:
    values = dict(values)
    if "unit" in values:
        values["unit"] = values["unit"][:UNIT_CHARS]
    if "title" in values:
        values["title"] = values["title"][:TITLE_CHARS]
    return settings.SMS_SIGNATURE + text.format(**values)
