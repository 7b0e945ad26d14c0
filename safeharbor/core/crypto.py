"""Encryption at rest for personal data.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256). Keys come from
FIELD_ENCRYPTION_KEYS (comma-separated; the first encrypts, all decrypt, so keys can be
rotated) or, when that is empty, from a key generated once into the data directory.
A separate blind-index key lets us find a row by an exact value (a caller's phone number)
without storing the value in clear: HMAC-SHA256 of the normalised value.
"""

import functools
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from safeharbor.lib.home import persistent_secret

PREFIX = "enc1:"


@functools.cache
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS) or [
        persistent_secret("FIELD_ENCRYPTION_KEY", "field_encryption.key", lambda: Fernet.generate_key().decode())
    ]
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


@functools.cache
def _index_key() -> bytes:
    return persistent_secret(
        "BLIND_INDEX_KEY", "blind_index.key", lambda: Fernet.generate_key().decode()
    ).encode()


def encryption_keys() -> list[str]:
    """The field-encryption keys in use (first encrypts), for backups of the keys."""
    return list(settings.FIELD_ENCRYPTION_KEYS) or [
        persistent_secret("FIELD_ENCRYPTION_KEY", "field_encryption.key", lambda: Fernet.generate_key().decode())
    ]


def blind_index_key() -> str:
    return _index_key().decode()


def reset_keys_cache() -> None:
    _fernet.cache_clear()
    _index_key.cache_clear()


def encrypt(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    try:
        return _fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:  # wrong key: fail loudly, never show ciphertext as data
        raise ValueError("cannot decrypt a personal-data field: wrong FIELD_ENCRYPTION_KEYS?") from exc


def normalize_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def blind_index(value: str, *, kind: str = "phone") -> str:
    """Deterministic keyed hash of a normalised value, for exact-match lookups."""
    if not value:
        return ""
    normalised = normalize_phone(value) if kind == "phone" else value.strip().upper()
    return hmac.new(_index_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. Only `isnull` lookups make sense on it.

    `mask` names the masker in safeharbor.lib.masking used when the value is displayed.
    """

    def __init__(self, *args, mask: str = "name", **kwargs):
        self.mask = mask
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["mask"] = self.mask
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
