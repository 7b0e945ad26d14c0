"""`safeharbor serve`: how many processes and threads it runs unless told."""

import os

import pytest


@pytest.mark.parametrize(("database_url", "cores", "expected"), [
    ("", {0, 1}, (2, 1)),            # SQLite: a sync process per core
    ("", {0}, (2, 1)),               # ... at least two, so that one slow page blocks no one
    ("", set(range(32)), (12, 1)),   # ... and a ceiling: more would only queue for the lock
    ("postgres://db/x", {0, 1}, (2, 4)),
    ("postgres://db/x", set(range(32)), (8, 4)),
])
def test_serve_runs_as_many_processes_as_suit_the_database(monkeypatch, database_url, cores, expected):
    from safeharbor.__main__ import default_workers_threads

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: cores, raising=False)
    assert default_workers_threads() == expected
    monkeypatch.setenv("WEB_WORKERS", "5")
    monkeypatch.setenv("WEB_THREADS", "3")
    assert default_workers_threads() == (5, 3)  # the operator's choice wins
