"""Helpers shared by the tests: Beijing times, command-line tools (poppler), scratch databases."""

import contextlib
import os
import shutil
import subprocess
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """'2026-09-30 10:00' in Beijing time."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def require_commands(*names: str, package: str = "poppler-utils") -> None:
    """Skip the test when a command is missing, or fail where CI requires everything
    (SAFEHARBOR_REQUIRE_BROWSER=1: .ci/run installs the package)."""
    missing = [name for name in names if not shutil.which(name)]
    if not missing:
        return
    message = f"{package} ({', '.join(missing)}) not installed"
    if os.environ.get("SAFEHARBOR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SAFEHARBOR_REQUIRE_BROWSER=1 but {message}")
    pytest.skip(message)


@contextlib.contextmanager
def scratch_postgres_databases(prefix: str, count: int = 1):
    """Empty PostgreSQL databases next to the test database, for installations the tests run
    as subprocesses; yields their URLs and drops them afterwards (also on failure)."""
    from django.db import connection

    settings_dict = connection.settings_dict
    base = f"postgres://{settings_dict.get('USER') or 'postgres'}@{settings_dict.get('HOST') or '127.0.0.1'}:" \
           f"{settings_dict.get('PORT') or 5432}/"
    names = [f"{prefix}_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    psql = ["psql", base + "postgres", "-q", "-c"]
    try:
        for name in names:
            subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
        yield [base + name for name in names]
    finally:
        for name in names:
            subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], capture_output=True)
