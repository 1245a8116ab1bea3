"""The desk's part of a visit: insurance verification, intake forms, co-pays and the
patient's account, receipts. Rooms and the flow board are in flow_board.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import (
    AccountEntry,
    Appointment,
    ClinicSettings,
    Coverage,
    EligibilityCheck,
    IntakeItem,
    IntakeRecord,
    Patient,
    Payer,
    StaffMember,
    TypeIntakeItem,
)
from ...text import latin1
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import ServiceError, ValidationError
from ..files import save_export
from ..patients.privacy import require_access
from ..scheduling.schedule import (
    ScheduleRow,
    _check_version,
    _row,
    insurance_verified,
)
from ..validate import clean_text, format_money, parse_money

ELIGIBILITY_LABELS = {
    "verified": "Verified",
    "not_verified": "Not verified",
    "inactive": "Inactive",
}
METHODS = {"phone": "Phone call", "portal": "Payer portal", "edi": "270/271 inquiry"}
PAYMENT_METHODS = {"cash": "Cash", "check": "Check", "card": "Card"}


@dataclass(frozen=True)
class VisitDesk:
    """What the desk needs to check a visit in."""

    appointment: ScheduleRow
    payer: str  # "" when the patient has no active coverage
    member_id: str
    copay_cents: int
    eligibility: str  # last check's label, "" when never checked
    verified: bool
    self_pay: bool
    missing: list[tuple[int, str]]  # intake items due: (item id, name)
    balance_cents: int
    copay_collected_cents: int = 0  # co-pay payments posted for this visit
    paid_today: tuple[tuple[int, int], ...] = ()  # (receipt no, cents) for this visit today

    @property
    def copay_due_cents(self) -> int:
        """What is still to collect of the co-pay (never below zero)."""
        return max(self.copay_cents - self.copay_collected_cents, 0)


@dataclass(frozen=True)
class Receipt:
    number: int
    at: dt.datetime  # clinic local
    clinic: str
    patient: str
    mrn: str
    description: str
    amount_cents: int
    method: str
    reference: str
    staff: str
    balance_after_cents: int


def _primary(patient_id: int, day: dt.date) -> Coverage | None:
    return (
        Coverage.select(Coverage, Payer)
        .join(Payer)
        .where(
            (Coverage.patient == patient_id)
            & (Coverage.ends.is_null() | (Coverage.ends >= day))
            & (Coverage.effective.is_null() | (Coverage.effective <= day))
        )
        .order_by(Coverage.priority)
        .first()
    )


def balance_of(patient_id: int) -> int:
    return (
        AccountEntry.select(fn.SUM(AccountEntry.cents))
        .where(AccountEntry.patient == patient_id)
        .scalar()
        or 0
    )


def _missing_intake(a: Appointment) -> list[tuple[int, str]]:
    items = (
        IntakeItem.select()
        .join(TypeIntakeItem)
        .where((TypeIntakeItem.appt_type == a.appt_type_id) & IntakeItem.active)
        .order_by(IntakeItem.name)
    )
    missing = []
    for item in items:
        last = (
            IntakeRecord.select(fn.MAX(IntakeRecord.at))
            .where((IntakeRecord.patient == a.patient_id) & (IntakeRecord.item == item))
            .scalar()
        )
        if item.every_days == 0:
            done = (
                IntakeRecord.select()
                .where((IntakeRecord.item == item) & (IntakeRecord.appointment == a.id))
                .exists()
            )
        elif last is None:
            done = False
        elif item.every_days is None:
            done = True
        else:
            done = clock.utc_to_local(last).date() > a.starts_at.date() - dt.timedelta(
                days=item.every_days
            )
        if not done:
            missing.append((item.id, item.name))
    return missing


def _visit_copay(a: Appointment) -> int:
    """The co-pay of this visit: the primary coverage's, none for a self-pay visit."""
    if a.self_pay:
        return 0
    coverage = _primary(a.patient_id, a.starts_at.date())
    return coverage.copay_cents if coverage else 0


def _payments_of_visit(a: Appointment):
    return AccountEntry.select().where(
        (AccountEntry.appointment == a.id) & (AccountEntry.kind == "payment")
    )


def _copay_collected(a: Appointment) -> int:
    paid = (
        _payments_of_visit(a)
        .where(AccountEntry.description == "Co-pay")
        .select(fn.SUM(AccountEntry.cents))
        .scalar()
    )
    return -(paid or 0)


def _paid_today(a: Appointment) -> tuple[tuple[int, int], ...]:
    start = clock.local_to_utc(dt.datetime.combine(clock.today(), dt.time.min))
    found = (
        _payments_of_visit(a).where(AccountEntry.at >= start).order_by(AccountEntry.id).limit(20)
    )
    return tuple((e.receipt_no, -e.cents) for e in found)


@writer("checkin", changes=())  # a writer: reading a restricted record is audited
def visit_desk(actor: StaffMember, appointment_id: int) -> VisitDesk:
    """Coverage, co-pay, eligibility, missing intake items and balance of one visit.
    A restricted record needs a reason stated this session (privacy.require_access)."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    require_access(actor, a.patient_id, "check-in data")
    coverage = _primary(a.patient_id, a.starts_at.date())
    last = None
    if coverage is not None:
        last = (
            EligibilityCheck.select()
            .where(EligibilityCheck.coverage == coverage)
            .order_by(EligibilityCheck.id.desc())
            .first()
        )
    return VisitDesk(
        appointment=_row(a),
        payer=coverage.payer.name if coverage else "",
        member_id=coverage.member_id if coverage else "",
        copay_cents=coverage.copay_cents if coverage and not a.self_pay else 0,
        eligibility=ELIGIBILITY_LABELS[last.status] if last else "",
        verified=insurance_verified(a),
        self_pay=a.self_pay,
        missing=_missing_intake(a),
        balance_cents=balance_of(a.patient_id),
        copay_collected_cents=_copay_collected(a),
        paid_today=_paid_today(a),
    )


@writer("checkin")
def record_eligibility(
    actor: StaffMember, appointment_id: int, status: str, method: str, reference: str
) -> VisitDesk:
    """Record an insurance check for this visit: verified / not verified / inactive, how,
    and the payer's reference number (required when verified)."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    require_access(actor, a.patient_id, "insurance check recorded")
    if status not in ELIGIBILITY_LABELS:
        raise ValidationError.one("status", "Verified, not verified or inactive.")
    if method not in METHODS:
        raise ValidationError.one("method", "Phone, portal or 270/271.")
    reference = clean_text("reference", reference, max_len=40, label="Reference")
    if status == "verified" and not reference:
        raise ValidationError.one("reference", "Note the payer's reference number.")
    coverage = _primary(a.patient_id, a.starts_at.date())
    if coverage is None:
        raise ServiceError("The patient has no active coverage: add it or choose self-pay.")
    EligibilityCheck.create(
        coverage=coverage,
        appointment=a,
        status=status,
        method=method,
        reference=reference,
        staff=actor,
        at=clock.now_utc(),
    )
    audit(
        actor,
        "eligibility.check",
        patient_id=a.patient_id,
        entity="appointment",
        entity_id=a.id,
        detail=f"{coverage.payer.name}: {status} by {method} {reference}",
    )
    return visit_desk.__wrapped__(actor, a.id)


@writer("checkin")
def set_self_pay(
    actor: StaffMember, appointment_id: int, version: int, self_pay: bool
) -> VisitDesk:
    """The patient pays this visit themselves (no insurance billed)."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    require_access(actor, a.patient_id, "self-pay changed")
    _check_version(a, version)
    a.self_pay = self_pay
    a.version += 1
    a.save()
    audit(
        actor,
        "appointment.self_pay",
        patient_id=a.patient_id,
        entity="appointment",
        entity_id=a.id,
        detail="self-pay" if self_pay else "insurance",
    )
    return visit_desk.__wrapped__(actor, a.id)


@writer("checkin")
def tick_intake(actor: StaffMember, appointment_id: int, item_id: int) -> VisitDesk:
    """Mark an intake item done for this visit (form signed, card copied...)."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    require_access(actor, a.patient_id, "intake form done")
    item = get_or_refuse(IntakeItem, item_id, "intake item")
    IntakeRecord.create(
        patient=a.patient_id, item=item, appointment=a, staff=actor, at=clock.now_utc()
    )
    audit(
        actor,
        "intake.done",
        patient_id=a.patient_id,
        entity="appointment",
        entity_id=a.id,
        detail=item.name,
    )
    return visit_desk.__wrapped__(actor, a.id)


def _next_receipt() -> int:
    return (AccountEntry.select(fn.MAX(AccountEntry.receipt_no)).scalar() or 1000) + 1


@writer("checkin")
def collect_payment(
    actor: StaffMember,
    patient_id: int,
    amount: str,
    method: str,
    reference: str = "",
    appointment_id: int | None = None,
    description: str = "Payment",
) -> Receipt:
    """Take a payment (cash, check with its number, card with its reference) into the
    patient's account and return the receipt. A co-pay (description "Co-pay") first posts
    the co-pay as a charge of the visit, once: the visit's co-pay, so that a part paid now
    leaves the rest due on the account (the amount taken when it is more)."""
    patient = require_access(actor, patient_id, "payment and balance")
    cents = parse_money("amount", amount)
    if cents == 0:
        raise ValidationError.one("amount", "The amount is zero.")
    if cents > 10_000_000:
        raise ValidationError.one("amount", "That amount is too large for the desk.")
    if method not in PAYMENT_METHODS:
        raise ValidationError.one("method", "Cash, check or card.")
    reference = clean_text("reference", reference, max_len=40, label="Reference")
    if method in ("check", "card") and not reference:
        label = "check number" if method == "check" else "card approval reference"
        raise ValidationError.one("reference", f"Note the {label}.")
    description = clean_text(
        "description", description, max_len=120, required=True, label="Description"
    )
    appointment = (
        get_or_refuse(Appointment, appointment_id, "appointment") if appointment_id else None
    )
    now = clock.now_utc()
    if description == "Co-pay" and appointment is not None:
        already = (
            AccountEntry.select()
            .where(
                (AccountEntry.appointment == appointment)
                & (AccountEntry.kind == "charge")
                & (AccountEntry.description == "Co-pay")
            )
            .exists()
        )
        if not already:
            AccountEntry.create(
                patient=patient,
                appointment=appointment,
                kind="charge",
                cents=max(_visit_copay(appointment), cents),
                description="Co-pay",
                staff=actor,
                at=now,
            )
    number = _next_receipt()
    AccountEntry.create(
        patient=patient,
        appointment=appointment,
        kind="payment",
        cents=-cents,
        description=description,
        method=method,
        reference=reference,
        receipt_no=number,
        staff=actor,
        at=now,
    )
    balance = balance_of(patient.id)
    audit(
        actor,
        "payment.collect",
        patient_id=patient.id,
        entity="account",
        detail=f"{format_money(cents)} {method} {reference} receipt {number}",
    )
    clinic = ClinicSettings.select().first()
    return Receipt(
        number,
        clock.utc_to_local(now),
        clinic.name if clinic else "",
        f"{patient.first_name} {patient.last_name}",
        patient.mrn,
        description,
        cents,
        PAYMENT_METHODS[method],
        reference,
        actor.full_name,
        balance,
    )


def receipt_text(r: Receipt) -> str:
    """A plain-text receipt (also what the PDF shows)."""
    lines = [
        r.clinic,
        f"Receipt {r.number}    {r.at:%m/%d/%Y %H:%M}",
        f"Patient: {r.patient} (MRN {r.mrn})",
        f"{r.description}: {format_money(r.amount_cents)}",
        f"Paid by {r.method}" + (f" ({r.reference})" if r.reference else ""),
        f"Balance after payment: {format_money(r.balance_after_cents)}",
        f"Received by {r.staff}",
        "Thank you.",
    ]
    return "\n".join(lines) + "\n"


def _pdf(title: str, lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.cell(0, 6, latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@writer("checkin", changes=())  # a writer: a restricted record's read is audited
def _may_print_receipt(actor: StaffMember, receipt: Receipt) -> int:
    """The receipt's patient id, once the account may print it (restricted records too)."""
    patient = Patient.get_or_none(Patient.mrn == receipt.mrn)
    if patient is None:
        raise ServiceError("That receipt's patient no longer exists.")
    require_access(actor, patient, f"receipt {receipt.number}")
    return patient.id


def save_receipt_pdf(
    actor: StaffMember, receipt: Receipt, path: str, overwrite: bool = False
) -> str:
    """The receipt as a PDF file (readable by its owner only; a bare name goes to the
    export folder). Refuses what files.write_private refuses, an existing file unless
    *overwrite*."""
    patient_id = _may_print_receipt(actor, receipt)
    lines = receipt_text(receipt).splitlines()
    target = save_export(
        actor,
        path,
        _pdf(lines[0], lines[1:]),
        action="receipt.pdf",
        detail=f"receipt {receipt.number}",
        overwrite=overwrite,
        patient_id=patient_id,
    )
    return str(target)


def visit_slip_lines(row: ScheduleRow, next_visit: ScheduleRow | None) -> list[str]:
    lines = [
        f"Patient: {row.patient}",
        f"Seen: {row.starts_at:%A %m/%d/%Y %H:%M} by {row.provider} ({row.appt_type})",
        "",
    ]
    if next_visit is not None:
        lines += [
            "Your next appointment:",
            f"  {next_visit.starts_at:%A %m/%d/%Y at %H:%M} with {next_visit.provider}",
            "  Please call us at least 24 hours ahead if you cannot come.",
        ]
    else:
        lines.append("No follow-up appointment was booked.")
    return lines


@writer("checkin", changes=())  # as _may_print_receipt
def _visit_slip_title(actor: StaffMember, row: ScheduleRow) -> str:
    """The slip's title, once the account may print this patient's slip."""
    require_access(actor, row.patient_id, "visit slip")
    clinic = ClinicSettings.select().first()
    return f"{clinic.name if clinic else ''}: visit slip"


def save_visit_slip(
    actor: StaffMember,
    row: ScheduleRow,
    next_visit: ScheduleRow | None,
    path: str,
    overwrite: bool = False,
) -> str:
    """The visit slip with the next appointment, as a PDF file (as save_receipt_pdf)."""
    title = _visit_slip_title(actor, row)
    target = save_export(
        actor,
        path,
        _pdf(title, visit_slip_lines(row, next_visit)),
        action="visit_slip.pdf",
        detail="visit slip",
        overwrite=overwrite,
        entity="appointment",
        entity_id=row.id,
        patient_id=row.patient_id,
    )
    return str(target)
