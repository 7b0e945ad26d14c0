"""The SQLite backend queues writers on a lock file instead of SQLite's sleeping retries."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connection

from safeharbor.core.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backend only")


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open their own database files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path):
    return DatabaseWrapper({**connection.settings_dict, "NAME": str(path)})


def test_a_second_writer_waits_for_the_first_and_then_goes_in(tmp_path):
    first = _wrapper(tmp_path / "q.sqlite3")
    first.ensure_connection()
    first.cursor().execute("CREATE TABLE t (x integer)")
    first._start_transaction_under_autocommit()
    first.cursor().execute("INSERT INTO t VALUES (1)")
    entered = []

    def write():
        second = _wrapper(tmp_path / "q.sqlite3")
        second.ensure_connection()
        second._start_transaction_under_autocommit()  # waits here for the lock file
        entered.append(time.monotonic())
        second.cursor().execute("INSERT INTO t VALUES (2)")
        second._commit()
        second.close()

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.3)
    assert not entered, "the second writer went in while the first held the lock"
    committed = time.monotonic()
    first._commit()
    thread.join(5)
    assert entered and entered[0] >= committed
    assert first.cursor().execute("SELECT count(*) FROM t").fetchone()[0] == 2
    first.close()


def _lock_is_free(path) -> bool:
    fd = os.open(str(path) + ".writelock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_write_transaction_holds_the_lock_file_until_commit(tmp_path):
    path = tmp_path / "l.sqlite3"
    db = _wrapper(path)
    db.ensure_connection()
    assert _lock_is_free(path)
    db._start_transaction_under_autocommit()
    assert not _lock_is_free(path)  # other writers queue on it
    db._commit()
    assert _lock_is_free(path)
    db.close()


def test_a_rollback_releases_the_lock(tmp_path):
    first, second = _wrapper(tmp_path / "r.sqlite3"), _wrapper(tmp_path / "r.sqlite3")
    first.ensure_connection()
    first._start_transaction_under_autocommit()
    first._rollback()
    second.ensure_connection()
    second._start_transaction_under_autocommit()  # would block forever if the lock leaked
    second._commit()
    first.close()
    second.close()

