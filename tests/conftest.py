"""Shared fixtures: a real database per test (a SQLite FILE, so WAL and second connections
behave as in production; or a throw-away PostgreSQL database), a frozen clinic clock, and a
small deterministic demo clinic.

Backends. empty_db and demo_db (and so desk and admin) take the ``backend`` fixture. A
test that uses them runs on both SQLite and PostgreSQL when it is a SERVICE test: a plain
(not async) function whose source, and that of the helpers of its module it calls, drives
no app (no run_test/make_app/Pilot, no pty, ssh or subprocess terminal) and does not reach
into the SQLite file (sqlite3, PRAGMA, file paths, backup/restore/rekey). UI, pty and
snapshot tests stay on SQLite, with their ids unchanged. Marks override the rule:
``sqlite_only``, ``both_backends`` (the 20 terminals, the two terminals: app and
processes on both), ``postgresql_only`` (tests of the server backend itself).
PostgreSQL params are skipped, with the reason, when no server answers at $MOA_TEST_PG
(default postgresql://postgres@127.0.0.1:5432/test); .ci/run starts one. Each PostgreSQL
test gets a database holding exactly its template (empty or demo, built once per xdist
worker): see _Server. Everything a worker made is dropped when it ends.
"""

from __future__ import annotations

import gc
import inspect
import itertools
import os
import re
import shutil
from pathlib import Path

import pytest

from moa_tui.db.audit_key import key_path as audit_key_path
from moa_tui.db.database import db, open_database
from moa_tui.services import clock
from moa_tui.services.demo import DemoSize, build_demo
from moa_tui.services.security import signin_delay
from moa_tui.services.security.staff import create_first_admin, find_staff, load_clinic

# Wednesday 18 November 2026, 10:30 in the clinic: mid-morning, some patients already in.
FROZEN_NOW = "2026-11-18T10:30:00"
ADMIN_PASSWORD = "correct horse battery"
DEMO_PASSWORD = "demo-password-2026"
# No phone messages: the comms tests start from empty inboxes (test_demo_messages.py
# builds the demo's).
SMALL_DEMO = DemoSize(patients=200, days_each_side=3, claims=60, messages=False)


@pytest.fixture(autouse=True)
def _collector_put_back():
    """An app freezes what it has built for the garbage collector (SessionWatch.
    steady_collector): right for one app a process, a leak for a worker that runs a
    thousand. Each test's app is given back to the collector."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.set_zone("America/New_York")
    clock.freeze(FROZEN_NOW)
    yield clock
    clock.freeze(None)


@pytest.fixture(autouse=True)
def sign_in_waits(monkeypatch):
    """The seconds sign-in attempts would have waited (signin_delay), recorded instead of
    slept: a test of five wrong passwords must not take seven seconds."""
    waited: list[float] = []
    monkeypatch.setattr(signin_delay, "sleep", waited.append)
    signin_delay.forget_all()
    yield waited
    signin_delay.forget_all()


PG_ADMIN_URL = os.environ.get("MOA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")
# What in a test's source (or a helper of its module that it calls) means it drives the
# app rather than the services, or that it is about the SQLite file itself.
_DRIVES_APP = re.compile(
    r"run_test|make_app|make_kiosk_app|[Pp]ilot|pty|pexpect|ssh|subprocess|snap_compare"
)
_TOUCHES_FILE = re.compile(
    r"sqlite3|crypto\.|shutil\.|\.absolute\(|\.with_name\(|\.with_suffix\(|\.parent\b"
    r"|\.stat\(|read_bytes|write_bytes|os\.path|PRAGMA|sqlite_master"
    r"|\"backup\"|\"restore\"|\"rekey\"|make_backup|restore_backup"
)


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a service test about the SQLite file itself")
    config.addinivalue_line("markers", "both_backends: an app-driving test run on PostgreSQL too")
    config.addinivalue_line("markers", "postgresql_only: a test of the PostgreSQL backend itself")


def _sources(function, module, seen: set) -> list[str]:
    """The source of *function* and of the functions of *module* it calls, transitively."""
    if function in seen:
        return []
    seen.add(function)
    try:
        found = [inspect.getsource(function)]
    except (OSError, TypeError):
        return []
    for name in getattr(getattr(function, "__code__", None), "co_names", ()):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == module.__name__:
            found += _sources(helper, module, seen)
    return found


def _service_test(function, module) -> bool:
    if inspect.iscoroutinefunction(function):
        return False
    source = "\n".join(_sources(function, module, set()))
    return bool(source) and not _DRIVES_APP.search(source) and not _TOUCHES_FILE.search(source)


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        params = ["sqlite"]
    elif metafunc.definition.get_closest_marker("postgresql_only"):
        params = ["postgresql"]
    elif metafunc.definition.get_closest_marker("both_backends"):
        params = list(BACKENDS)
    else:
        params = list(BACKENDS) if _service_test(metafunc.function, metafunc.module) else ["sqlite"]
    if params != ["sqlite"]:
        # (A test on SQLite only keeps its id: snapshots are named after it.)
        metafunc.parametrize("backend", params, indirect=True)


class _Server:
    """The PostgreSQL server the tests make their databases on (one per worker process).

    A test's database is a throw-away copy of a template (empty, or the demo clinic) built
    once per worker. CREATE DATABASE ... TEMPLATE costs 0.3 s on an idle machine and 2-4 s
    on this busy 2-core one (it copies and fsyncs 11 MB of catalog), so each template is
    built once in a database of its own, its rows are kept in a schema ``snap``, and each
    test gets that database put back to exactly the template (rows, sequences) in one
    transaction (~70 ms), under a URL of its own (``?application_name=...``): what the app
    keeps per database (the audit trail's state, privacy grants, own change versions) is
    kept per test, as it is for a test's own SQLite file. A test that broke the schema
    gets a rebuilt database. Everything this process made is dropped at the end."""

    def __init__(self):
        self.problem = ""
        self.names = itertools.count(1)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"moa_t_{worker}_{os.getpid()}"
        self.built: dict[str, str] = {}  # kind -> database name
        self.restorers: dict[str, tuple] = {}  # database name -> (connection, script)
        self.conn = None
        try:
            import psycopg

            self.conn = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
        except Exception as exc:  # noqa: BLE001 - any failure means: skip, with the reason
            self.problem = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}"

    def url(self, name: str) -> str:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def fresh(self, kind: str) -> str:
        """The URL of a database that holds exactly the *kind* template, for one test."""
        name = self.built.get(kind)
        if name is not None:
            try:
                self._restore(name)
            except Exception:  # noqa: BLE001 - a test broke it: build it again
                self.drop(name)
                name = None
        if name is None:
            name = self._build(kind)
        return f"{self.url(name)}?application_name={self.prefix}_{next(self.names)}"

    def _build(self, kind: str) -> str:
        name = f"{self.prefix}_{kind}"
        self.drop(name)
        self.conn.execute(f"CREATE DATABASE {name}")
        clock.set_zone("America/New_York")
        clock.freeze(FROZEN_NOW)
        try:
            open_database(self.url(name))
            if kind == "demo":
                load_clinic()
                build_demo(SMALL_DEMO)
        finally:
            db.close()
        self._snapshot(name)
        self.built[kind] = name
        return name

    def _snapshot(self, name: str) -> None:
        """Keep the template's rows in schema snap, and the one script (one round trip, on
        a connection kept open) that puts them back."""
        import psycopg

        conn = psycopg.connect(self.url(name), autocommit=True, cursor_factory=psycopg.ClientCursor)
        conn.execute("CREATE SCHEMA snap")
        tables = [
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        # Rows go back in any order: foreign keys are checked by triggers, which a
        # superuser's replica role skips (the rows were consistent when copied). DELETE,
        # not TRUNCATE: TRUNCATE makes new files for every table and index, ten times
        # slower on tables this small.
        # (A connection a test left holding locks: give up after 5 s and rebuild instead.)
        script = [
            "BEGIN",
            "SET LOCAL session_replication_role = replica",
            "SET LOCAL lock_timeout = '5s'",
            "SET LOCAL synchronous_commit = off",  # a test's copy needs no fsync
        ]
        for table in tables:
            conn.execute(f'CREATE TABLE snap."{table}" AS SELECT * FROM public."{table}"')
            script += [
                f'DELETE FROM public."{table}"',
                f'INSERT INTO public."{table}" SELECT * FROM snap."{table}"',
            ]
        for seq, value in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            called = "true" if value is not None else "false"
            script.append(f"SELECT setval('public.\"{seq}\"', {value or 1}, {called})")
        script.append("COMMIT")
        self.restorers[name] = (conn, ";\n".join(script))

    def _restore(self, name: str) -> None:
        conn, script = self.restorers[name]
        try:
            conn.execute(script)  # simple query protocol: the whole script at once
        except Exception:
            conn.close()
            del self.restorers[name]
            raise

    def drop(self, name: str) -> None:
        self.conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        if self.conn is None:
            return
        for conn, _ in self.restorers.values():
            conn.close()
        for (name,) in self.conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (self.prefix + "%",)
        ).fetchall():
            self.drop(name)
        self.conn.close()


@pytest.fixture(scope="session")
def _pg_server():
    server = _Server()
    yield server
    server.close()


@pytest.fixture
def backend(request) -> str:
    """ "sqlite" or "postgresql": which database empty_db and demo_db make (see above)."""
    which = getattr(request, "param", "sqlite")
    if which == "postgresql":
        server = request.getfixturevalue("_pg_server")
        if server.problem:
            pytest.skip(server.problem)
    return which


@pytest.fixture(scope="session")
def _server_data(tmp_path_factory) -> Path:
    """Where PostgreSQL databases' companion files (audit key, anchors) go in the tests:
    never the real per-user data directory."""
    return tmp_path_factory.mktemp("server-data")


def _pg_database(kind: str, request, monkeypatch, tmp_path: Path) -> str:
    """A PostgreSQL database holding the *kind* template, with its own copy of the
    template's audit key and its own anchor log (as a test's SQLite file has beside it),
    so a test that rewrites them touches no other test."""
    monkeypatch.delenv("MOA_AUDIT_KEY_FILE", raising=False)
    monkeypatch.delenv("MOA_ANCHOR_FILE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(request.getfixturevalue("_server_data")))
    url = request.getfixturevalue("_pg_server").fresh(kind)
    key = tmp_path / "server.audit-key"
    shutil.copy(audit_key_path(url), key)
    monkeypatch.setenv("MOA_AUDIT_KEY_FILE", str(key))
    monkeypatch.setenv("MOA_ANCHOR_FILE", str(tmp_path / "server.anchors"))
    return url


@pytest.fixture
def empty_db(backend, tmp_path: Path, request, monkeypatch) -> Path | str:
    """A new, migrated clinic database with no data (a file, or a PostgreSQL URL)."""
    if backend == "postgresql":
        yield open_database(_pg_database("empty", request, monkeypatch, tmp_path))
        db.close()
        return
    template = request.getfixturevalue("_empty_template")
    path = tmp_path / "clinic.db"
    shutil.copy(template, path)
    shutil.copy(audit_key_path(template), audit_key_path(path))
    open_database(path)
    yield path
    db.close()


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory) -> Path:
    """A new clinic file, migrated once per session or worker (every migration costs about
    a second on a new file; a copy, milliseconds)."""
    path = open_database(tmp_path_factory.mktemp("empty") / "clinic.db")
    db.close()
    return path


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    clock.set_zone("America/New_York")
    clock.freeze(FROZEN_NOW)
    path = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
    load_clinic()
    build_demo(SMALL_DEMO)
    db.close()
    # The clock stays frozen: the template is built inside the first test that asks for
    # demo_db (getfixturevalue), whose frozen_clock froze it at the same instant.
    return path


@pytest.fixture
def demo_db(backend, tmp_path: Path, request, monkeypatch) -> Path | str:
    """A fresh copy of the small demo clinic (built once per session or worker) for this
    test: a file, or a PostgreSQL URL."""
    if backend == "postgresql":
        url = open_database(_pg_database("demo", request, monkeypatch, tmp_path))
        load_clinic()
        yield url
        db.close()
        return
    template = request.getfixturevalue("_demo_template")
    path = tmp_path / "demo.db"
    shutil.copy(template, path)
    # The audit key lives beside the database, outside it: a copy needs it too.
    shutil.copy(audit_key_path(template), audit_key_path(path))
    open_database(path)
    load_clinic()
    yield path
    db.close()


@pytest.fixture
def desk(demo_db):
    """The front-desk staff member of the demo clinic."""
    return find_staff("desk")


@pytest.fixture
def empty_books(demo_db):
    """The demo clinic with its books emptied, for tests that read the ledger from nothing
    (the demo's own opening stock and billing post entries)."""
    from moa_tui.db.models import AccountMonth, JournalEntry, JournalLine

    with db.connection_context():
        JournalEntry.update(reverses=None).execute()
        for model in (JournalLine, AccountMonth, JournalEntry):
            model.delete().execute()


@pytest.fixture
def admin(empty_db):
    """The first (admin) user of an empty clinic."""
    load_clinic()
    return create_first_admin(
        {"username": "admin", "full_name": "Ada Admin", "password": ADMIN_PASSWORD}
    )
