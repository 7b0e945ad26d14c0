"""The data directory (SAFEHARBOR_HOME) and the secrets kept in it.

Secrets that are not given through the environment are generated once, written with
mode 0600 into the data directory and reused on every later start.
"""

import os
import secrets
from pathlib import Path


def home_dir() -> Path:
    path = Path(os.environ.get("SAFEHARBOR_HOME", "var")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def env_str(name: str, default: str = "") -> str:
    """An environment variable, or the content of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def persistent_secret(name: str, filename: str, generate) -> str:
    """Return env var `name` if set, else the secret stored in the data dir (made once)."""
    value = env_str(name)
    if value:
        return value
    path = home_dir() / filename
    if not path.exists():
        # O_EXCL: two processes starting together cannot both write a different secret.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(generate())
    return path.read_text().strip()


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)
