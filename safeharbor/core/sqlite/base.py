"""SQLite with a fair queue for writers.

SQLite lets one writer at a time in. A writer that finds the database locked sleeps in
SQLite's busy handler (1, 2, 5 ... 100 ms steps) and tries again, so under many concurrent
writers some requests wait far longer than the work takes. Here every write transaction
(BEGIN IMMEDIATE, which is how Django opens them with transaction_mode="IMMEDIATE") first
takes an exclusive flock on a lock file next to the database and releases it at commit or
rollback: waiting writers sleep in the kernel and wake the moment the lock is free, across
threads and gunicorn worker processes alike. Readers (WAL) are not affected.

Checkpoints (copying the write-ahead log into the database file, with an fsync) are made
after the lock is released, every CHECKPOINT_EVERY write transactions of the process, in
PASSIVE mode: other writers go on meanwhile. SQLite's own automatic checkpoint runs inside
the committing writer's COMMIT, while every other writer waits (a few ms every ~80 reports);
it stays only as a safety net for very large transactions (wal_autocheckpoint in settings).
"""

import fcntl
import itertools
import os

from django.db.backends.sqlite3 import base

CHECKPOINT_EVERY = 128  # ~1,000 log pages a process (SQLite checkpoints at 1,000 by default)
_write_commits = itertools.count(1)  # this process's, all threads (next() is atomic)


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fd = None  # the lock file, open as long as the connection
    _locked = False

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if not name or name == ":memory:" or name.startswith("file:"):
            return None  # in-memory test databases: one process, nothing to queue
        return name + ".writelock"

    def _acquire_write_lock(self) -> None:
        if self._locked:
            return
        if self._lock_fd is None:
            path = self._lock_path()
            if path is None:
                return
            self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # releases the GIL while it waits
        self._locked = True

    def _release_write_lock(self) -> None:
        if self._locked:
            self._locked = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _close_lock_file(self) -> None:
        self._release_write_lock()
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)

    def _start_transaction_under_autocommit(self):
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        wrote = self._locked
        try:
            super()._commit()
        finally:
            self._release_write_lock()
        if wrote and next(_write_commits) % CHECKPOINT_EVERY == 0:
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy what the log holds into the database file, waiting for no one; if another
        connection is checkpointing, or a reader holds old pages, the next call goes on."""
        try:
            self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except base.Database.Error:
            pass

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._close_lock_file()
