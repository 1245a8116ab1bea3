"""Charge capture: a checked-out visit becomes a draft claim with its diagnoses (up to 12)
and service lines (code, up to 4 modifiers, units, fee from the fee schedule, dates, place
of service, rendering provider, up to 4 diagnosis pointers). The claim's total is always
the sum of its lines: every change re-derives it in the same transaction.

Visits checked out with no claim are the "unbilled visits" worklist (unbilled.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import (
    Appointment,
    Claim,
    ClaimDiagnosis,
    ClaimHold,
    ClaimLine,
    ClaimStatusChange,
    Coverage,
    DiagnosisCode,
    ProcedureCode,
    Provider,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import (
    clean_text,
    format_money,
)
from .charge_lines import LINE_FIELDS, line_columns, parse_line  # noqa: F401 (save_line's fields)
from .codes import billable_children, normal_icd
from .scrubber import parse_pointers

EDITABLE = ("draft", "held", "ready")
MAX_DIAGNOSES = 12
MAX_LINES = 50


@dataclass(frozen=True)
class DiagnosisRow:
    position: int
    code: str
    description: str


@dataclass(frozen=True)
class LineRow:
    line_no: int
    code: str
    description: str
    modifiers: str
    units: int
    fee_cents: int
    charge_cents: int
    pointers: str
    service_from: dt.date
    service_to: dt.date
    place_of_service: str
    rendering_provider_id: int
    rendering_provider: str


@dataclass(frozen=True)
class ChargeSheet:
    claim_id: int
    version: int
    status: str
    patient: str
    payer: str
    payer_id: int
    service_date: dt.date
    provider_id: int
    provider: str
    diagnoses: list[DiagnosisRow]
    lines: list[LineRow]
    total_cents: int
    holds: list[str]


# --- the charge sheet -----------------------------------------------------------------


def _sheet(c: Claim) -> ChargeSheet:
    c = Claim.get_by_id(c.id)
    descriptions = {}
    dx = list(c.diagnoses.order_by(ClaimDiagnosis.position))
    for d in DiagnosisCode.select().where(DiagnosisCode.code.in_([d.code for d in dx])):
        descriptions[d.code] = d.description
    lines = list(c.lines.order_by(ClaimLine.line_no))
    procs = {
        p.code: p.description
        for p in ProcedureCode.select().where(
            ProcedureCode.code.in_([ln.procedure_code for ln in lines])
        )
    }
    providers = {p.id: p.short_name for p in Provider.select()}
    return ChargeSheet(
        c.id,
        c.version,
        c.status,
        f"{c.patient.last_name}, {c.patient.first_name}",
        c.payer.name,
        c.payer_id,
        c.service_date,
        c.provider_id,
        providers.get(c.provider_id, ""),
        [DiagnosisRow(d.position, d.code, descriptions.get(d.code, "")) for d in dx],
        [
            LineRow(
                ln.line_no,
                ln.procedure_code,
                procs.get(ln.procedure_code, ""),
                ln.modifiers,
                ln.units,
                ln.fee_cents if ln.fee_cents is not None else ln.charge_cents // max(ln.units, 1),
                ln.charge_cents,
                ln.pointers,
                ln.service_from or c.service_date,
                ln.service_to or ln.service_from or c.service_date,
                ln.place_of_service,
                ln.rendering_provider_id or c.provider_id,
                providers.get(ln.rendering_provider_id or c.provider_id, ""),
            )
            for ln in lines
        ],
        c.total_cents,
        [
            h.message
            for h in ClaimHold.select().where(ClaimHold.claim == c.id).order_by(ClaimHold.id)
        ],
    )


@writer("claims.write")
def start_charges(actor: StaffMember, appointment_id: int) -> ChargeSheet:
    """The draft claim of a checked-out visit, made now if there is none: the patient's
    primary coverage is billed, the visit's provider renders. Refuses a visit not checked
    out and a patient with no insurance on file."""
    appt = get_or_refuse(Appointment, appointment_id, "visit")
    require_access(actor, appt.patient_id, f"charges of visit {appt.id}")
    existing = Claim.get_or_none(Claim.appointment == appt.id)
    if existing is not None:
        return _sheet(existing)
    if appt.status != "checked_out":
        raise ValidationError.one("visit", "Only a checked-out visit can be coded.")
    day = appt.starts_at.date()
    coverage = (
        Coverage.select()
        .where(
            (Coverage.patient == appt.patient_id)
            & ((Coverage.effective.is_null()) | (Coverage.effective <= day))
            & ((Coverage.ends.is_null()) | (Coverage.ends >= day))
        )
        .order_by(Coverage.priority, Coverage.id)
        .first()
    )
    if coverage is None:
        raise ValidationError.one(
            "visit", "The patient has no insurance in force on the visit's date: bill the patient."
        )
    claim = Claim.create(
        patient=appt.patient_id,
        payer=coverage.payer_id,
        coverage=coverage.id,
        provider=appt.provider_id,
        appointment=appt.id,
        service_date=day,
        status="draft",
        total_cents=0,
        created_at=clock.now_utc(),
        status_changed_at=clock.now_utc(),
    )
    audit(actor, "claim.create", patient_id=appt.patient_id, entity="claim", entity_id=claim.id,
          detail=f"visit {appt.id}")  # fmt: skip
    return _sheet(claim)


@writer("claims.read", changes=())  # a writer only to record a restricted record's reading
def charge_sheet(actor: StaffMember, claim_id: int) -> ChargeSheet:
    """A claim's diagnoses, lines, total and the last scrub's hold reasons."""
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"charges of claim {c.id}")
    return _sheet(c)


def _editable(actor: StaffMember, claim_id: int, version: int, what: str) -> Claim:
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} {what}")
    if c.version != version:
        raise Conflict(f"Claim {c.id} was changed by someone else; it has been reloaded.")
    if c.status not in EDITABLE:
        raise ValidationError.one(
            "claim", f"Claim {c.id} is {c.status}: only a draft, held or ready claim is changed."
        )
    return c


def _changed(actor: StaffMember, c: Claim, action: str, detail: str) -> ChargeSheet:
    """After any change: the total re-derived from the lines, a ready claim back to draft
    (it must be scrubbed again), the version moved, the change audited."""
    total = (
        ClaimLine.select(fn.COALESCE(fn.SUM(ClaimLine.charge_cents), 0))
        .where(ClaimLine.claim == c.id)
        .scalar()
    )
    status = "draft" if c.status == "ready" else c.status
    if status != c.status:
        ClaimStatusChange.create(claim=c, from_status=c.status, to_status=status,
                                 note="Charges changed: scrub again", staff=actor,
                                 at=clock.now_utc())  # fmt: skip
    Claim.update(
        total_cents=total,
        status=status,
        status_changed_at=clock.now_utc() if status != c.status else c.status_changed_at,
        version=Claim.version + 1,
    ).where(Claim.id == c.id).execute()
    audit(actor, action, patient_id=c.patient_id, entity="claim", entity_id=c.id, detail=detail)
    return _sheet(c)


# --- diagnoses ------------------------------------------------------------------------


def check_diagnosis(code_text: str) -> DiagnosisCode:
    """The billable ICD-10-CM code typed; refused when unknown or only a category."""
    text = clean_text("code", code_text, max_len=10, required=True, label="Diagnosis")
    code = normal_icd(text)
    found = DiagnosisCode.get_or_none(DiagnosisCode.code == code)
    if found is None:
        raise ValidationError.one("code", f"{code} is not an ICD-10-CM code.")
    if not found.billable:
        more = billable_children(code)
        hint = f": choose one of {', '.join(more)}" if more else ""
        raise ValidationError.one(
            "code", f"{code} ({found.description}) is a category, not a billable code{hint}."
        )
    return found


@writer("claims.write")
def add_diagnosis(actor: StaffMember, claim_id: int, version: int, code: str) -> ChargeSheet:
    """Add a billable ICD-10-CM code as the claim's next diagnosis (up to 12, each once)."""
    found = check_diagnosis(code)
    c = _editable(actor, claim_id, version, "diagnosis added")
    held = [d.code for d in c.diagnoses.order_by(ClaimDiagnosis.position)]
    if found.code in held:
        raise ValidationError.one(
            "code", f"{found.code} is diagnosis {held.index(found.code) + 1} already."
        )
    if len(held) >= MAX_DIAGNOSES:
        raise ValidationError.one("code", f"A claim holds at most {MAX_DIAGNOSES} diagnoses.")
    ClaimDiagnosis.create(claim=c, position=len(held) + 1, code=found.code)
    return _changed(actor, c, "claim.diagnosis", f"+{found.code}")


@writer("claims.write")
def remove_diagnosis(actor: StaffMember, claim_id: int, version: int, position: int) -> ChargeSheet:
    """Take a diagnosis off; the ones after it move up, and lines' pointers follow them.
    Refuses while a line points at it."""
    c = _editable(actor, claim_id, version, "diagnosis removed")
    held = list(c.diagnoses.order_by(ClaimDiagnosis.position))
    if (
        isinstance(position, bool)
        or not isinstance(position, int)
        or not 1 <= position <= len(held)
    ):
        raise ValidationError.one("position", "Choose a diagnosis from the list.")
    lines = list(c.lines.order_by(ClaimLine.line_no))
    users = [str(ln.line_no) for ln in lines if position in parse_pointers(ln.pointers)]
    if users:
        raise ValidationError.one(
            "position",
            f"Line {', '.join(users)} points at diagnosis {position}: change "
            f"{'it' if len(users) == 1 else 'them'} first.",
        )
    code = held[position - 1].code
    ClaimDiagnosis.delete().where(ClaimDiagnosis.id == held[position - 1].id).execute()
    # Positions are unique per claim: moved through negatives, so no two rows collide.
    for d in held[position:]:
        ClaimDiagnosis.update(position=-(d.position - 1)).where(ClaimDiagnosis.id == d.id).execute()
    ClaimDiagnosis.update(position=ClaimDiagnosis.position * -1).where(
        (ClaimDiagnosis.claim == c.id) & (ClaimDiagnosis.position < 0)
    ).execute()
    for ln in lines:
        moved = [p - 1 if p > position else p for p in parse_pointers(ln.pointers)]
        ClaimLine.update(pointers=",".join(map(str, moved))).where(ClaimLine.id == ln.id).execute()
    return _changed(actor, c, "claim.diagnosis", f"-{code}")


# --- lines ----------------------------------------------------------------------------


@writer("claims.write")
def save_line(
    actor: StaffMember, claim_id: int, version: int, line_no: int | None, data: dict
) -> ChargeSheet:
    """Add a service line (*line_no* None) or change one. *data*: code, modifiers ("25 59"),
    units, fee (blank: the fee schedule's for the claim's payer), pointers ("1,2"; blank:
    the first diagnoses), date and date_to (blank: the claim's), pos (blank: 11, office),
    provider_id (None: the claim's). Every bad field is refused with its reason; nothing is
    written then."""
    if not isinstance(data, dict):
        raise ValidationError.one("code", "Nothing to save.")
    c = _editable(actor, claim_id, version, "line saved")
    diagnoses = [d.code for d in c.diagnoses.order_by(ClaimDiagnosis.position)]
    values = parse_line(c, data, len(diagnoses))
    columns = line_columns(values, diagnoses)
    lines = list(c.lines.order_by(ClaimLine.line_no))
    if line_no is None:
        if len(lines) >= MAX_LINES:
            raise ValidationError.one("code", f"A claim holds at most {MAX_LINES} lines.")
        number = (lines[-1].line_no if lines else 0) + 1
        ClaimLine.create(claim=c, line_no=number, **columns)
    else:
        target = next((ln for ln in lines if ln.line_no == line_no), None)
        if target is None or isinstance(line_no, bool):
            raise ValidationError.one("line", "That line is no longer on the claim.")
        number = line_no
        ClaimLine.update(**columns).where(ClaimLine.id == target.id).execute()
    return _changed(
        actor, c, "claim.line",
        f"line {number}: {columns['procedure_code']} x{columns['units']} "
        f"{format_money(columns['charge_cents'])}",
    )  # fmt: skip


@writer("claims.write")
def remove_line(actor: StaffMember, claim_id: int, version: int, line_no: int) -> ChargeSheet:
    """Take a line off the claim; the lines after it are renumbered."""
    c = _editable(actor, claim_id, version, "line removed")
    lines = list(c.lines.order_by(ClaimLine.line_no))
    target = next(
        (ln for ln in lines if ln.line_no == line_no and not isinstance(line_no, bool)), None
    )
    if target is None:
        raise ValidationError.one("line", "That line is no longer on the claim.")
    ClaimLine.delete().where(ClaimLine.id == target.id).execute()
    for n, ln in enumerate((ln for ln in lines if ln.id != target.id), start=1):
        if ln.line_no != n:
            ClaimLine.update(line_no=n).where(ClaimLine.id == ln.id).execute()
    return _changed(actor, c, "claim.line", f"line {line_no} removed ({target.procedure_code})")
