"""Masking of personal data for display: enough to recognise, not enough to use."""

import re


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678; short numbers keep only their last two digits."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):  # +86: mask the number, not the country code
        digits = digits[2:]
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 7:
        return f"{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def mask_id_number(value: str | None) -> str:
    """A resident ID (18 characters) keeps region prefix and last 4: 150304********1234."""
    if not value:
        return ""
    value = value.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(value: str | None) -> str:
    """王秀英 -> 王**; a single character stays masked completely."""
    if not value:
        return ""
    value = value.strip()
    if len(value) == 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str | None) -> str:
    """Keep the road or compound, hide the building/unit/room numbers."""
    if not value:
        return ""
    masked = re.sub(r"\d+", "**", value)
    if len(masked) > 12:
        masked = masked[:12] + "…"
    return masked


MASKERS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "name": mask_name,
    "address": mask_address,
}
