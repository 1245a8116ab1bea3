"""The one way the app writes a file for someone to take away (day sheets, calendars,
receipts, visit slips, the audit CSV, and every export to come).

A path typed into an export dialog is untrusted: typed by mistake or on purpose, it could
name the live database, its journal files, its key, or a backup, and replacing any of
those with a PDF destroys the clinic's records. So ``write_private`` refuses them, never
replaces an existing file unless the caller says the user agreed (``overwrite=True``), and
always leaves a file only its owner can read (0600), written whole or not at all.

The database, backup and key files themselves are written by db/ (backup.py, crypto.py),
never through here.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import platformdirs

from ..db import database
from ..db.models import ClinicSettings
from .core import audit, reader, writer
from .errors import ServiceError, ValidationError
from .validate import clean_text

MAX_PATH = 500
NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems


class FileExists(ValidationError):
    """The file is there already: the dialog asks before replacing it."""

    def __init__(self, path: Path) -> None:
        super().__init__({"path": f"{path.name} exists. Replace it?"})
        self.path = path


def default_export_folder() -> Path:
    """The user's documents folder, or the per-user data folder where there is none."""
    documents = Path(platformdirs.user_documents_dir())
    if documents.is_dir():
        return documents
    return Path(platformdirs.user_data_dir("moa-tui"))


def export_folder() -> Path:
    """Where exports go unless a full path is typed: the clinic's setting, else the
    default. Reads the settings, so call it inside a service (or a connection)."""
    settings = ClinicSettings.select(ClinicSettings.export_dir).first()
    chosen = (settings.export_dir if settings else "").strip()
    return expand_home(chosen) if chosen else default_export_folder()


def expand_home(text: str | os.PathLike, field: str = "path") -> Path:
    """*text* as a path with a leading ``~`` or ``~name`` expanded: the one place typed
    paths are expanded, because Path.expanduser raises RuntimeError for an unknown user."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "~name" of a user this machine does not know
        first = os.fspath(text).split("/")[0]
        raise ValidationError.one(field, f"There is no home folder for {first}.") from None


def export_target(path: str | os.PathLike) -> Path:
    """*path* as typed: `~` expanded, and a bare name or relative path put in the export
    folder. Refuses an empty path or one with control characters."""
    text = clean_text("path", os.fspath(path), max_len=MAX_PATH, required=True, label="File")
    target = expand_home(text)
    if any(len(os.fsencode(part)) > NAME_MAX for part in target.parts):
        raise ValidationError.one("path", f"A file or folder name is {NAME_MAX} bytes at most.")
    if target.is_absolute():
        return target
    folder = export_folder()
    if folder == default_export_folder():
        # The per-user data folder may not exist yet on a machine with no documents folder.
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / target


@reader("files.export")
def export_location(actor) -> Path:
    """The folder a bare file name typed in an export dialog is saved in."""
    return export_folder()


@reader("files.export")
def where_export_goes(actor, path: str | os.PathLike) -> Path:
    """The full path a name typed in an export dialog stands for."""
    return export_target(path)


@reader("files.export")
def make_export_folder(actor, path: str | os.PathLike) -> Path:
    """The folder a batch export (claims, statements) goes into, as typed in its dialog:
    made, owner-only, when its parent is there; refused beside the field otherwise."""
    folder = export_target(path)
    if folder.exists() and not folder.is_dir():
        raise ValidationError.one("path", f"{folder} is a file, not a folder.")
    if not folder.exists():
        try:
            folder.mkdir(mode=0o700)
        except OSError as exc:
            raise ValidationError.one(
                "path", f"Could not make the folder {folder}: {exc.strerror or exc}."
            ) from None
    return folder


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _protected() -> list[Path]:
    """The files no export may touch: the database, its journals and the key file."""
    files = []
    name = database.db.database
    if name and name != ":memory:" and "://" not in str(name):
        live = Path(name)
        files += [live, *(Path(f"{live}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]
    elif database.is_url(name):
        # A server's database has no file here, but its audit key and anchor log do.
        from ..db.anchors import anchor_path
        from ..db.audit_key import key_path

        files += [key_path(name), anchor_path(name)]
    key_file = database.key_file_in_use()
    if key_file is not None:
        files.append(key_file)
    return files


def _beside_database(target: Path) -> bool:
    """True for the database's own name plus a suffix starting with '.' or '-'
    (clinic.db-wal, clinic.db.audit-key, clinic.db.anchors, clinic.db.before-restore-...)."""
    name = database.db.database
    if not name or name == ":memory:" or "://" in str(name):
        return False
    live = Path(os.path.realpath(name))
    if target.parent != live.parent or not target.name.startswith(live.name):
        return False
    rest = target.name[len(live.name) :]
    return rest[:1] in (".", "-")


def _looks_like_an_export(path: Path) -> bool:
    """True for a file the app could have written: a PDF, text, or a zip archive (a
    records release). A plain backup starts with the SQLite header and an encrypted one
    (SQLCipher) is random bytes from its first byte; neither is text nor a whole zip
    archive, so neither may be replaced by an export, confirmed or not."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if head.startswith(b"%PDF-"):
        return True
    if head.startswith(b"PK\x03\x04"):
        return zipfile.is_zipfile(path)  # its directory, read from the end, must be whole
    if b"\x00" in head:
        return False
    try:
        # A multi-byte character may be cut at the end of the sample.
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3
    return True


def check_target(target: Path) -> None:
    """Refuse a path that must never be written: a folder, the database, its -wal, -shm
    or -journal, its key file, any file beside it named after it, or an existing file that
    is not a PDF or text (a database or a backup). Links to those are refused too."""
    refuse = "That file belongs to the clinic's database; choose another name."
    real = Path(os.path.realpath(target))
    if real.is_dir():
        raise ValidationError.one("path", f"{target} is a folder; give a file name.")
    for protected in _protected():
        if real == Path(os.path.realpath(protected)) or _same(target, protected):
            raise ValidationError.one("path", refuse)
    if _beside_database(real):
        raise ValidationError.one("path", refuse)
    if real.exists():
        if not real.is_file():
            raise ValidationError.one("path", f"{target} is not an ordinary file.")
        if not _looks_like_an_export(real):
            raise ValidationError.one(
                "path",
                f"{target} is not a PDF or text file (a database or a backup?); "
                "choose another name.",
            )


def open_regular(path: Path) -> int:
    """A descriptor open for reading on the ordinary file at *path*. Opened without
    blocking, so a named pipe or a device typed as a scan cannot hang the reader (opening
    a pipe for reading waits for a writer); anything but an ordinary file raises OSError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not an ordinary file")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_head(path: Path, size: int) -> bytes:
    """The first *size* bytes of the ordinary file at *path* (OSError otherwise)."""
    with os.fdopen(open_regular(path), "rb") as handle:
        return handle.read(size)


def check_source(source: Path) -> Path:
    """A file typed to be read in (a scan filed to a chart): its real path, unless it is
    what no export may touch either (the database, its journals, its key file, a file
    beside it named after it) or an SQLite database or plain backup (its header says so).
    The app never reads those into a record or hands them out again."""
    refuse = "That file belongs to the clinic's database; it cannot be filed."
    real = Path(os.path.realpath(source))
    for protected in _protected():
        if real == Path(os.path.realpath(protected)) or _same(source, protected):
            raise ValidationError.one("path", refuse)
    if _beside_database(real):
        raise ValidationError.one("path", refuse)
    try:
        head = read_head(real, 16)
    except OSError:
        return real  # the caller's read says why, beside the field
    if head == b"SQLite format 3\x00":
        raise ValidationError.one("path", f"{source} is a database or a backup: not filed.")
    return real


def write_private(
    path: str | os.PathLike, data: bytes | Iterable[bytes], *, overwrite: bool = False
) -> Path:
    """Write *data* (bytes, or chunks of bytes) to *path* and return where it went.

    A relative path goes into the export folder. The file is readable by its owner only
    (0600), written whole or not at all (a temporary file beside it, fsynced, then
    renamed). Refuses what check_target refuses, a missing folder, and an existing file
    unless *overwrite* (raises FileExists, so the dialog can ask).
    """
    target = export_target(path)
    check_target(target)
    folder = target.parent
    if not folder.is_dir():
        raise ValidationError.one("path", f"There is no folder {folder}.")
    if target.exists() and not overwrite:
        raise FileExists(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ServiceError(f"Could not write in {folder}: {exc.strerror or exc}.") from exc
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in [data] if isinstance(data, bytes | bytearray) else data:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(Path(tmp), target)
    except FileExistsError as exc:
        raise FileExists(target) from exc
    except OSError as exc:
        raise ServiceError(f"Could not write {target}: {exc.strerror or exc}.") from exc
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _link_new(tmp: Path, target: Path) -> None:
    """Put *tmp* at *target* only if nothing is there, even if a file appeared there
    since we looked (a hard link fails on an existing name; rename would replace it)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:
        # A file system without hard links (FAT, some shares): check, then rename.
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(tmp, target)


@writer("files.export")
def record_export(
    actor,
    action: str,
    detail: str,
    *,
    outcome: str = "ok",
    entity: str = "",
    entity_id: int | None = None,
    patient_id: int | None = None,
) -> None:
    """The audit event of an export, in a short transaction of its own."""
    audit(
        actor,
        action,
        entity=entity,
        entity_id=entity_id,
        patient_id=patient_id,
        detail=detail,
        outcome=outcome,
    )


def save_export(
    actor,
    path: str | os.PathLike,
    data: bytes | Iterable[bytes],
    *,
    action: str,
    detail: str | Callable[[], str],
    overwrite: bool = False,
    entity: str = "",
    entity_id: int | None = None,
    patient_id: int | None = None,
) -> Path:
    """Write an export the caller rendered and record it: the file is written with no
    transaction open (a slow disk never holds the write lock other terminals wait on),
    then the export is recorded; a refused path is recorded as refused. An existing file
    (FileExists) is not a refusal: the dialog asks and the caller tries again. *detail*
    may be a function, asked once the file is written (a count known only then)."""
    target = where_export_goes(actor, path)
    where = {"entity": entity, "entity_id": entity_id, "patient_id": patient_id}
    try:
        written = write_private(target, data, overwrite=overwrite)
    except FileExists:
        raise
    except ServiceError as exc:
        what = detail() if callable(detail) else detail
        record_export(actor, action, f"{what}: {exc}", outcome="refused", **where)
        raise
    what = detail() if callable(detail) else detail
    record_export(actor, action, f"{what} to {written}", **where)
    return written
