"""`manage.py check --deploy` is clean in the production configuration (behind a TLS proxy,
DEBUG off, keys generated in the data directory): no security warning, no schema warning."""

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "safeharbor"


def test_check_deploy_is_clean_behind_tls(tmp_path):
    env = {**os.environ, "SAFEHARBOR_HOME": str(tmp_path), "BEHIND_TLS_PROXY": "1"}
    for name in ("DEBUG", "SECURE_COOKIES", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the last: set for the browser tests
        env.pop(name, None)
    result = subprocess.run([str(BIN), "manage", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_the_proxy_setting_the_check_says_what_is_missing(tmp_path):
    env = {**os.environ, "SAFEHARBOR_HOME": str(tmp_path)}
    for name in ("DEBUG", "SECURE_COOKIES", "DATABASE_URL", "BEHIND_TLS_PROXY", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run([str(BIN), "manage", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "SECURE_SSL_REDIRECT" in result.stderr
