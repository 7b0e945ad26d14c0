"""`safeharbor backup` / `safeharbor restore`: a round trip brings back the matters, the
uploaded files and the encrypted personal data, and refuses what would lose data.

Each installation runs in its own subprocess with its own SAFEHARBOR_HOME (and database),
the way an operator runs the commands."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import scratch_postgres_databases

BIN = Path(sys.executable).parent / "safeharbor"

SEED = """
from django.core.files.base import ContentFile
from safeharbor.core.demo import load_demo
from safeharbor.matters.models import Attachment
from safeharbor.intake.actions import submit_report
load_demo()
matter, check = submit_report(description="楼道里的灯坏了三天", phone="13912345678", address="永昌佳苑3号楼")
attachment = Attachment(matter=matter, name="photo.jpg", content_type="image/jpeg")
attachment.file.save("photo.jpg", ContentFile(b"not really a jpeg"), save=True)
print(matter.tracking_code)
"""

PROBE = """
import json
from safeharbor.matters.models import Attachment, Matter
matter = Matter.objects.get(tracking_code="{code}")
print(json.dumps({{"phone": matter.reporter_phone, "matters": Matter.objects.count(),
                  "file": Attachment.objects.get(matter=matter).file.read().decode()}}))
"""


def run(home: Path, *args, db_url: str | None = None, check=True) -> subprocess.CompletedProcess:
    env = {**os.environ, "SAFEHARBOR_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if db_url:
        env["DATABASE_URL"] = db_url
    result = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=300)
    if check and result.returncode:
        raise AssertionError(f"safeharbor {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def round_trip(tmp_path: Path, source_db: str | None = None, target_db: str | None = None):
    source, target = tmp_path / "source", tmp_path / "target"
    archive, keys = tmp_path / "backup.tar.gz", tmp_path / "keys.json"
    run(source, "migrate", db_url=source_db)
    code = run(source, "manage", "shell", "-c", SEED, db_url=source_db).stdout.strip().splitlines()[-1]

    out = run(source, "backup", str(archive), "--keys", str(keys), db_url=source_db).stdout
    assert "Backup written" in out and "Keep that file apart" in out
    assert oct(keys.stat().st_mode & 0o777) == "0o600"
    # The archive never holds the keys.
    import tarfile

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        blob = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert "manifest.json" in names and any(n.startswith("media/") for n in names)
    for name, secret in json.loads(keys.read_text()).items():
        if name == "fingerprint":
            continue
        assert secret.encode() not in blob

    run(target, "migrate", db_url=target_db)
    refused = run(target, "restore", str(archive), db_url=target_db, check=False)
    assert refused.returncode == 1 and "keys" in refused.stderr  # other keys: refuses, changes nothing

    out = run(target, "restore", str(archive), "--keys", str(keys), db_url=target_db).stdout
    assert "Restored the backup" in out
    probe = json.loads(run(target, "manage", "shell", "-c", PROBE.format(code=code),
                           db_url=target_db).stdout.strip().splitlines()[-1])
    assert probe["phone"] == "13912345678"  # decrypted with the restored keys
    assert probe["file"] == "not really a jpeg"
    assert probe["matters"] == 1

    again = run(target, "restore", str(archive), db_url=target_db, check=False)
    assert again.returncode == 1 and "--force" in again.stderr
    run(target, "restore", str(archive), "--force", db_url=target_db)


def test_sqlite_round_trip(tmp_path):
    round_trip(tmp_path)


@pytest.mark.postgres
def test_postgres_round_trip(tmp_path):
    with scratch_postgres_databases("safeharbor_bk", 2) as (source, target):
        round_trip(tmp_path, source, target)
