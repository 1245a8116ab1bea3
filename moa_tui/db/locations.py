"""Where a clinic's database is: a SQLite file (--db PATH, $MOA_DB, or the per-user data
directory) or a PostgreSQL server (a ``postgresql://`` URL), and where its companion files
(the audit key, the anchor log) live."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(location: str | os.PathLike | None) -> bool:
    """Whether *location* (a --db value) names a PostgreSQL server rather than a file."""
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def normal_url(url: str) -> str:
    """``postgres://`` is libpq's alias; peewee only passes ``postgresql://`` through."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://") :]
    return url


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


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("moa-tui")) / "clinic.db"


def resolve_path(path: str | os.PathLike | None) -> Path | str:
    """--db PATH, else $MOA_DB, else the per-user data directory. A ``postgresql://`` URL
    stays a string (a Path would fold its ``//``)."""
    chosen = path or os.environ.get("MOA_DB") or default_path()
    if is_url(chosen):
        return normal_url(str(chosen))
    return Path(chosen).expanduser()
