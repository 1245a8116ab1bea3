"""PostgreSQL as a backend (issue 10 item 4): a URL is a database, not a path; every
migration runs on a server; the write lock serialises check-then-write; the change watcher
hears NOTIFY; patient search walks its index. Skipped, with the reason, when no server
answers (tests/conftest.py); .ci/run starts one."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

import pytest

from moa_tui.db import changes
from moa_tui.db.audit_key import key_path
from moa_tui.db.database import (
    DatabaseError,
    companion_base,
    db,
    display_name,
    on_postgresql,
    open_database,
    resolve_path,
    schema_status,
    write_transaction,
)
from moa_tui.db.models import AuditEvent, Patient
from moa_tui.services.patients.patients import search_patients
from moa_tui.services.security.audit import verify_chain


@pytest.fixture
def server(_pg_server):
    if _pg_server.problem:
        pytest.skip(_pg_server.problem)
    return _pg_server


@pytest.fixture
def new_database(server, monkeypatch, tmp_path):
    """An empty database on the server (no tables yet), dropped afterwards."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    name = f"{server.prefix}_new_{next(server.names)}"
    server.conn.execute(f"CREATE DATABASE {name}")
    yield server.url(name)
    db.close()
    server.drop(name)


def test_a_url_stays_a_url_and_its_companions_live_in_the_data_dir(monkeypatch, tmp_path):
    url = "postgresql://clinic@db.example:5433/main"
    assert resolve_path(url) == url
    monkeypatch.setenv("MOA_DB", "postgres://clinic:secret@db.example/main")
    assert resolve_path(None) == "postgresql://clinic:secret@db.example/main"
    assert display_name("postgresql://clinic:secret@db.example/main") == (
        "postgresql://clinic@db.example/main"
    )
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("MOA_AUDIT_KEY_FILE", raising=False)
    base = companion_base(url)
    assert base.parent == tmp_path / "moa-tui" / "servers"
    assert base.name.startswith("db.example-5433-main-")
    assert key_path(url) == base.with_name(base.name + ".audit-key")
    # Another database on the same server has other companions.
    assert companion_base("postgresql://clinic@db.example:5433/other") != base
    # A file's stay beside it.
    assert companion_base(tmp_path / "clinic.db") == tmp_path / "clinic.db"


def test_every_migration_runs_on_postgresql(new_database):
    open_database(new_database)
    assert on_postgresql()
    db.connect()
    applied, pending, unknown = schema_status()
    files = sorted(p.stem for p in Path("moa_tui/db/migrations").glob("0*.py"))
    assert applied == files and not pending and not unknown
    tables = set(db.get_tables())
    assert {"patient", "appointment", "audit_event", "change_counter", "claim"} <= tables
    db.close()
    # Opening again is a no-op, and the clinic's audit key was made outside the database.
    open_database(new_database)
    assert key_path(new_database).exists()


def test_a_missing_database_and_a_key_file_are_refused_with_a_sentence(server, tmp_path):
    missing = server.url(f"{server.prefix}_missing")
    with pytest.raises(DatabaseError, match="Cannot reach the database"):
        open_database(missing)
    from moa_tui.db.database import use_keys

    use_keys(tmp_path / "clinic.key")
    try:
        with pytest.raises(DatabaseError, match="not opened with a key file"):
            open_database(server.url("test"))
    finally:
        use_keys(None)


def test_a_database_that_sorts_by_locale_is_refused(server, monkeypatch, tmp_path):
    name = f"{server.prefix}_icu_{next(server.names)}"
    try:
        server.conn.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
            " LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    except Exception as exc:  # noqa: BLE001 - a server built without ICU
        pytest.skip(f"this server cannot make an ICU database: {exc}")
    try:
        with pytest.raises(DatabaseError, match="code-point order"):
            open_database(server.url(name))
    finally:
        db.close()
        server.drop(name)


@pytest.mark.postgresql_only
def test_writers_take_turns_and_the_audit_chain_has_no_gap(demo_db):
    """Check-then-write on the server: each writer reads the last audit id and writes the
    next one, with a pause between, in eight threads at once (each its own connection).
    Without the write lock two would read the same id."""
    from moa_tui.services.core import audit
    from moa_tui.services.security.staff import find_staff

    desk = find_staff("desk")
    db.close()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with db.connection_context():
                for _ in range(5):
                    with write_transaction():
                        audit(desk, "test.write")
                        time.sleep(0.005)  # widen the window between read and commit
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with db.connection_context():
        before = AuditEvent.select().count()
    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with db.connection_context():
        ids = [e.id for e in AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id)]
        assert ids == list(range(1, before + 41))
        assert verify_chain(desk).ok


@pytest.mark.postgresql_only
def test_the_watcher_hears_another_connection_and_not_its_own(demo_db):
    watcher = changes.ChangeWatcher(demo_db)
    assert isinstance(watcher, changes.NotifyWatcher)
    try:
        assert watcher.changed() == set()
        with db.connection_context(), write_transaction():
            versions = changes.bump({changes.STOCK})
        changes.committed_here(versions)
        assert watcher.changed(wait=0.3) == set()  # our own write
        # Another terminal: a connection of its own, without this process's bookkeeping.
        import psycopg

        with psycopg.connect(demo_db, autocommit=True) as other:
            with other.transaction():
                (version,) = other.execute(
                    "UPDATE change_counter SET version = version + 1 WHERE topic = 'stock' "
                    "RETURNING version"
                ).fetchone()
                # (the new version: the demo's stock services moved it past any fixed number)
                other.execute("SELECT pg_notify(%s, %s)", (changes.CHANNEL, f"stock={version}"))
            # A rolled-back write announces nothing.
            with pytest.raises(RuntimeError), other.transaction():
                other.execute("SELECT pg_notify(%s, %s)", (changes.CHANNEL, "claims=5"))
                raise RuntimeError("rolled back")
        assert watcher.changed(wait=2) == {changes.STOCK}
        assert watcher.changed() == set()
    finally:
        watcher.close()


@pytest.mark.postgresql_only
def test_the_watcher_comes_back_after_losing_its_connection(demo_db):
    watcher = changes.ChangeWatcher(demo_db)
    try:
        # The server ends the watcher's session (as a restart would).
        import psycopg

        with psycopg.connect(demo_db, autocommit=True) as other:
            other.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = current_database()",
                (changes.WATCHER_NAME,),
            )
            other.execute("UPDATE change_counter SET version = version + 1 WHERE topic = 'audit'")
        assert watcher.changed(wait=0.2) == set()  # noticed the loss
        assert watcher.changed() == {changes.AUDIT}  # back, and caught up from the counters
    finally:
        watcher.close()


def _search_sql(desk, term: str) -> tuple[str, tuple]:
    """The SELECT search_patients runs for *term*."""
    seen: list[tuple[str, tuple]] = []

    class Catch(logging.Handler):
        def emit(self, record):
            sql, params = record.msg
            if 'FROM "patient"' in sql:
                seen.append((sql, tuple(params)))

    logger = logging.getLogger("peewee")
    handler, level = Catch(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        search_patients(desk, term)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert seen, "search ran no query on patient"
    return seen[-1]


@pytest.mark.postgresql_only
def test_patient_search_is_an_index_scan_on_postgresql(desk):
    with db.connection_context():
        # A practice's worth of patients, so the planner has a choice to make.
        rows = [
            {
                "mrn": f"G{g}",
                "last_name": f"Name{g}",
                "first_name": "First",
                # 26 x 26 x 8 surnames spread over the alphabet, a few dozen patients each.
                "last_key": chr(97 + g % 26) + chr(97 + g // 26 % 26) + "xyzwvuts"[g // 676 % 8],
                "first_key": f"first{g}",
                "dob": dt.date(1950, 1, 1) + dt.timedelta(days=g % 20000),
            }
            for g in range(1, 30001)
        ]
        with db.atomic():
            for start in range(0, len(rows), 2000):
                Patient.insert_many(rows[start : start + 2000]).execute()
        db.execute_sql("ANALYZE patient")
    # (Digits would make a date-of-birth, phone or MRN search: those are other indexes.)
    for term in ("smi jo", "ka", "kab", "kabx", "kabx first"):
        sql, params = _search_sql(desk, term)
        with db.connection_context():
            plan = "\n".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, params))
        # An index scan (or a bitmap scan) of the name index, never the whole table. (The
        # planner may sort what the range found: it cannot estimate `merged_into + 0`.)
        assert "Index Scan using patient_last_key_first_key_dob" in plan or (
            "Bitmap Index Scan on patient_last_key_first_key_dob" in plan
        ), plan
        assert "Seq Scan" not in plan, plan
    hits = search_patients(desk, "k")
    assert len(hits) == 50 and all(h.name.startswith("Name") for h in hits)


@pytest.mark.sqlite_only
def test_a_clinic_moves_from_its_file_to_a_server_whole(demo_db, new_database, capsys):
    """migrate-to-postgresql: every row, the same audit chain (verified there), sequences
    that go on after the highest id; a second move into the same database is refused."""
    from moa_tui.cli import main
    from moa_tui.db.models import Appointment
    from moa_tui.services.patients.patients import create_patient
    from moa_tui.services.security.staff import find_staff

    with db.connection_context():
        # A merged record refers to a later one: filled in after every row is there.
        Patient.update(merged_into=Patient.id + 1).where(Patient.id == 3).execute()
        expected = {
            "patient": Patient.select().count(),
            "appointment": Appointment.select().count(),
            "audit_event": AuditEvent.select().count(),
        }
        last_event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    db.close()
    assert main(["migrate-to-postgresql", "--from", str(demo_db), "--to", new_database]) == 0
    out = capsys.readouterr().out
    assert "every table has as many rows there as in the file" in out
    assert on_postgresql()
    with db.connection_context():
        assert Patient.select().count() == expected["patient"]
        assert Appointment.select().count() == expected["appointment"]
        assert AuditEvent.select().count() == expected["audit_event"]
        assert Patient.get_by_id(3).merged_into_id == 4
        # The planner has statistics of what was loaded (-1 until a table is analysed),
        # and the visibility map that index-only scans need (0 until it is vacuumed).
        tuples, visible = db.execute_sql(
            "SELECT reltuples, relallvisible FROM pg_class WHERE relname = 'patient'"
        ).fetchone()
        assert tuples == expected["patient"] and visible > 0
        moved = AuditEvent.get_by_id(last_event.id)
        assert (moved.hash, moved.action) == (last_event.hash, last_event.action)
    assert verify_chain().ok
    # New rows get the next ids, and the chain goes on from the moved events.
    desk = find_staff("desk")
    chart = create_patient(
        desk,
        {"last_name": "Moved", "first_name": "Ada", "dob": "01/02/1980", "sex": "F"},
    )
    assert chart.id == expected["patient"] + 1
    assert verify_chain().ok
    assert main(["--db", new_database, "audit", "verify"]) == 0
    # The file is left as it was, and the server database is no longer empty.
    assert main(["migrate-to-postgresql", "--from", str(demo_db), "--to", new_database]) == 2
    assert "is not empty" in capsys.readouterr().err


@pytest.mark.postgresql_only
def test_a_server_clinic_is_backed_up_with_pg_dump_and_restores_as_documented(
    demo_db, server, tmp_path, capsys
):
    import os
    import subprocess

    from moa_tui.cli import main

    dump = tmp_path / "clinic.dump"
    assert main(["--db", demo_db, "backup", str(dump)]) == 0
    out = capsys.readouterr().out
    assert f"{dump}: OK" in out and "anchored" in out.lower()
    assert os.stat(dump).st_mode & 0o777 == 0o600
    # A second backup to the same name is refused; restore and rekey are for files.
    assert main(["--db", demo_db, "backup", str(dump)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["--db", demo_db, "restore", str(dump)]) == 2
    assert "pg_restore" in capsys.readouterr().err
    # The documented restore: pg_restore into a new, empty database.
    name = f"{server.prefix}_restored_{next(server.names)}"
    server.conn.execute(f"CREATE DATABASE {name}")
    try:
        done = subprocess.run(
            ["pg_restore", "--no-owner", "--dbname", server.url(name), str(dump)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        with db.connection_context():
            expected = (Patient.select().count(), AuditEvent.select().count())
        import psycopg

        with psycopg.connect(server.url(name)) as conn:
            got = (
                conn.execute("SELECT COUNT(*) FROM patient").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0],
            )
        assert got == expected
    finally:
        server.drop(name)


@pytest.mark.postgresql_only
def test_an_export_never_overwrites_the_server_databases_audit_key(demo_db):
    from moa_tui.services.errors import ServiceError
    from moa_tui.services.files import check_target

    key = key_path(demo_db)
    assert key.exists()
    with pytest.raises(ServiceError) as refused:
        check_target(key)
    assert "belongs to the clinic's database" in str(refused.value.errors)


@pytest.mark.postgresql_only
def test_a_lost_server_connection_is_a_sentence_and_the_next_call_reconnects(desk, server):
    from moa_tui.services.errors import ServiceError

    db.connect(reuse_if_open=True)
    (pid,) = db.execute_sql("SELECT pg_backend_pid()").fetchone()
    server.conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(ServiceError, match="unreachable; nothing was saved"):
        search_patients(desk, "smi")
    assert db.is_closed()
    assert search_patients(desk, "smi") is not None  # a new connection


@pytest.mark.postgresql_only
def test_kept_connections_are_reused_and_a_dead_one_is_replaced(demo_db, server):
    """While the app runs a service call reuses a kept connection (a new one costs ~3 ms of
    an 8 ms search); one the server has dropped since (a restart) is found before it is
    handed out, and the call gets a new one without an error."""
    from moa_tui.db.database import keep_connections
    from moa_tui.services.security.staff import find_staff

    desk = find_staff("desk")
    keep_connections(True)
    try:
        search_patients(desk, "a")
        (kept,) = db.obj._idle
        pid = kept.info.backend_pid
        search_patients(desk, "b")
        assert db.obj._idle == [kept]
        server.conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert search_patients(desk, "a") == search_patients(desk, "a")
        (fresh,) = db.obj._idle
        assert fresh is not kept and fresh.info.backend_pid != pid
    finally:
        keep_connections(False)
    assert not db.obj._idle
