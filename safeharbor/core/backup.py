"""`safeharbor backup` and `safeharbor restore`.

A backup is one .tar.gz with:
- the database: SQLite through SQLite's online backup API (consistent while the platform
  runs), or a PostgreSQL custom-format dump (`pg_dump -Fc`, consistent by MVCC);
- the uploaded files (MEDIA_ROOT: photos, minutes, attachments);
- manifest.json: when, which engine, the applied migrations, row counts of the main tables
  and a fingerprint of the encryption keys (never the keys).

The keys (SECRET_KEY, the field-encryption keys, the blind-index key) are deliberately NOT in
the archive: whoever holds the archive would otherwise hold every resident's phone and ID
number in clear. `--keys FILE` writes them to a separate file (mode 0600) to be kept apart
(another medium, another custodian). Without the keys the encrypted fields of a restored
database cannot be read; restore refuses when the installation's keys do not match the
backup's fingerprint, unless given the keys file.

Restore replaces the installation's database and uploaded files with the archive's, then
applies migrations, so a backup of an older release comes up on the current one.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
# keys-file entry -> (environment variable that overrides the file, file in the data directory)
KEY_FILES = {"SECRET_KEY": ("SECRET_KEY", "secret_key"),
             "FIELD_ENCRYPTION_KEYS": ("FIELD_ENCRYPTION_KEYS", "field_encryption.key"),
             "BLIND_INDEX_KEY": ("BLIND_INDEX_KEY", "blind_index.key")}


class BackupError(Exception):
    pass


def _keys() -> dict[str, str]:
    from safeharbor.core import crypto

    return {
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(crypto.encryption_keys()),
        "BLIND_INDEX_KEY": crypto.blind_index_key(),
    }


def key_fingerprint(keys: dict[str, str] | None = None) -> str:
    keys = keys or _keys()
    material = "\n".join(f"{name}={keys[name]}" for name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"))
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _counts() -> dict[str, int]:
    from safeharbor.core.models import AuditLog, User
    from safeharbor.matters.models import Matter, MatterEvent

    return {"matters": Matter.objects.count(), "matter_events": MatterEvent.objects.count(),
            "users": User.objects.count(), "audit_log": AuditLog.objects.count()}


def _migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _dump_database(dest: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        target = dest / "db.sqlite3"
        source = sqlite3.connect(str(db["NAME"]))
        try:
            copy = sqlite3.connect(str(target))
            with copy:
                source.backup(copy)  # page-by-page, consistent even while others write
            copy.close()
        finally:
            source.close()
        return target.name
    if connection.vendor == "postgresql":
        target = dest / "db.dump"
        args, env = _pg_env(db)
        result = subprocess.run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(target), db["NAME"]],
                                env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target.name
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def backup(archive: Path, keys_file: Path | None = None) -> dict:
    """Write the archive; returns its manifest."""
    archive = Path(archive)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db_name = _dump_database(tmp)
        manifest = {
            "format": FORMAT, "created_at": timezone.now().isoformat(), "engine": connection.vendor,
            "database": db_name, "migrations": _migrations(), "counts": _counts(),
            "key_fingerprint": key_fingerprint(), "media_files": 0,
        }
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / db_name, arcname=db_name)
            if media.exists():
                for path in sorted(media.rglob("*")):
                    if path.is_file():
                        tar.add(path, arcname=f"media/{path.relative_to(media)}")
                        manifest["media_files"] += 1
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, archive)  # never a half-written archive under the final name
    if keys_file is not None:
        write_keys(Path(keys_file))
    return manifest


def write_keys(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({**_keys(), "fingerprint": key_fingerprint()}, fh, indent=2)


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("the archive has no manifest.json: not a Safe Harbor backup")
        return json.load(member)


def _install_keys(keys_file: Path) -> None:
    """Put the keys into the data directory (where settings read them at the next start)."""
    from safeharbor.core import crypto

    keys = json.loads(Path(keys_file).read_text())
    for name, (env_name, filename) in KEY_FILES.items():
        if os.environ.get(env_name) or os.environ.get(f"{env_name}_FILE"):
            if os.environ.get(env_name) != keys[name]:
                raise BackupError(f"{env_name} is set in the environment: set it to the keys file's value")
            continue
        if "," in keys[name]:
            raise BackupError(f"{name} holds several keys: set {env_name}={keys[name]} in the environment")
        path = Path(settings.HOME) / filename
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(keys[name])
    crypto.reset_keys_cache()


def restore(archive: Path, keys_file: Path | None = None, force: bool = False) -> dict:
    """Replace this installation's database and files with the archive's. Returns the manifest."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the backup is of a {manifest['engine']} database; this installation uses "
                          f"{connection.vendor} (restore it into a {manifest['engine']} installation)")
    if keys_file is not None:
        keys = json.loads(Path(keys_file).read_text())
        if key_fingerprint(keys) != manifest["key_fingerprint"]:
            raise BackupError("the keys file does not belong to this backup (fingerprints differ)")
    elif key_fingerprint() != manifest["key_fingerprint"]:
        raise BackupError("this installation's encryption keys differ from the backup's: give the backup's "
                          "keys file with --keys, or the encrypted fields could not be read")
    if not force and _has_data():
        raise BackupError("this installation already holds matters; add --force to replace everything")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        _load_database(tmp / manifest["database"])
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        if (tmp / "media").exists():
            shutil.copytree(tmp / "media", media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    if keys_file is not None:
        _install_keys(Path(keys_file))
    return manifest


def _has_data() -> bool:
    from django.db.utils import DatabaseError

    from safeharbor.matters.models import Matter

    try:
        return Matter.objects.exists()
    except DatabaseError:
        return False


def _load_database(dump: Path) -> None:
    db = connection.settings_dict
    connections.close_all()
    if connection.vendor == "sqlite":
        name = Path(db["NAME"])
        source = sqlite3.connect(str(dump))
        try:
            target = sqlite3.connect(str(name))
            with target:
                source.backup(target)  # overwrites every page, under SQLite's own locking
            target.close()
        finally:
            source.close()
        return
    args, env = _pg_env(db)
    drop = ["psql", *args, "-d", db["NAME"], "-v", "ON_ERROR_STOP=1", "-q", "-c",
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"]
    result = subprocess.run(drop, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"could not empty the database: {result.stderr.strip()}")
    result = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *args, "-d", db["NAME"], str(dump)],
                            env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
