"""SQLite with a fair queue for writers.

SQLite lets one writer at a time in. A writer that finds the database locked sleeps in
SQLite's busy handler (1, 2, 5 ... 100 ms steps) and tries again, so under many concurrent
writers some requests wait far longer than the work takes. Here every write transaction
(BEGIN IMMEDIATE, which is how Django opens them with transaction_mode="IMMEDIATE") first
takes an exclusive flock on a lock file next to the database and releases it at commit or
rollback: waiting writers sleep in the kernel and wake the moment the lock is free, across
threads and gunicorn worker processes alike. Readers (WAL) are not affected.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd = None

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if not name or name == ":memory:" or name.startswith("file:"):
            return None  # in-memory test databases: one process, nothing to queue
        return name + ".writelock"

    def _acquire_write_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._write_lock_fd is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
        except BaseException:
            os.close(fd)
            raise
        self._write_lock_fd = fd

    def _release_write_lock(self) -> None:
        fd, self._write_lock_fd = self._write_lock_fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _start_transaction_under_autocommit(self):
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
