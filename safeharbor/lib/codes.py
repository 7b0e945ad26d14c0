"""Codes people read aloud on the phone: tracking codes and check codes."""

import secrets

# Crockford's base32 without I, L, O, U: nothing to confuse when read over the phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def tracking_code(day) -> str:
    """e.g. 261128-7KQ3MZ: the date it came in, then 6 random characters (one read of the
    system's random source; 32 letters divide 256, so every letter is as likely)."""
    return f"{day:%y%m%d}-" + "".join(ALPHABET[b % 32] for b in secrets.token_bytes(6))


def check_code() -> str:
    """A short numeric code the resident keeps with the tracking code."""
    return f"{secrets.randbelow(10**6):06d}"
