"""Taking a payment into the patient's account (a co-pay posts its charge first) and the
receipt it gives, as text or as a PDF file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import AccountEntry, Appointment, ClinicSettings, Patient, StaffMember
from ...text import latin1
from .. import clock
from ..books import accounts as books_accounts
from ..books.postings import PAYMENT_ACCOUNT, Batch
from ..core import audit, get_or_refuse, writer
from ..errors import ServiceError, ValidationError
from ..files import save_export
from ..patients.privacy import require_access
from ..validate import clean_text, format_money, parse_money
from .frontdesk import _visit_copay, balance_of

PAYMENT_METHODS = {"cash": "Cash", "check": "Check", "card": "Card"}


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
    books = Batch()  # the patient's balance is read before this job's entries move it
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
            copay = max(_visit_copay(appointment), cents)
            books.patient(patient.id, copay)
            books.add(books_accounts.REVENUE, -copay)
            AccountEntry.create(
                patient=patient,
                appointment=appointment,
                kind="charge",
                cents=copay,
                description="Co-pay",
                staff=actor,
                at=now,
            )
    number = _next_receipt()
    books.patient(patient.id, -cents)
    books.add(PAYMENT_ACCOUNT[method], cents)
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
    books.post(memo=f"{description}: receipt {number} ({method})", source="patient_payment",
               source_id=number, staff=actor)  # fmt: skip
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


def text_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page letter PDF: a bold title, then plain lines (receipts, visit slips)."""
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
        text_pdf(lines[0], lines[1:]),
        action="receipt.pdf",
        detail=f"receipt {receipt.number}",
        overwrite=overwrite,
        patient_id=patient_id,
    )
    return str(target)
