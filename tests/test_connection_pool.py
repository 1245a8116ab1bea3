"""SQLite connections kept open between service calls (db/pooling.py, issue 10): reused
by the next call in any worker thread, and never a way to read an old snapshot or
another file."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from moa_tui.db import pooling
from moa_tui.db.database import ClinicDatabase, _sqlite, db, keep_connections, open_database
from moa_tui.db.models import StaffMember
from moa_tui.services.core import reader

pytestmark = pytest.mark.sqlite_only


@reader
def _usernames(staff):
    return sorted(s.username for s in StaffMember.select())


@reader
def _counter(staff, topic):
    row = db.execute_sql("SELECT version FROM change_counter WHERE topic = ?", (topic,))
    found = row.fetchone()
    return found[0] if found else None


@reader
def _main_file(staff):
    return db.execute_sql("PRAGMA database_list").fetchall()[0][2]


def _in_a_worker(call, *args):
    """Run *call* in a thread of its own, as a screen's service call runs."""
    out = []
    worker = threading.Thread(target=lambda: out.append(call(*args)))
    worker.start()
    worker.join(30)
    return out[0]


@pytest.fixture
def made(monkeypatch):
    """The connections opened anew (not taken from the idle ones)."""
    opened = []
    real = ClinicDatabase._new_connection

    def counting(self):
        conn = real(self)
        opened.append(conn)
        return conn

    monkeypatch.setattr(ClinicDatabase, "_new_connection", counting)
    db.close()
    _sqlite.close_idle()
    keep_connections(True)  # as the app does while it runs
    yield opened
    keep_connections(False)
    assert _sqlite._idle == []


def test_without_a_holder_a_closed_connection_is_closed(admin, monkeypatch):
    """A command or a test that opens, works, closes and copies the file keeps nothing
    open (SQLite's last close moves the WAL into the file)."""
    db.close()
    assert _sqlite._holders == 0
    assert _usernames(admin) == ["admin"]
    assert _sqlite._idle == []


async def test_the_app_keeps_connections_while_it_runs_and_none_after(demo_db):
    from moa_tui.cli import make_app

    from .conftest import DEMO_PASSWORD
    from .ui_helpers import settle

    app = make_app(demo_db, "desk")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert _sqlite._holders == 1
        await pilot.press(*DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ScheduleScreen"
        assert _sqlite._idle  # the sign-in's and the schedule's calls gave theirs back
    assert _sqlite._holders == 0
    assert _sqlite._idle == []


def test_each_call_in_a_new_worker_thread_reuses_the_connection_kept_open(admin, made):
    for _ in range(5):
        assert _in_a_worker(_usernames, admin) == ["admin"]
    assert len(made) == 1  # the schema read and the pragmas once, not per call
    assert db.is_closed()  # (in this thread: each call still closes what it opened)


def test_a_cursor_left_half_read_gives_no_old_snapshot_to_the_next_call(admin, made, empty_db):
    """SQLite keeps the read snapshot of a SELECT not read to its end, even across COMMIT;
    the connection goes back only once every cursor it gave out is closed."""
    kept = []

    @reader
    def half_read(staff):
        cursor = db.execute_sql("SELECT id FROM staff_member UNION ALL SELECT id FROM staff_member")
        kept.append(cursor)  # still referenced after the call: a leak
        return cursor.fetchone()[0]

    assert _in_a_worker(half_read, admin) == admin.id
    assert _counter(admin, "pool-test") is None
    other = sqlite3.connect(empty_db, isolation_level=None)  # another terminal
    try:
        other.execute("INSERT INTO change_counter (topic, version) VALUES ('pool-test', 7)")
    finally:
        other.close()
    assert len(made) == 1  # the same connection, kept
    assert _in_a_worker(_counter, admin, "pool-test") == 7
    assert _counter(admin, "pool-test") == 7


def test_a_connection_returned_inside_a_transaction_is_closed_not_kept(admin, made):
    db.connect()
    conn = db.connection()
    db.execute_sql("BEGIN")  # a transaction peewee does not know about
    db.close()
    assert conn not in _sqlite._idle
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")  # closed
    assert _usernames(admin) == ["admin"]
    assert len(made) == 2


def test_opening_another_file_never_hands_out_a_connection_of_the_last(admin, made, tmp_path):
    from moa_tui.services.security.staff import create_first_admin, load_clinic

    from .conftest import ADMIN_PASSWORD

    first = _main_file(admin)
    idle_before = list(_sqlite._idle)
    assert idle_before
    taken, switched, out = threading.Event(), threading.Event(), []

    def worker():  # a call still running in a worker when the other file is opened
        db.connect()
        out.append(db.connection())
        taken.set()
        switched.wait(30)
        db.close()

    thread = threading.Thread(target=worker)
    thread.start()
    taken.wait(30)
    second = open_database(tmp_path / "second.db")
    switched.set()
    thread.join(30)
    assert all(conn not in _sqlite._idle for conn in [*idle_before, *out])
    with pytest.raises(sqlite3.ProgrammingError):
        out[0].execute("SELECT 1")  # came back after the switch: closed, not kept
    load_clinic()
    other = create_first_admin(
        {"username": "admin", "full_name": "Ada Admin", "password": ADMIN_PASSWORD}
    )
    assert _main_file(other) == str(second.resolve()) != first


def test_no_more_than_the_limit_is_kept(admin, made):
    threads_in = threading.Barrier(pooling.IDLE_CONNECTIONS + 2)
    done = []

    def hold():
        db.connect()
        threads_in.wait(30)  # all connected at once
        done.append(db.execute_sql("SELECT 1").fetchone()[0])
        db.close()

    workers = [threading.Thread(target=hold) for _ in range(pooling.IDLE_CONNECTIONS + 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert done == [1] * (pooling.IDLE_CONNECTIONS + 2)
    assert len(made) == pooling.IDLE_CONNECTIONS + 2
    assert len(_sqlite._idle) == pooling.IDLE_CONNECTIONS


def test_each_call_still_reads_the_account_through_a_select_built_once(admin, made):
    """current_staff's SELECT is composed once per backend (0.2-0.4 ms of every call), and
    the row is still read on every call: a deactivation counts at the next one."""
    from moa_tui.services import core

    core._staff_by_id_sql.cache_clear()
    assert _usernames(admin) == ["admin"]
    assert _in_a_worker(_usernames, admin) == ["admin"]
    assert core._staff_by_id_sql.cache_info().misses == 1
    with db.connection_context():
        StaffMember.update(active=False).where(StaffMember.id == admin.id).execute()
    with pytest.raises(core.SessionEnded, match="deactivated"):
        _usernames(admin)
