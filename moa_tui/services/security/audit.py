"""The audit trail: reports by patient or by staff member (verifying it: audit_verify.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from peewee import JOIN

from ...db.database import db
from ...db.models import AuditEvent, Patient, StaffMember
from ...text import csv_cell
from .. import clock
from ..core import audit, reader, writer
from ..errors import ValidationError
from ..files import save_export
from ..validate import check_limit, clean_text
from .audit_verify import ChainReport, verify_chain  # noqa: F401 - callers import them here


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime  # clinic local time
    staff: str
    action: str
    patient: str
    patient_id: int | None
    detail: str
    outcome: str

    @property
    def flagged(self) -> bool:
        return self.outcome in ("emergency", "refused")


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_after: int | None
    subject: str  # what the report is about, e.g. "patient Smith, John (MRN 100231)"


def _subject(patient_ref: str, username: str) -> tuple[Patient | None, StaffMember | None]:
    patient = staff = None
    if patient_ref:
        ref = clean_text("patient", patient_ref, max_len=20, label="Patient")
        patient = Patient.get_or_none(Patient.mrn == ref)
        if patient is None:
            raise ValidationError.one("patient", f"No patient has MRN {ref}.")
    if username:
        name = clean_text("user", username, max_len=32, label="User").lower()
        staff = StaffMember.get_or_none(StaffMember.username == name)
        if staff is None:
            raise ValidationError.one("user", f"No staff account is called {name}.")
    return patient, staff


def _query(patient: Patient | None, staff: StaffMember | None):
    query = AuditEvent.select(AuditEvent, StaffMember).join(
        StaffMember, JOIN.LEFT_OUTER, on=(AuditEvent.staff == StaffMember.id)
    )
    if patient is not None:
        query = query.where(AuditEvent.patient_id == patient.id)
    if staff is not None:
        query = query.where(AuditEvent.staff == staff.id)
    # A row below 1 is outside the numbering: not a real event (verify names it).
    return query.where(AuditEvent.id > 0)


def _rows(events) -> list[AuditRow]:
    ids = {e.patient_id for e in events if e.patient_id}
    names = (
        {
            p.id: f"{p.last_name}, {p.first_name} ({p.mrn})"
            for p in Patient.select().where(Patient.id.in_(list(ids)))
        }
        if ids
        else {}
    )
    rows = []
    for e in events:
        staff = e.staff.username if e.staff_id and e.staff else "-"
        rows.append(
            AuditRow(
                e.id,
                clock.utc_to_local(e.at),
                staff,
                e.action,
                names.get(e.patient_id, ""),
                e.patient_id,
                e.detail,
                e.outcome,
            )
        )
    return rows


def _describe(patient: Patient | None, staff: StaffMember | None) -> str:
    parts = []
    if patient is not None:
        parts.append(f"patient {patient.last_name}, {patient.first_name} (MRN {patient.mrn})")
    if staff is not None:
        parts.append(f"staff member {staff.username}")
    return " and ".join(parts) or "everyone"


@writer("audit.read")
def audit_page(
    actor: StaffMember,
    patient_ref: str = "",
    username: str = "",
    after: int | None = None,
    limit: int = 100,
) -> AuditPage:
    """Events about a patient (MRN) and/or by a staff member, newest first, a keyset page
    at a time. Opening a report is itself recorded."""
    patient, staff = _subject(patient_ref, username)
    query = _query(patient, staff)
    if after is not None:
        query = query.where(AuditEvent.id < after)
    limit = check_limit(limit)
    events = list(query.order_by(AuditEvent.id.desc()).limit(limit + 1))
    more = len(events) > limit
    events = events[:limit]
    subject = _describe(patient, staff)
    if after is None:
        audit(actor, "audit.report", patient_id=patient.id if patient else None, detail=subject)
    return AuditPage(_rows(events), events[-1].id if more else None, subject)


@reader("audit.read")
def _export_subject(
    actor: StaffMember, patient_ref: str, username: str
) -> tuple[Patient | None, StaffMember | None, str]:
    patient, staff = _subject(patient_ref, username)
    return patient, staff, _describe(patient, staff)


def _csv_chunks(patient: Patient | None, staff: StaffMember | None, counted: list[int]):
    """The report as CSV, 2,000 events at a time, read in one snapshot of its own (a read
    transaction: other terminals keep writing meanwhile)."""
    with db.connection_context(), db.atomic():
        buffer = io.StringIO(newline="")
        out = csv.writer(buffer)
        out.writerow(["id", "time", "staff", "action", "patient", "outcome", "detail"])
        last = None
        while True:
            query = _query(patient, staff)
            if last is not None:
                query = query.where(AuditEvent.id < last)
            events = list(query.order_by(AuditEvent.id.desc()).limit(2000))
            if not events:
                break
            for row in _rows(events):
                out.writerow(
                    [
                        row.id,
                        f"{row.at:%Y-%m-%d %H:%M:%S}",
                        row.staff,
                        row.action,
                        csv_cell(row.patient),
                        row.outcome,
                        csv_cell(row.detail),
                    ]
                )
                counted[0] += 1
            last = events[-1].id
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue().encode()


def export_audit_csv(
    actor: StaffMember,
    path: str,
    patient_ref: str = "",
    username: str = "",
    overwrite: bool = False,
) -> int:
    """Write the report to a CSV file readable by its owner only (through
    files.save_export: a bare name goes to the export folder; the database, its key and
    an existing file unless *overwrite* are refused); returns the row count."""
    patient, staff, subject = _export_subject(actor, patient_ref, username)
    counted = [0]
    save_export(
        actor,
        path,
        _csv_chunks(patient, staff, counted),
        action="audit.export",
        detail=lambda: f"{counted[0]} events about {subject}",
        overwrite=overwrite,
        patient_id=patient.id if patient else None,
    )
    return counted[0]
