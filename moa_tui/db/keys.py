"""Where the key of an encrypted (SQLCipher) clinic file comes from: a key file, a prompt on
a terminal, or nothing (plain files only), and the sentences for a missing or wrong key."""

from __future__ import annotations

import os
from pathlib import Path

from . import crypto
from .crypto import DatabaseError, Key, KeyProblem

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


def is_key_failure(exc: BaseException) -> bool:
    return "not a database" in str(exc) or "encrypted" in str(exc)
