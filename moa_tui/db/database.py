"""The one database handle, how it is opened, and the SQLite-only helpers.

Everything SQLite-specific (pragmas, data_version, IMMEDIATE transactions) lives here so
a move to PostgreSQL touches this file and not the services. A file may be encrypted
(SQLCipher); the models do not know: ``db`` makes every connection through
``crypto.connect`` with the key the file was opened with.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from peewee import DatabaseError as PeeweeDatabaseError
from peewee import SqliteDatabase
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


db = ClinicDatabase(None)


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


def resolve_path(path: str | os.PathLike | None) -> Path:
    """--db PATH, else $MOA_DB, else the per-user data directory."""
    chosen = path or os.environ.get("MOA_DB") or default_path()
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
) -> Path:
    """Bind the models to the SQLite file at *path*, creating and migrating it as needed.

    *key* opens (or creates) an encrypted file; by default it comes from use_keys().
    A new file is created encrypted when there is a key. Refuses a database whose
    schema is newer than this program, an encrypted file without its key or with a
    wrong one, and a key for a plain file (which would look encrypted and is not).
    """
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
    db.init(str(path), key=key, pragmas=PRAGMAS)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # noqa: BLE001 - turned into a message for the user
        if key is not None and _is_key_failure(exc):
            raise DatabaseError(wrong_key_message(path, key)) from exc
        raise DatabaseError(f"Cannot open database {path}: {exc}") from exc
    try:
        check_schema()
        if migrate:
            Runner(db, str(MIGRATIONS_DIR)).up()
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


def schema_status() -> tuple[list[str], list[str], list[str]]:
    """(applied, pending, unknown) migration names for the open database."""
    runner = Runner(db, str(MIGRATIONS_DIR))
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


def write_transaction():
    """A transaction that takes the write lock at BEGIN.

    Check-then-write (a free slot, a stock count) must not interleave with another
    terminal's write, so SQLite's BEGIN IMMEDIATE is used.
    """
    if isinstance(db, SqliteDatabase) and db.transaction_depth() == 0:
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()


def _same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).absolute() == Path(b).absolute()
