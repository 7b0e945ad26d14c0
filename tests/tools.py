"""Command-line tools some tests read their output with (poppler's pdftotext, pdffonts)."""

import os
import shutil

import pytest


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
