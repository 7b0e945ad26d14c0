"""Signed cookies that let a resident (no account, no session) back into what they submitted.

- A *pass*: a small signed value for a short while, e.g. the codes of the report just made,
  for the receipt page.
- The *proven codes*: the tracking codes whose check code this browser proved (by submitting
  or by entering both codes). Each code is signed on its own, with the time it was proven:
  recording one more code signs that code only, and opening a page checks that code only,
  whatever else the cookie holds. The cookie keeps the newest MAX_PROVEN codes.

The codes travel in cookies, never in URLs, so that a shared link opens nothing.
"""

from django.conf import settings
from django.core import signing

MAX_PROVEN = 20
PROVEN_DAYS = 30
_SEPARATOR = "|"  # between the codes' signed entries; a legal cookie character, not in entries
_MAX_ENTRY = 100  # a signed entry is ~50 characters; anything longer was not written here


def _set(response, name: str, value: str, *, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


def set_pass(response, name: str, value, *, max_age: int) -> None:
    _set(response, name, signing.dumps(value, salt=name), max_age=max_age)


def get_pass(request, name: str, default, *, max_age: int = 3600):
    raw = request.COOKIES.get(name)
    try:
        return signing.loads(raw, salt=name, max_age=max_age) if raw else default
    except signing.BadSignature:
        return default


def _entries(request, cookie: str) -> list[str]:
    raw = request.COOKIES.get(cookie, "")
    return [e for e in raw.split(_SEPARATOR) if e and len(e) <= _MAX_ENTRY] if raw else []


def _code_of(entry: str) -> str:
    return entry.split(":", 1)[0]


def is_proven(request, code: str, *, cookie: str) -> bool:
    """Did this browser prove the check code of `code` (within PROVEN_DAYS)?"""
    signer = signing.TimestampSigner(salt=cookie)
    for entry in _entries(request, cookie):
        if _code_of(entry) == code:
            try:
                return signer.unsign(entry, max_age=PROVEN_DAYS * 86400) == code
            except signing.BadSignature:
                return False
    return False


def remember(request, response, code: str, *, cookie: str) -> None:
    """This browser proved the check code of `code`: let it open that code's page. The other
    entries are kept as they are (each is checked when it is used)."""
    entry = signing.TimestampSigner(salt=cookie).sign(code)
    others = [e for e in _entries(request, cookie) if _code_of(e) != code]
    _set(response, cookie, _SEPARATOR.join([entry, *others][:MAX_PROVEN]), max_age=PROVEN_DAYS * 86400)
