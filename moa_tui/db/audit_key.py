"""The audit key: a 256-bit secret kept OUTSIDE the database that seals the audit chain.

Someone who can write the database file (but cannot read this key) can no longer edit an
audit event and recompute the links after it: each link is an HMAC under this key.

Where it is: --audit-key-file PATH (use_audit_key_file), else $MOA_AUDIT_KEY_FILE, else
``<database path>.audit-key`` beside the database. It is created (random, hex, 0600) with a
new database, or when an old unkeyed database is sealed; never when the clinic's trail is
already sealed with a key that is missing (a new key would make every old event look forged).
UI-free.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from .database import companion_base

# The fingerprint is an HMAC of this fixed label: it names the key without revealing it.
_FINGERPRINT_LABEL = b"moa-tui audit key fingerprint v1"
KEY_BYTES = 32

_chosen_file: Path | None = None


class AuditKeyProblem(Exception):
    """The audit key file cannot be used; the message is meant for the user."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    path: Path

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.secret)

    def seal(self, message: bytes) -> str:
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def fingerprint(secret: bytes) -> str:
    return hmac.new(secret, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def use_audit_key_file(path: str | os.PathLike | None) -> None:
    """The command line's --audit-key-file (None: $MOA_AUDIT_KEY_FILE or beside the database)."""
    global _chosen_file
    _chosen_file = Path(path).expanduser() if path else None


def key_path(db_path: str | os.PathLike) -> Path:
    """Where the audit key of the database at *db_path* is looked for."""
    if _chosen_file is not None:
        return _chosen_file
    env = os.environ.get("MOA_AUDIT_KEY_FILE")
    if env:
        return Path(env).expanduser()
    # A file's companion sits beside it; a PostgreSQL database's in the user's data
    # directory, one per server and database (database.companion_base).
    base = companion_base(db_path)
    return base.with_name(base.name + ".audit-key")


def read_key(path: Path) -> AuditKey:
    try:
        text = path.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(text)
    except FileNotFoundError:
        raise AuditKeyProblem(f"There is no audit key file {path}.") from None
    except PermissionError:
        raise AuditKeyProblem(f"No permission to read the audit key file {path}.") from None
    except (ValueError, UnicodeDecodeError):
        raise AuditKeyProblem(
            f"The audit key file {path} does not hold an audit key (64 hex digits)."
        ) from None
    if len(secret) != KEY_BYTES:
        raise AuditKeyProblem(
            f"The audit key file {path} does not hold an audit key (64 hex digits)."
        )
    return AuditKey(secret, path)


def create_key(path: Path) -> AuditKey:
    """A new random key in a new file readable by its owner only; an existing file (made
    by another terminal a moment ago) is read instead, never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return read_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return AuditKey(secret, path)
