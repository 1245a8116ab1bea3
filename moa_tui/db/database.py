"""The one database handle, how it is opened, and the backend-specific helpers.

``db`` is a peewee DatabaseProxy the models are bound to once; open_database points it at
either a SQLite file (the default) or a PostgreSQL server (``postgresql://user@host/name``
as --db or $MOA_DB). Everything that differs between the two (pragmas, BEGIN IMMEDIATE vs
an advisory write lock, read snapshots, replicas) sits behind the small functions here, so
the services never ask which one they run on. Beside it: locations.py (a path or a URL, and
where the companion files live), keys.py (the key of an encrypted file) and failures.py
(what a database error means for the desk).

A SQLite file may be encrypted (SQLCipher); the models do not know: the SQLite handle makes
every connection through ``crypto.connect`` with the key the file was opened with. A
PostgreSQL server encrypts its own disk (docs/deployment.md); keys do not apply to it.
"""

from __future__ import annotations

import os
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.migrations import Runner

from . import crypto
from .crypto import DatabaseError, Key
from .failures import READ_ONLY_APP, READ_ONLY_MESSAGE, busy, read_only, unreachable  # noqa: F401
from .keys import (  # noqa: F401 - where callers have always found them
    encrypted_message,
    is_key_failure,
    key_file_in_use,
    key_for,
    use_cli_keys,
    use_keys,
    wrong_key_message,
)
from .locations import (  # noqa: F401
    URL_SCHEMES,
    companion_base,
    default_path,
    display_name,
    is_url,
    normal_url,
    resolve_path,
)
from .pooling import IdleConnections
from .postgres import postgres_class

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Medical records: a committed write must survive power loss (synchronous=full), many
# terminals share one file (WAL, a busy timeout long enough to wait out a writer).
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "full",
}


class ClinicDatabase(IdleConnections, SqliteDatabase):
    """peewee's SqliteDatabase that speaks SQLCipher when the file has a key, and keeps
    a few connections open between service calls (pooling.py: why none reads stale).

    One handle for plain and encrypted files alike, so the models bind to it once.
    """

    key: Key | None = None

    def init(self, database, key: Key | None = None, **kwargs):
        self._pool_reset()  # another file or key: no connection of the last one is reused
        # Not in connect_params: those survive a later init() without a key.
        self.key = key
        super().init(database, **kwargs)

    def _new_connection(self):
        conn = crypto.connect(
            self.database,
            self.key,
            timeout=self._timeout,
            isolation_level=None,
            check_same_thread=False,  # a kept connection serves the next worker thread
            **self.connect_params,
        )
        try:
            self._add_conn_hooks(conn)
        except Exception:
            conn.close()
            raise
        return conn


class ClinicProxy(DatabaseProxy):
    """The models' handle. Setting an attribute sets it on the database behind it (a
    test's monkeypatch of ``db.execute_sql`` spies on the real thing)."""

    __slots__ = ()

    def __setattr__(self, name, value):
        if name in DatabaseProxy.__slots__:
            return object.__setattr__(self, name, value)
        return setattr(self.obj, name, value)

    def __delattr__(self, name):
        return delattr(self.obj, name)


# Every model is bound to this proxy; open_database initialises it with one of the two.
db = ClinicProxy()
_sqlite = ClinicDatabase(None)
_postgres = None  # the PostgreSQL database, made when a URL is first opened
db.initialize(_sqlite)


def keep_connections(keep: bool) -> None:
    """While the app runs, keep a few connections open between service calls
    (pooling.py); ``False`` when it ends."""
    _sqlite.hold_connections(keep)
    if _postgres is not None:
        _postgres.hold_connections(keep)


def on_postgresql() -> bool:
    """Whether the models are bound to a PostgreSQL server now."""
    return _postgres is not None and db.obj is _postgres


_CONFIGURED = object()


def create_private_file(path: str | os.PathLike) -> None:
    """Create an empty file readable by its owner only, if there is none.

    Protected health information: database, backup and key files are 0600 from the first
    byte (SQLite gives its -wal and -shm files the database file's mode).
    """
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def open_database(
    path: str | os.PathLike, *, migrate: bool = True, key: Key | None | object = _CONFIGURED
) -> Path | str:
    """Bind the models to the SQLite file at *path* (or the PostgreSQL database a
    ``postgresql://`` URL names), creating and migrating it as needed.

    *key* opens (or creates) an encrypted file; by default it comes from use_keys().
    A new file is created encrypted when there is a key. Refuses a database whose
    schema is newer than this program, an encrypted file without its key or with a
    wrong one, and a key for a plain file (which would look encrypted and is not).
    """
    global read_only_copy
    read_only_copy = False
    if is_url(path):
        return _open_postgresql(normal_url(str(path)), migrate=migrate)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    creating = crypto.is_new(path)
    if key is _CONFIGURED:
        key = key_for(path, creating=creating)
    if key is None and not creating and crypto.looks_encrypted(path):
        raise DatabaseError(encrypted_message(path))
    if key is not None and crypto.is_plain(path):
        raise DatabaseError(
            f"{path} is not encrypted, but a key was given. To encrypt it, run "
            f"`moa-tui --db {path} rekey --new-key-file KEYFILE` without --key-file."
        )
    if not path.exists():
        create_private_file(path)
    if not db.is_closed():
        db.close()
    _sqlite.init(str(path), key=key, pragmas=PRAGMAS)
    db.initialize(_sqlite)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # noqa: BLE001 - turned into a message for the user
        if key is not None and is_key_failure(exc):
            raise DatabaseError(wrong_key_message(path, key)) from exc
        raise DatabaseError(f"Cannot open database {path}: {exc}") from exc
    try:
        check_schema()
        if migrate:
            _runner().up()
    except (PeeweeDatabaseError, *crypto.driver_errors()) as exc:
        if key is not None and is_key_failure(exc):
            raise DatabaseError(wrong_key_message(path, key)) from exc
        raise DatabaseError(f"{path} is not a moa-tui database: {exc}") from exc
    finally:
        db.close()
    if migrate:
        # The audit key lives outside the file: loaded (or made, for a new clinic) once
        # here; a missing or wrong one refuses audit writes later, with a sentence.
        from .audit_trail import open_trail

        open_trail(path)
    return path


def _open_postgresql(url: str, *, migrate: bool) -> str:
    """Bind the models to the PostgreSQL database at *url* (which must exist: a server's
    databases are made by its administrator), migrating it as needed."""
    if key_file_in_use() is not None:
        raise DatabaseError(
            "A PostgreSQL database is not opened with a key file: the server encrypts its "
            "own disk (docs/deployment.md). Leave out --key-file / MOA_KEY_FILE."
        )
    if not db.is_closed():
        db.close()
    global _postgres
    if _postgres is None:
        _postgres = postgres_class()(None)
    _postgres.init(url)
    db.initialize(_postgres)
    name = display_name(url)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # noqa: BLE001 - turned into a message for the user
        raise DatabaseError(f"Cannot reach the database {name}: {_first_line(exc)}") from exc
    try:
        check_collation(name)
        check_schema()
        global read_only_copy
        read_only_copy = _is_replica()
        if migrate and read_only_copy:
            # A streaming replica takes no writes: it is read as it is, for reports, and
            # only when the primary has every migration this program knows.
            if schema_status()[1]:
                raise DatabaseError(
                    f"{name} is a read-only replica whose schema is older than this "
                    "moa-tui: upgrade the primary first (docs/network.md)."
                )
        elif migrate:
            _runner().up()
    except PeeweeDatabaseError as exc:
        raise DatabaseError(f"{name} is not a moa-tui database: {_first_line(exc)}") from exc
    finally:
        db.close()
    if migrate:
        from .audit_trail import open_trail

        open_trail(url)
    return url


# Whether the database opened last is a read-only copy (a PostgreSQL streaming replica).
read_only_copy = False


def _is_replica() -> bool:
    """Whether the PostgreSQL server is a standby (a streaming replica): read-only."""
    return bool(db.execute_sql("SELECT pg_is_in_recovery()").fetchone()[0])


# Text compares and sorts by code point on SQLite; a PostgreSQL database must do the same
# (C collation): then a name prefix is an index range on (last_key, first_key, dob) as it
# is on SQLite, lists sort the same on both, and no text_pattern_ops index is needed.
BYTEWISE_COLLATIONS = {"C", "POSIX", "C.UTF-8", "C.utf8"}


def check_collation(name: str) -> None:
    # (datlocprovider, PostgreSQL 15+: "i" for an ICU database, whose datcollate is unused)
    collation, provider = db.execute_sql(
        "SELECT datcollate, to_jsonb(d) ->> 'datlocprovider' FROM pg_database AS d "
        "WHERE datname = current_database()"
    ).fetchone()
    if provider == "i":
        collation = "ICU"
    if collation not in BYTEWISE_COLLATIONS:
        raise DatabaseError(
            f"{name} sorts text by the {collation} locale; moa-tui needs code-point order. "
            "Create the database with: CREATE DATABASE name TEMPLATE template0 "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' (docs/deployment.md)."
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _runner() -> Runner:
    # The Runner gets the real database (its migrator is chosen by the database's class).
    return Runner(db.obj, str(MIGRATIONS_DIR))


def schema_status() -> tuple[list[str], list[str], list[str]]:
    """(applied, pending, unknown) migration names for the open database."""
    runner = _runner()
    applied, pending, unknown = [], [], []
    for m in runner.status():
        if m.path is None:
            unknown.append(m.name)
        elif m.applied:
            applied.append(m.name)
        else:
            pending.append(m.name)
    return applied, pending, unknown


def check_schema() -> None:
    _, _, unknown = schema_status()
    if unknown:
        raise DatabaseError(
            "This database was written by a newer moa-tui (schema "
            f"{', '.join(sorted(unknown))}). Upgrade moa-tui before opening it."
        )


# PostgreSQL: every write transaction first takes this one transaction-scoped advisory lock,
# which is what BEGIN IMMEDIATE is on SQLite: one writer at a time, readers never wait.
# Chosen over SERIALIZABLE-with-retry because the audit chain's next id and hash (1..N,
# no gaps), a free slot and a stock count are all check-then-write: under the lock each
# statement (READ COMMITTED) sees every write committed before it, nothing is retried, no
# service runs twice, and a clinic's writes are short. lock_timeout stands for SQLite's
# busy_timeout: a writer waits that long, then "The database is busy; please try again."
WRITE_LOCK_KEY = 0x6D6F61  # "moa"
LOCK_TIMEOUT = "10s"


class _PostgresWrite:
    """db.atomic() that takes the clinic's write lock as it begins (see WRITE_LOCK_KEY)."""

    def __enter__(self):
        self._atomic = db.atomic()
        txn = self._atomic.__enter__()
        try:
            hold_write_lock()
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return txn

    def __exit__(self, exc_type, exc, tb):
        return self._atomic.__exit__(exc_type, exc, tb)


def hold_write_lock() -> None:
    """Inside a transaction: on PostgreSQL, take the write lock now (again is harmless);
    on SQLite nothing (BEGIN IMMEDIATE took it)."""
    if on_postgresql():
        db.execute_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))


def write_transaction():
    """A transaction that takes the write lock at BEGIN.

    Check-then-write (a free slot, a stock count) must not interleave with another
    terminal's write: SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory write lock (taken
    again, harmlessly, by a nested call).
    """
    if on_postgresql():
        return _PostgresWrite()
    if db.transaction_depth() == 0:
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()


def read_transaction():
    """A read-only job's one consistent snapshot: SQLite's deferred transaction reads one
    snapshot; PostgreSQL's READ COMMITTED would not, so it gets REPEATABLE READ."""
    if on_postgresql() and db.transaction_depth() == 0:
        return db.atomic(isolation_level="REPEATABLE READ")
    return db.atomic()


def _same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).absolute() == Path(b).absolute()
