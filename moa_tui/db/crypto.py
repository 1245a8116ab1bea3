"""Encryption at rest: SQLCipher keys, key files, and the one connection factory.

Every connection to a clinic file (peewee's, the change watcher's, a backup's) is made
by ``connect()`` here, so a plain file and an encrypted one are opened the same way:
plain files with the standard ``sqlite3`` module, encrypted ones with ``sqlcipher3``
(SQLCipher 4, which the sqlcipher3 wheel carries inside it).

A key is either 32 raw bytes (what moa-tui writes into the key files it creates: 64 hex
digits) or a passphrase (any other key file, or typed at the prompt). SQLCipher turns a
passphrase into a key with PBKDF2-HMAC-SHA512, 256,000 rounds, salted with the first 16
bytes of the file: about a tenth of a second, on every connection. This module does that
derivation once per file and process and hands SQLCipher the derived key, which opens the
same file the same way; the file stays a standard SQLCipher 4 database that opens with
``PRAGMA key = 'passphrase'`` anywhere.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import secrets
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"

# SQLCipher 4's defaults, which cipher_compatibility = 4 pins on every connection.
KDF_ROUNDS = 256_000
SALT_BYTES = 16
KEY_BYTES = 32

_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


class DatabaseError(Exception):
    """The database cannot be opened as asked; the message is meant for the user.

    (database.py re-exports it: ``from moa_tui.db.database import DatabaseError``.)
    """


class KeyProblem(DatabaseError):
    """A key cannot be had or used; the message is meant for the user."""


def _sqlcipher():
    try:
        from sqlcipher3 import dbapi2
    except ImportError as exc:  # pragma: no cover - sqlcipher3 is a dependency
        raise KeyProblem(
            "Encryption needs the sqlcipher3 package (pip install sqlcipher3)."
        ) from exc
    return dbapi2


def driver_errors() -> tuple[type[Exception], ...]:
    """The DatabaseError classes of both drivers (they are unrelated classes)."""
    try:
        return (sqlite3.DatabaseError, _sqlcipher().DatabaseError)
    except KeyProblem:  # pragma: no cover
        return (sqlite3.DatabaseError,)


@dataclass(frozen=True)
class Key:
    """A SQLCipher key: raw bytes, or a passphrase SQLCipher derives a key from."""

    raw: bytes | None = None
    passphrase: str | None = field(default=None, repr=False)
    source: str = "key"  # where it came from, for messages ("key file /x/y.key")

    def __post_init__(self):
        if (self.raw is None) == (self.passphrase is None):
            raise ValueError("a Key is either raw bytes or a passphrase")
        if self.raw is not None and len(self.raw) != KEY_BYTES:
            raise ValueError(f"a raw key is {KEY_BYTES} bytes")
        if self.passphrase is not None and not self.passphrase:
            raise KeyProblem(f"The {self.source} is empty.")

    def __repr__(self) -> str:  # never print key material
        kind = "raw" if self.raw is not None else "passphrase"
        return f"Key({kind}, from {self.source})"

    @classmethod
    def generate(cls, source: str = "new key") -> Key:
        return cls(raw=secrets.token_bytes(KEY_BYTES), source=source)

    @classmethod
    def from_passphrase(cls, passphrase: str, source: str = "passphrase") -> Key:
        return cls(passphrase=passphrase, source=source)

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> Key:
        """64 hex digits are a raw key; anything else is a passphrase (one trailing
        newline is not part of it)."""
        path = Path(path).expanduser()
        source = f"key file {path}"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyProblem(f"The key file {path} does not exist.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyProblem(f"Cannot read the key file {path}: {exc}") from exc
        return cls.from_text(text.removesuffix("\n").removesuffix("\r"), source)

    @classmethod
    def from_text(cls, text: str, source: str = "key") -> Key:
        """64 hex digits are a raw key (as moa-tui writes them); anything else is a
        passphrase."""
        if _HEX_KEY.fullmatch(text.strip()):
            return cls(raw=bytes.fromhex(text.strip()), source=source)
        return cls(passphrase=text, source=source)

    def write_new_file(self, path: str | os.PathLike) -> Path:
        """Write this (raw) key to a new file readable by its owner only."""
        if self.raw is None:
            raise ValueError("only a raw key is written to a key file")
        path = Path(path).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            raise KeyProblem(f"The key file {path} already exists; not overwriting it.") from None
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(self.raw.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
        return path

    def pragma_value(self, path: str | os.PathLike | None) -> str:
        """The value for PRAGMA key / rekey on the file at *path*: SQLCipher's raw-key
        form x'...' whenever the key bytes are known (no derivation per connection)."""
        if self.raw is not None:
            return f"\"x'{self.raw.hex()}'\""
        salt = read_salt(path) if path is not None else None
        if salt is None:
            # A new (or empty) file: choose its salt here so the key is derived once.
            salt = secrets.token_bytes(SALT_BYTES)
            return f"\"x'{_derive(self.passphrase, salt).hex()}{salt.hex()}'\""
        return f"\"x'{_derive(self.passphrase, salt).hex()}'\""

    def rekey_value(self) -> str:
        """The value for PRAGMA rekey: SQLCipher keeps the file's salt and derives."""
        if self.raw is not None:
            return f"\"x'{self.raw.hex()}'\""
        return "'" + self.passphrase.replace("'", "''") + "'"


_derived: dict[tuple[str, bytes], bytes] = {}


def _derive(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's key derivation, remembered per (passphrase, salt) in this process."""
    cache_key = (hashlib.sha256(passphrase.encode()).hexdigest(), salt)
    if cache_key not in _derived:
        _derived[cache_key] = hashlib.pbkdf2_hmac(
            "sha512", passphrase.encode("utf-8"), salt, KDF_ROUNDS, KEY_BYTES
        )
    return _derived[cache_key]


def _header(path: str | os.PathLike) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None


def read_salt(path: str | os.PathLike) -> bytes | None:
    """An encrypted file's first 16 bytes (SQLCipher's salt), or None if it has none yet."""
    head = _header(path)
    if not head or len(head) < SALT_BYTES or head == SQLITE_HEADER:
        return None
    return head[:SALT_BYTES]


def is_plain(path: str | os.PathLike) -> bool:
    """True for an existing plain SQLite file (its header says so)."""
    return _header(path) == SQLITE_HEADER


def is_new(path: str | os.PathLike) -> bool:
    """True when there is no database yet at *path* (no file, or an empty one)."""
    head = _header(path)
    return not head


def looks_encrypted(path: str | os.PathLike) -> bool:
    """True for an existing file that is not plain SQLite: an encrypted database, or
    something else entirely (the two cannot be told apart without the key)."""
    head = _header(path)
    return bool(head) and head != SQLITE_HEADER


def connect(path: str | os.PathLike, key: Key | None, *, readonly: bool = False, **kwargs):
    """A DB-API connection to *path*: sqlite3 for a plain file, sqlcipher3 with *key*.

    A wrong key is not noticed here but on the first read ("file is not a database"),
    as with SQLCipher itself; ``check_key`` reads once to find out.
    """
    target = str(path)
    if readonly:
        target = Path(path).resolve().as_uri() + "?mode=ro"
        kwargs["uri"] = True
    if key is None:
        return sqlite3.connect(target, **kwargs)
    driver = _sqlcipher()
    conn = driver.connect(target, **kwargs)
    try:
        # A wrong key is reported to the user once, by us; not logged by SQLCipher too.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA cipher_compatibility = 4")
        conn.execute(f"PRAGMA key = {key.pragma_value(path)}")
    except Exception:
        conn.close()
        raise
    return conn


def check_key(conn) -> bool:
    """Read the schema once: False if the key does not open the file."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except driver_errors() as exc:
        if "not a database" in str(exc) or "encrypted" in str(exc):
            return False
        raise
    return True


def can_prompt() -> bool:
    """True when someone is at a terminal to type a passphrase."""
    try:
        return bool(sys.stdin and sys.stdin.isatty())
    except (AttributeError, ValueError):
        return False


def prompt_key(label: str, *, confirm: bool = False, instead: str = "--key-file") -> Key:
    """Ask for a passphrase (or a raw key's 64 hex digits) on the terminal; refuse when
    there is no terminal to ask on."""
    if not can_prompt():
        raise KeyProblem(f"No terminal to ask for {label} on; give {instead} PATH.")
    try:
        first = getpass.getpass(f"Passphrase for {label}: ")
        if confirm:
            again = getpass.getpass("The same passphrase again: ")
            if again != first:
                raise KeyProblem("The two passphrases differ; nothing was changed.")
    except (EOFError, KeyboardInterrupt):
        raise KeyProblem("No passphrase given.") from None
    if not first:
        raise KeyProblem("No passphrase given.")
    return Key.from_text(first, source="passphrase typed")


# --- changing the key ------------------------------------------------------------------


def fsync_path(path: str | os.PathLike) -> None:
    """Flush a file (or a directory entry) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _take_sole_use(conn, path: Path) -> str:
    """Leave WAL mode (SQLite allows it only to the one connection on the file), so no
    other terminal is using the database; returns the journal mode to go back to."""
    conn.execute("PRAGMA busy_timeout = 3000")
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        conn.execute("PRAGMA journal_mode = DELETE")
    except driver_errors() as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise KeyProblem(
                f"{path} is in use by another moa-tui (or another program); "
                "everyone must close it first. Nothing was changed."
            ) from exc
        raise
    return mode


def change_key(path: str | os.PathLike, old: Key | None, new: Key) -> None:
    """Give the database at *path* the key *new*; *old* is None for a plain file, which
    is then encrypted. Refuses while anyone else has the file open.

    An encrypted file is re-keyed in place (PRAGMA rekey, one transaction under a
    rollback journal). A plain file is exported into a new encrypted file next to it,
    which is checked and then renamed over it, so a crash leaves either the plain file
    or the encrypted one whole.
    """
    path = Path(path)
    if is_new(path):
        raise KeyProblem(f"There is no database at {path}.")
    if old is None and not is_plain(path):
        raise KeyProblem(
            f"{path}: the database is encrypted; give its current key with --key-file."
        )
    if old is not None and is_plain(path):
        raise KeyProblem(
            f"{path} is not encrypted, but a key was given. To encrypt it, run rekey "
            "without --key-file (and without MOA_KEY_FILE set)."
        )
    if old is None:
        _encrypt_plain(path, new)
    else:
        _rekey_encrypted(path, old, new)
    conn = connect(path, new)
    try:
        if not check_key(conn):  # pragma: no cover - SQLCipher reported success
            raise KeyProblem(f"{path}: the new key does not open the database.")
    finally:
        conn.close()


def _rekey_encrypted(path: Path, old: Key, new: Key) -> None:
    conn = connect(path, old, isolation_level=None)
    try:
        if not check_key(conn):
            raise KeyProblem(f"{path}: the key does not open this database ({old.source}).")
        mode = _take_sole_use(conn, path)
        conn.execute(f"PRAGMA rekey = {new.rekey_value()}")
        if mode.lower() == "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _encrypt_plain(path: Path, new: Key) -> None:
    tmp = path.with_name(f".{path.name}.encrypting-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    # sqlcipher_export() is SQLCipher's way from a plain file to an encrypted one (the
    # backup API cannot copy between the two).
    conn = _sqlcipher().connect(str(path), isolation_level=None)
    try:
        _take_sole_use(conn, path)
        before = conn.execute("PRAGMA data_version").fetchone()[0]
        tables = conn.execute("SELECT type, name FROM sqlite_master ORDER BY 1, 2").fetchall()
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY {new.pragma_value(tmp)}", (str(tmp),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute("DETACH DATABASE encrypted")
        check = connect(tmp, new)
        try:
            copied = check.execute("SELECT type, name FROM sqlite_master ORDER BY 1, 2").fetchall()
            integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if copied != tables or integrity != "ok":
            raise KeyProblem(f"{path}: the encrypted copy did not check out; nothing was changed.")
        fsync_path(tmp)
        # Hold the lock over the rename, and make sure nobody wrote during the export.
        conn.execute("BEGIN EXCLUSIVE")
        if conn.execute("PRAGMA data_version").fetchone()[0] != before:
            raise KeyProblem(f"{path} was written to meanwhile; nothing was changed.")
        os.replace(tmp, path)
        fsync_path(path.parent)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
        tmp.unlink(missing_ok=True)
