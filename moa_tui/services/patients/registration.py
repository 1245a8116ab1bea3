"""Registration extras: likely duplicates, merging two records, and coverage."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from ...db.models import (
    AccountEntry,
    Allergy,
    Appointment,
    Claim,
    Coverage,
    Disclosure,
    InboxMessage,
    IntakeRecord,
    Letter,
    MailItem,
    Medication,
    Patient,
    PatientDocument,
    Payer,
    PayerAuthorization,
    Problem,
    Recall,
    RecurringSeries,
    Referral,
    RefillRequest,
    StaffMember,
    Statement,
    VisitNote,
    VitalSigns,
    WaitlistEntry,
)
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ServiceError, ValidationError
from ..validate import clean_text, is_whole_number, parse_date, parse_money
from ..wording import plural
from .patients import PatientHit, _hit, clean_patient
from .privacy import require_access

RELATIONS = ("self", "spouse", "child", "other")


@dataclass(frozen=True)
class CoverageRow:
    id: int
    version: int
    priority: int
    payer_id: int
    payer: str
    member_id: str
    group_id: str
    subscriber: str
    relation: str
    copay_cents: int
    effective: dt.date | None
    ends: dt.date | None


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def find_duplicates(clean: dict, exclude_id: int | None = None, limit: int = 10) -> list[Patient]:
    """Records that are likely the same person: same date of birth with a similar name,
    or the same phone number."""
    name = f"{clean['last_key']} {clean['first_key']}"
    same_dob = (
        Patient.select()
        .where((Patient.dob == clean["dob"]) & Patient.merged_into.is_null())
        .limit(200)
    )
    hits = [p for p in same_dob if _similar(f"{p.last_key} {p.first_key}", name)]
    phones = [clean.get(k) for k in ("phone_mobile", "phone_home", "phone_work") if clean.get(k)]
    if phones:
        hits += list(
            Patient.select()
            .where(
                (Patient.phone_mobile.in_(phones) | Patient.phone_home.in_(phones))
                & Patient.merged_into.is_null()
            )
            .limit(limit)
        )
    seen, out = set(), []
    for p in hits:
        if p.id not in seen and p.id != exclude_id:
            seen.add(p.id)
            out.append(p)
    return out[:limit]


@reader("patient.read")
def likely_duplicates(actor: StaffMember, data: dict[str, str]) -> list[PatientHit]:
    """Shown before a new registration is saved. Refuses bad fields like create_patient."""
    return [_hit(p) for p in find_duplicates(clean_patient(data))]


# Every model with a foreign key to a patient, in one place: a merge moves each of these
# rows from the duplicate to the record kept (tests/test_patient_merge.py fails when a
# model with a patient foreign key is missing here). (model, field, one, many)
MERGED: tuple[tuple[type, str, str, str], ...] = (
    (Appointment, "patient", "appointment", "appointments"),
    (RecurringSeries, "patient", "repeating booking", "repeating bookings"),
    (WaitlistEntry, "patient", "waitlist entry", "waitlist entries"),
    (Claim, "patient", "claim", "claims"),
    (Coverage, "patient", "insurance plan", "insurance plans"),
    (AccountEntry, "patient", "account entry", "account entries"),
    (Statement, "patient", "statement", "statements"),
    (IntakeRecord, "patient", "intake form", "intake forms"),
    (Referral, "patient", "referral", "referrals"),
    (PayerAuthorization, "patient", "authorization", "authorizations"),
    (Allergy, "patient", "allergy", "allergies"),
    (Medication, "patient", "medication", "medications"),
    (Problem, "patient", "problem", "problems"),
    (VitalSigns, "patient", "set of vitals", "sets of vitals"),
    (VisitNote, "patient", "visit note", "visit notes"),
    (PatientDocument, "patient", "document", "documents"),
    (Disclosure, "patient", "disclosure", "disclosures"),
    (Recall, "patient", "recall", "recalls"),
    (RefillRequest, "patient", "refill request", "refill requests"),
    (InboxMessage, "patient", "message or task", "messages and tasks"),
    (Letter, "patient", "letter", "letters"),
    (MailItem, "patient", "mail log entry", "mail log entries"),
)
# Patient foreign keys a merge leaves alone: the duplicate's own pointer to the survivor.
NOT_MERGED = frozenset({(Patient, "merged_into")})


def _rows_of(model: type, field: str, patient: Patient):
    return model.select().where(getattr(model, field) == patient.id)


@dataclass(frozen=True)
class MergeCounts:
    """What a merge moves (or moved) from the duplicate to the record kept: a count for
    each of MERGED, in its order."""

    counts: tuple[int, ...] = ()

    def of(self, model: type) -> int:
        """How many rows of *model* move (summed over its patient fields)."""
        return sum(
            count
            for (m, _f, _one, _many), count in zip(MERGED, self.counts, strict=False)
            if m is model
        )

    @property
    def total(self) -> int:
        return sum(self.counts)

    def text(self) -> str:
        """'3 appointments, 1 insurance plan, 2 account entries', or 'nothing else on file'."""
        found = [
            plural(count, one, many)
            for (_m, _f, one, many), count in zip(MERGED, self.counts, strict=False)
            if count
        ]
        return ", ".join(found) if found else "nothing else on file"


@dataclass(frozen=True)
class MergePreview:
    """The duplicate as the manager sees it before typing its MRN again."""

    id: int
    mrn: str
    name: str
    dob: dt.date
    moves: MergeCounts


def _duplicate_by_mrn(survivor_id: int, duplicate_mrn: str) -> Patient:
    mrn = clean_text("duplicate", duplicate_mrn, max_len=12, required=True, label="MRN")
    duplicate = Patient.get_or_none(Patient.mrn == mrn)
    if duplicate is None:
        raise ValidationError.one("duplicate", f"No patient has MRN {mrn}.")
    if duplicate.id == survivor_id:
        raise ValidationError.one("duplicate", "That is this record's own MRN.")
    if duplicate.merged_into_id:
        raise ValidationError.one("duplicate", f"MRN {mrn} has already been merged.")
    return duplicate


@reader("patient.merge")
def merge_preview(actor: StaffMember, survivor_id: int, duplicate_mrn: str) -> MergePreview:
    """Who the duplicate MRN is and what merging it would move, before anything moves."""
    get_or_refuse(Patient, survivor_id, "patient")
    p = _duplicate_by_mrn(survivor_id, duplicate_mrn)
    moves = MergeCounts(tuple(_rows_of(m, f, p).count() for m, f, _one, _many in MERGED))
    return MergePreview(p.id, p.mrn, f"{p.last_name}, {p.first_name}", p.dob, moves)


@writer("patient.merge")
def merge_patients(
    actor: StaffMember, survivor_id: int, merged_id: int, confirm_mrn: str
) -> MergeCounts:
    """Move everything filed to the duplicate (every model in MERGED: visits, claims,
    coverage, account, chart, referrals, recalls, letters, mail, messages...) to the
    survivor and retire the duplicate (kept, marked merged, out
    of searches). Needs the duplicate's MRN typed again, so it cannot happen by accident;
    returns what moved, by kind."""
    if survivor_id == merged_id:
        raise ValidationError.one("confirm", "Choose two different records.")
    survivor = get_or_refuse(Patient, survivor_id, "patient")
    merged = get_or_refuse(Patient, merged_id, "patient")
    if merged.merged_into_id or survivor.merged_into_id:
        raise ServiceError("One of the two records has already been merged.")
    if (confirm_mrn or "").strip() != merged.mrn:
        raise ValidationError.one(
            "confirm", f"Type the MRN of the record to retire ({merged.mrn})."
        )
    moved = MergeCounts(
        tuple(
            m.update({getattr(m, f): survivor.id}).where(getattr(m, f) == merged.id).execute()
            for m, f, _one, _many in MERGED
        )
    )
    merged.merged_into = survivor
    merged.version += 1
    merged.updated_by = actor
    merged.updated_at = clock.now_utc()
    merged.save()
    detail = f"MRN {merged.mrn} merged into MRN {survivor.mrn}: moved {moved.text()}"
    audit(
        actor,
        "patient.merge",
        patient_id=survivor.id,
        entity="patient",
        entity_id=merged.id,
        detail=detail,
    )
    audit(
        actor,
        "patient.merged_away",
        patient_id=merged.id,
        entity="patient",
        entity_id=survivor.id,
        detail=detail,
    )
    return moved


def _coverage_row(c: Coverage) -> CoverageRow:
    return CoverageRow(
        c.id,
        c.version,
        c.priority,
        c.payer_id,
        c.payer.name,
        c.member_id,
        c.group_id,
        c.subscriber_name or "(patient)",
        c.subscriber_relation,
        c.copay_cents,
        c.effective,
        c.ends,
    )


@writer("patient.read", changes=())  # a writer: reading a restricted record is audited
def list_coverage(actor: StaffMember, patient_id: int) -> list[CoverageRow]:
    require_access(actor, patient_id, "insurance list")
    query = (
        Coverage.select(Coverage, Payer)
        .join(Payer)
        .where(Coverage.patient == patient_id)
        .order_by(Coverage.ends.is_null(False), Coverage.priority)
    )
    return [_coverage_row(c) for c in query]


def _clean_coverage(data: dict) -> dict:
    today = clock.today()
    clean, errors = {}, {}

    def check(name, fn):
        try:
            clean[name] = fn(data.get(name, ""))
        except ValidationError as exc:
            errors.update(exc.errors)

    def payer(value):
        text = str(value).strip()
        p = Payer.get_or_none(Payer.id == int(text)) if is_whole_number(text) else None
        if p is None:
            raise ValidationError.one("payer_id", "Choose the insurance company.")
        return p.id

    def priority(value):
        text = str(value or "1").strip()
        if text not in ("1", "2", "3"):
            raise ValidationError.one("priority", "1 primary, 2 secondary, 3 tertiary.")
        return int(text)

    def relation(value):
        text = (value or "self").strip().lower()
        if text not in RELATIONS:
            raise ValidationError.one("subscriber_relation", "self, spouse, child or other.")
        return text

    def optional_date(field):
        return lambda v: parse_date(field, v, today=today) if (v or "").strip() else None

    check("payer_id", payer)
    check("priority", priority)
    check(
        "member_id",
        lambda v: clean_text("member_id", v, max_len=40, required=True, label="Member id"),
    )
    check("group_id", lambda v: clean_text("group_id", v, max_len=40, label="Group id"))
    check(
        "subscriber_name",
        lambda v: clean_text("subscriber_name", v, max_len=80, label="Subscriber"),
    )
    check("subscriber_relation", relation)
    check("copay_cents", lambda v: parse_money("copay_cents", v or "0", label="Co-pay"))
    check("effective", optional_date("effective"))
    check("ends", optional_date("ends"))
    if not errors and clean["subscriber_relation"] != "self" and not clean["subscriber_name"]:
        errors["subscriber_name"] = "Name the subscriber (the policy holder)."
    if not errors and clean["effective"] and clean["ends"] and clean["ends"] < clean["effective"]:
        errors["ends"] = "The end date is before the effective date."
    if errors:
        raise ValidationError(errors)
    return clean


@writer("patient.write")
def save_coverage(
    actor: StaffMember, patient_id: int, coverage_id: int | None, version: int | None, data: dict
) -> CoverageRow:
    """Add or change a coverage: payer, priority, member and group ids, subscriber and
    relationship, co-pay, effective and end dates. Refuses a stale edit."""
    patient = require_access(actor, patient_id, "insurance changed")
    clean = _clean_coverage(data)
    payer_id = clean.pop("payer_id")
    if coverage_id:
        c = get_or_refuse(Coverage, coverage_id, "coverage")
        if c.version != version:
            raise Conflict("The coverage was changed meanwhile; it has been reloaded.")
        for key, value in clean.items():
            setattr(c, key, value)
        c.payer = payer_id
        c.version += 1
        c.save()
    else:
        c = Coverage.create(patient=patient, payer=payer_id, **clean)
    audit(
        actor,
        "coverage.save",
        patient_id=patient.id,
        entity="coverage",
        entity_id=c.id,
        detail=f"priority {c.priority} member {c.member_id}",
    )
    return _coverage_row(
        Coverage.select(Coverage, Payer).join(Payer).where(Coverage.id == c.id).get()
    )


@writer("patient.merge")
def merge_duplicate(
    actor: StaffMember, survivor_id: int, duplicate_mrn: str, confirm_mrn: str
) -> MergeCounts:
    """merge_patients for the desk, who know the duplicate by its MRN (typed twice)."""
    duplicate = _duplicate_by_mrn(survivor_id, duplicate_mrn)
    return merge_patients.__wrapped__(actor, survivor_id, duplicate.id, confirm_mrn)
