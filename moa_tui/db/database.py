"""The one database handle, how it is opened, and the backend-specific helpers.

``db`` is a peewee DatabaseProxy the models are bound to once; open_database points it at
either a SQLite file (the default) or a PostgreSQL server (``postgresql://user@host/name``
as --db or $MOA_DB). Everything that differs between the two (pragmas, IMMEDIATE vs
SERIALIZABLE transactions, where the audit key and anchors live) sits behind the small
functions here, so the services never ask which one they run on.

A SQLite file may be encrypted (SQLCipher); the models do not know: the SQLite handle makes
every connection through ``crypto.connect`` with the key the file was opened with. A
PostgreSQL server encrypts its own disk (docs/deployment.md); keys do not apply to it.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs
from peewee import DatabaseError as PeeweeDatabaseError
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.migrations import Runner

from . import crypto
from .crypto import DatabaseError, Key, KeyProblem

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Medical records: a committed write must survive power loss (synchronous=full), many
# terminals share one file (WAL, a busy timeout long enough to wait out a writer).
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "full",
}


class ClinicDatabase(SqliteDatabase):
    """peewee's SqliteDatabase that speaks SQLCipher when the file has a key.

    One handle for plain and encrypted files alike, so the models bind to it once.
    """

    key: Key | None = None

    def init(self, database, key: Key | None = None, **kwargs):
        # Not in connect_params: those survive a later init() without a key.
        self.key = key
        super().init(database, **kwargs)

    def _connect(self):
        conn = crypto.connect(
            self.database,
            self.key,
            timeout=self._timeout,
            isolation_level=None,
            **self.connect_params,
        )
        try:
            self._add_conn_hooks(conn)
        except Exception:
            conn.close()
            raise
        return conn


def _postgres_class():
    """peewee's psycopg 3 database class, imported only when a ``postgresql://`` URL is
    opened: psycopg and playhouse.postgres_ext cost 75-300 ms of start-up a SQLite clinic
    never needs (tests/test_start_light.py holds this)."""
    from . import load_psycopg

    load_psycopg()
    from playhouse.postgres_ext import Psycopg3Database

    class ClinicPostgres(Psycopg3Database):
        """peewee's psycopg 3 database, given the whole ``postgresql://`` URL as its name
        (peewee hands such a name to psycopg as the conninfo), so ``db.database`` names
        the clinic on either backend."""

        key = None  # encryption at rest is the server's business

        def init(self, database, **kwargs):
            # Parameters are bound on the client (psycopg's ClientCursor, as psycopg2
            # did): with server-side binding `payer_id + $1` in a SELECT and
            # `payer_id + $2` in its GROUP BY are different expressions to PostgreSQL,
            # and the services' queries are written once for both backends. Values are
            # still quoted by psycopg, never pasted.
            import psycopg  # (peewee has imported it already, when it is installed)

            kwargs.setdefault("cursor_factory", psycopg.ClientCursor)
            super().init(database, **kwargs)

    return ClinicPostgres


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

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(location: str | os.PathLike | None) -> bool:
    """Whether *location* (a --db value) names a PostgreSQL server rather than a file."""
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def normal_url(url: str) -> str:
    """``postgres://`` is libpq's alias; peewee only passes ``postgresql://`` through."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://") :]
    return url


def on_postgresql() -> bool:
    """Whether the models are bound to a PostgreSQL server now."""
    return _postgres is not None and db.obj is _postgres


def display_name(location: str | os.PathLike) -> str:
    """A database's name for messages: a file's path, or a URL without any password."""
    if not is_url(location):
        return str(location)
    parts = urlsplit(str(location))
    host = parts.hostname or "localhost"
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{user}{host}{port}{parts.path}"


def companion_base(location: str | os.PathLike) -> Path:
    """What a database's companion files (``<db>.audit-key``, ``<db>.anchors``) are named
    after. For a file: the file itself, so they sit beside it. A PostgreSQL database has no
    file on this machine, so its companions live in the user's data directory, one set per
    server and database (``servers/<host>-<port>-<dbname>-<hash>``): the audit key must stay
    OUTSIDE the database it seals, and every app server of a network needs a copy of it
    (docs/deployment.md)."""
    if not is_url(location):
        return Path(location)
    parts = urlsplit(normal_url(str(location)))
    dbname = parts.path.lstrip("/") or parts.username or "postgres"
    host = parts.hostname or "localhost"
    ident = f"{host}:{parts.port or 5432}/{dbname}"
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{host}-{parts.port or 5432}-{dbname}")
    digest = hashlib.sha256(ident.encode()).hexdigest()[:8]
    return Path(platformdirs.user_data_dir("moa-tui")) / "servers" / f"{slug}-{digest}"


# Where open_database finds a key when it is given none: set by use_keys() (the CLI:
# --key-file or $MOA_KEY_FILE, and a prompt on a terminal). A library caller that sets
# nothing gets plain files only and a clear refusal for an encrypted one.
_key_file: Path | None = None
_may_prompt = False
_typed_key: Key | None = None


def use_keys(key_file: str | os.PathLike | None = None, *, prompt: bool = False) -> None:
    """Where keys come from when open_database and the commands are given none."""
    global _key_file, _may_prompt, _typed_key
    _key_file = Path(key_file).expanduser() if key_file else None
    _may_prompt = prompt
    _typed_key = None


def key_file_in_use() -> Path | None:
    """The key file databases are opened with (None: plain files or a typed key); exports
    must never overwrite it."""
    return _key_file


def use_cli_keys(key_file: str | None) -> None:
    """The command line's choice: --key-file, else $MOA_KEY_FILE, else ask on a terminal."""
    use_keys(key_file or os.environ.get("MOA_KEY_FILE") or None, prompt=True)


def key_for(path: str | os.PathLike, *, creating: bool = False) -> Key | None:
    """The key to open the file at *path* with, from the configured source.

    A new database (*creating*) gets the key file's key, and a key file that does not
    exist yet is made with a new random key; without a key file it is plain. An
    existing encrypted file with no key file gets a prompt, or a refusal where there
    is no terminal.
    """
    global _typed_key
    try:
        if _key_file is not None:
            if creating and not _key_file.exists():
                new_key = Key.generate(source=f"key file {_key_file}")
                new_key.write_new_file(_key_file)
                return new_key
            return Key.from_file(_key_file)
        if creating or not crypto.looks_encrypted(path):
            return None
        if _may_prompt and crypto.can_prompt():
            if _typed_key is None:
                _typed_key = crypto.prompt_key(str(path))
            return _typed_key
    except KeyProblem as exc:
        raise DatabaseError(str(exc)) from exc
    raise DatabaseError(encrypted_message(path))


def encrypted_message(path: str | os.PathLike) -> str:
    return (
        f"{path}: the database is encrypted; give --key-file PATH or set MOA_KEY_FILE "
        "(or the file is not a SQLite database at all)."
    )


def wrong_key_message(path: str | os.PathLike, key: Key) -> str:
    return (
        f"{path}: the key does not open this database ({key.source}); "
        "or the file is not a SQLite database at all."
    )


def _is_key_failure(exc: BaseException) -> bool:
    return "not a database" in str(exc) or "encrypted" in str(exc)


_CONFIGURED = object()


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("moa-tui")) / "clinic.db"


def resolve_path(path: str | os.PathLike | None) -> Path | str:
    """--db PATH, else $MOA_DB, else the per-user data directory. A ``postgresql://`` URL
    stays a string (a Path would fold its ``//``)."""
    chosen = path or os.environ.get("MOA_DB") or default_path()
    if is_url(chosen):
        return normal_url(str(chosen))
    return Path(chosen).expanduser()


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
        if key is not None and _is_key_failure(exc):
            raise DatabaseError(wrong_key_message(path, key)) from exc
        raise DatabaseError(f"Cannot open database {path}: {exc}") from exc
    try:
        check_schema()
        if migrate:
            _runner().up()
    except (PeeweeDatabaseError, *crypto.driver_errors()) as exc:
        if key is not None and _is_key_failure(exc):
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
    if _key_file is not None:
        raise DatabaseError(
            "A PostgreSQL database is not opened with a key file: the server encrypts its "
            "own disk (docs/deployment.md). Leave out --key-file / MOA_KEY_FILE."
        )
    if not db.is_closed():
        db.close()
    global _postgres
    if _postgres is None:
        _postgres = _postgres_class()(None)
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


# SQLSTATEs of a PostgreSQL write that waited too long or lost a race: lock_not_available,
# serialization_failure, deadlock_detected.
_BUSY_STATES = {"55P03", "40001", "40P01"}


def busy(exc: BaseException) -> bool:
    """Whether a database error means "another terminal is writing; try again"."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return True
    cause = exc.__cause__ or exc.__context__
    return (
        getattr(cause, "sqlstate", None) in _BUSY_STATES
        or getattr(exc, "sqlstate", None) in _BUSY_STATES
    )


def unreachable(exc: BaseException) -> bool:
    """Whether a database error means the server went away (restart, network): SQLSTATE
    class 08, admin shutdown (57P01..57P03), a connection psycopg found closed, or a new
    one the server refused or never answered (its message: psycopg sets no SQLSTATE)."""
    if not on_postgresql():
        return False
    cause = exc.__cause__ or exc.__context__ or exc
    state = getattr(cause, "sqlstate", None) or ""
    if state.startswith("08") or state in {"57P01", "57P02", "57P03"}:
        return True
    text = str(exc).lower()
    if "shutting down" in text or "starting up" in text or "in recovery mode" in text:
        return True  # a server stopping or starting (refused at connect)
    return "connection" in text and any(
        word in text for word in ("closed", "lost", "terminat", "refused", "failed", "timeout")
    )


def read_only(exc: BaseException) -> bool:
    """Whether a database error means this database takes no writes: a PostgreSQL
    streaming replica (hot standby), "cannot execute ... in a read-only transaction"
    (SQLSTATE 25006)."""
    cause = exc.__cause__ or exc.__context__ or exc
    state = getattr(cause, "sqlstate", None) or getattr(exc, "sqlstate", None) or ""
    return state == "25006" or "read-only transaction" in str(exc)


READ_ONLY_APP = (
    "is a read-only replica: the app records every sign-in and what it shows, so it runs "
    "on the primary. From a replica: `audit verify` and `backup` (docs/network.md)."
)
READ_ONLY_MESSAGE = (
    "This database is a read-only copy (a replica, for reports): nothing was saved. "
    "Make changes on the primary (docs/network.md)."
)


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
