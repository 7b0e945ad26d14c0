"""Codes people read aloud on the phone: tracking codes and check codes."""

import secrets

# Crockford's base32 without I, L, O, U: nothing to confuse when read over the phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def tracking_code(day) -> str:
    """e.g. 261128-7KQ3MZ: the date it came in, then 6 random characters."""
    return f"{day:%y%m%d}-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def check_code() -> str:
    """A short numeric code the resident keeps with the tracking code."""
    return f"{secrets.randbelow(10**6):06d}"
