"""Documents filed to a patient (issue 12 items 8, 10): a scanned file read in from a
typed path, with its type, date and description, kept inside the database (its bytes in a
table of their own, so lists stay light) with its SHA-256 and a size limit (a clinic
setting, DOCUMENT_MAX_MB unless the manager sets another: Staff area, m). It comes back
out only through the one safe export path (files.save_export: 0600, never over a file
without the user's yes), its checksum verified on the way; a text file can also be read in
the app.

A typed path is untrusted: what files.check_source refuses (the database, its journals,
its key, backups) is never read in, and a folder, an empty, unreadable or too large file
is refused beside the field with nothing written."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

from ...db.models import ClinicSettings, DocumentBlob, PatientDocument, StaffMember
from ...db.models.clinic import DOCUMENT_MAX_MB
from ...text import REPLACEMENT, printable
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ServiceError, ValidationError
from ..files import check_source, export_target, open_regular, save_export
from ..patients.privacy import require_access
from .common import Checks, day_text, read_chart, texts

KIND_LABELS = {
    "lab": "Lab result",
    "referral": "Referral letter",
    "id_card": "ID card",
    "insurance_card": "Insurance card",
    "consent": "Consent",
    "outside": "Outside records",
    "other": "Other",
}
DOCUMENT_FIELDS = ("path", "kind", "date", "description")
MB = 1024 * 1024
LIMIT_MB_MAX = 100
TEXT_SHOWN = 20_000  # characters of a text document shown in the app


@dataclasses.dataclass(frozen=True)
class DocumentRow:
    id: int
    kind: str  # its label
    date: str
    description: str
    file_name: str
    size: int
    sha256: str
    is_text: bool
    filed_by: str
    filed_at: str

    def size_text(self) -> str:
        if self.size >= MB:
            return f"{self.size / MB:.1f} MB"
        return f"{self.size // 1024} KB" if self.size >= 1024 else f"{self.size} bytes"

    def line(self) -> str:
        return f"{self.date} {self.kind}: {self.description or self.file_name}"


@dataclasses.dataclass(frozen=True)
class DocumentView:
    document: DocumentRow
    text: str | None  # a text file's first TEXT_SHOWN characters, made safe; else None


@dataclasses.dataclass(frozen=True)
class DocumentFile:
    document: DocumentRow
    patient_id: int
    data: bytes


def document_row(d: PatientDocument) -> DocumentRow:
    return DocumentRow(
        d.id,
        KIND_LABELS.get(d.kind, d.kind),
        day_text(d.doc_date),
        d.description,
        d.file_name,
        d.size,
        d.sha256,
        d.is_text,
        d.filed_by.short_name,
        f"{clock.utc_to_local(d.filed_at):%m/%d/%Y %H:%M}",
    )


def patient_documents(patient_id: int, limit: int = 50) -> list[DocumentRow]:
    """The patient's documents, newest first (metadata only: the bytes are not read)."""
    rows = (
        PatientDocument.select()
        .where(PatientDocument.patient == patient_id)
        .order_by(PatientDocument.doc_date.desc(), PatientDocument.id.desc())
        .limit(limit)
    )
    return [document_row(d) for d in rows]


def _limit_mb() -> int:
    """The clinic's setting (set_document_limit), DOCUMENT_MAX_MB until it is set."""
    settings = ClinicSettings.select(ClinicSettings.document_max_mb).first()
    return settings.document_max_mb if settings and settings.document_max_mb else DOCUMENT_MAX_MB


@reader("records.file")
def document_limit(actor: StaffMember) -> int:
    """The largest document a chart takes, in MB (the filing dialog says it)."""
    return _limit_mb()


def _check_meta(values, *, with_path: bool) -> dict:
    v = texts(values, DOCUMENT_FIELDS, "path")
    checks = Checks()
    out = {}
    if with_path:
        out["path"] = checks.text("path", v["path"], 500, "File", required=True)
    kind = (v["kind"] or "").strip().lower()
    if kind not in KIND_LABELS:
        checks.errors["kind"] = "Type: " + ", ".join(KIND_LABELS.values()).lower() + "."
    out["kind"] = kind
    out["date"] = checks.day("date", v["date"] or "t", "Date")
    out["description"] = checks.text("description", v["description"], 200, "Description")
    checks.done()
    return out


@reader("records.file")
def document_source(actor: StaffMember, path: str) -> tuple[Path, int]:
    """The file a typed path names (a bare name: in the export folder, as export dialogs
    read it) and the largest document the clinic takes, in bytes."""
    text = Checks().text("path", path if isinstance(path, str) else "", 500, "File")
    if not text:
        raise ValidationError.one("path", "Type the path of the scanned file.")
    return export_target(text), _limit_mb() * MB


def read_source(path: Path, limit: int) -> bytes:
    """The bytes of the file at *path*, read with no transaction open. Refuses (beside
    the path field) the files check_source guards, a folder, something that is not an
    ordinary file, a missing, unreadable or empty file and one larger than *limit*."""
    real = check_source(path)
    try:
        info = real.stat()
    except FileNotFoundError:
        raise ValidationError.one("path", f"There is no file {path}.") from None
    except OSError as exc:
        raise ValidationError.one("path", f"{path} cannot be read: {exc.strerror}.") from None
    if real.is_dir():
        raise ValidationError.one("path", f"{path} is a folder; give the file in it.")
    if not real.is_file():
        raise ValidationError.one("path", f"{path} is not an ordinary file.")
    if info.st_size == 0:
        raise ValidationError.one("path", f"{path.name} is empty: nothing to file.")
    too_big = f"{path.name} is {info.st_size / MB:.1f} MB; a chart takes {limit // MB} MB at most."
    if info.st_size > limit:
        raise ValidationError.one("path", too_big)
    try:
        with os.fdopen(open_regular(real), "rb") as handle:  # never blocks on a pipe
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ValidationError.one("path", f"{path} cannot be read: {exc.strerror}.") from None
    if len(data) > limit:  # it grew since we looked
        raise ValidationError.one("path", too_big)
    if not data:
        raise ValidationError.one("path", f"{path.name} is empty: nothing to file.")
    return data


def _is_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@writer("records.file", changes=())
def store_document(
    actor: StaffMember, patient_id: int, values: dict, file_name: str, data: bytes
) -> DocumentRow:
    """File *data* (read from *file_name*) to the patient with its type, date and
    description; its SHA-256 is taken here, from the bytes stored."""
    meta = _check_meta(values, with_path=False)
    if not isinstance(data, bytes) or not data:
        raise ValidationError.one("path", "The file is empty: nothing to file.")
    if len(data) > _limit_mb() * MB:
        raise ValidationError.one("path", f"A chart takes {_limit_mb()} MB at most.")
    name = printable(file_name if isinstance(file_name, str) else "").strip()[:255] or "document"
    patient = require_access(actor, patient_id, "document filed")
    d = PatientDocument.create(
        patient=patient,
        kind=meta["kind"],
        doc_date=meta["date"],
        description=meta["description"],
        file_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        is_text=_is_text(data),
        filed_by=actor,
        filed_at=clock.now_utc(),
    )
    DocumentBlob.create(document=d, data=data)
    audit(
        actor,
        "document.file",
        patient_id=patient.id,
        entity="patient_document",
        entity_id=d.id,
        detail=f"{KIND_LABELS[d.kind]}: {name}, {len(data)} bytes",
    )
    return document_row(d)


def file_document(actor: StaffMember, patient_id: int, values: dict) -> DocumentRow:
    """File the scanned file at values["path"] to the patient (kind, date, description):
    the fields are checked, then the file is read with no transaction open, then stored
    in one transaction. Every refusal names its field; nothing is written on one."""
    meta = _check_meta(values, with_path=True)
    source, limit = document_source(actor, meta.pop("path"))
    data = read_source(source, limit)
    meta["date"] = f"{meta['date']:%m/%d/%Y}"
    return store_document(actor, patient_id, meta, source.name, data)


@writer("clinical.read", changes=())  # a writer: opening a document is audited
def read_document(actor: StaffMember, document_id: int) -> DocumentView:
    """A document's details, and a text file's text (unsafe characters replaced)."""
    d = get_or_refuse(PatientDocument, document_id, "document")
    read_chart(actor, d.patient_id, f"document {d.id}")
    text = None
    if d.is_text:
        blob = DocumentBlob.get(DocumentBlob.document == d.id)
        raw = bytes(blob.data).decode("utf-8", errors="replace")[:TEXT_SHOWN]
        text = "\n".join(_safe_line(line) for line in raw.replace("\r\n", "\n").split("\n"))
    return DocumentView(document_row(d), text)


def _safe_line(line: str) -> str:
    return printable(line.replace("\t", "    ").replace("\r", REPLACEMENT))


@writer("clinical.read", changes=())
def document_for_export(actor: StaffMember, document_id: int) -> DocumentFile:
    """A document's bytes, once they match the checksum taken when it was filed."""
    d = get_or_refuse(PatientDocument, document_id, "document")
    read_chart(actor, d.patient_id, f"document {d.id} exported")
    blob = DocumentBlob.get_or_none(DocumentBlob.document == d.id)
    data = bytes(blob.data) if blob else b""
    if hashlib.sha256(data).hexdigest() != d.sha256 or len(data) != d.size:
        raise ServiceError(
            f"{d.file_name} as stored no longer matches the checksum taken when it was "
            "filed: it was not exported. Tell the office manager."
        )
    return DocumentFile(document_row(d), d.patient_id, data)


def export_document(
    actor: StaffMember, document_id: int, path: str, overwrite: bool = False
) -> Path:
    """Save a copy of a filed document through the one safe export path (owner-only,
    never over a file unless *overwrite*), its checksum verified first."""
    doc = document_for_export(actor, document_id)
    return save_export(
        actor,
        path,
        doc.data,
        action="document.export",
        detail=f"{doc.document.kind}: {doc.document.file_name}",
        overwrite=overwrite,
        entity="patient_document",
        entity_id=document_id,
        patient_id=doc.patient_id,
    )


@writer("staff.admin", changes=())
def set_document_limit(actor: StaffMember, megabytes: str) -> int:
    """The largest document a chart takes, in MB (1 to 100)."""
    text = megabytes.strip() if isinstance(megabytes, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 3) or not (
        1 <= int(text) <= LIMIT_MB_MAX
    ):
        raise ValidationError.one("megabytes", f"A whole number of MB, 1 to {LIMIT_MB_MAX}.")
    ClinicSettings.update(document_max_mb=int(text)).execute()
    audit(actor, "settings.document_limit", detail=f"{text} MB")
    return int(text)
