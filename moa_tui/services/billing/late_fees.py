"""Late fees on overdue statements (issue 11 item 8), and the statement run's settings.

A late fee is off by default (0 % a month). When the practice sets one (e.g. 1.5 % a
month), it is never charged by itself: late_fee_preview shows what each patient would be
charged and why, and apply_late_fees posts exactly that list (the patients' accounts, as
a charge: posted money is never edited, a mistake is reversed by another entry) or, if
anything changed since it was shown, refuses and asks to look again.

Overdue: the amount of a patient's latest statement whose Net-30 due date has passed, less
what the patient paid or was credited since, and never more than they owe now. At most
one late fee a patient every 30 days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from peewee import fn

from ...db import changes
from ...db.models import AccountEntry, Patient, StaffMember, Statement
from .. import clock
from ..books import accounts as books_accounts
from ..books.postings import Batch
from ..core import audit, reader, writer
from ..errors import Conflict, ServiceError, ValidationError
from ..validate import format_money, parse_money
from .statements import settings_row

LATE_FEE = "Late fee"


@dataclass(frozen=True)
class LateFee:
    patient_id: int
    name: str
    mrn: str
    overdue_cents: int
    fee_cents: int
    due_date: dt.date


@dataclass(frozen=True)
class StatementRules:
    version: int
    min_balance_cents: int
    days_between: int
    late_fee_bp: int  # basis points a month; 0: off

    @property
    def late_fee_percent(self) -> str:
        return f"{Decimal(self.late_fee_bp) / 100:.2f}"


def _rules() -> StatementRules:
    s = settings_row()
    return StatementRules(s.version, s.min_balance_cents, s.days_between, s.late_fee_bp)


@reader("claims.read")
def statement_rules(actor: StaffMember) -> StatementRules:
    return _rules()


@writer("billing.writeoff")
def save_statement_rules(actor: StaffMember, version: int, min_balance: str,
                         days_between: str, late_fee_percent: str) -> StatementRules:  # fmt: skip
    """The minimum balance billed, the days between two statements and the monthly late
    fee in percent (0: off, at most 10)."""
    s = settings_row()
    if s.version != version:
        raise Conflict("The statement settings were changed meanwhile; they have been reloaded.")
    cents = parse_money("min_balance", min_balance, label="Minimum balance")
    if cents < 1:
        raise ValidationError.one("min_balance", "Minimum balance: at least $0.01.")
    text = str(days_between or "").strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 365):
        raise ValidationError.one("days_between", "Days between statements: 1 to 365.")
    try:
        pct = Decimal(str(late_fee_percent or "0").strip().rstrip("%") or "0")
    except InvalidOperation:
        pct = Decimal(-1)
    if (
        not pct.is_finite()
        or not Decimal(0) <= pct <= Decimal(10)
        or pct != pct.quantize(Decimal("0.01"))
    ):
        raise ValidationError.one("late_fee", "Late fee: 0 (off) to 10 % a month, e.g. 1.5.")
    s.min_balance_cents, s.days_between = cents, int(text)
    s.late_fee_bp = int(pct * 100)
    s.version += 1
    s.save()
    audit(actor, "statements.settings", detail=f"minimum {format_money(cents)}, every "
          f"{s.days_between} days, late fee {pct} % a month")  # fmt: skip
    return _rules()


def _late_fees(today: dt.date) -> list[LateFee]:
    bp = settings_row().late_fee_bp
    if bp <= 0:
        return []
    latest = {}
    for st in (
        Statement.select()
        .where(Statement.due_date < today)
        .order_by(Statement.statement_date, Statement.id)
    ):
        latest[st.patient_id] = st  # the latest past-due statement of each patient
    if not latest:
        return []
    recent = clock.local_to_utc(dt.datetime.combine(today - dt.timedelta(days=30), dt.time()))
    charged = {
        pid
        for (pid,) in AccountEntry.select(AccountEntry.patient)
        .where(AccountEntry.description.startswith(LATE_FEE) & (AccountEntry.at >= recent))
        .tuples()
    }
    fees = []
    for patient in Patient.select().where(Patient.id.in_(list(latest))).order_by(Patient.id):
        if patient.id in charged:
            continue
        st = latest[patient.id]
        since = clock.local_to_utc(dt.datetime.combine(st.statement_date, dt.time()))
        paid = -(
            AccountEntry.select(fn.SUM(AccountEntry.cents))
            .where(
                (AccountEntry.patient == patient.id)
                & (AccountEntry.cents < 0)
                & (AccountEntry.at >= since)
            )  # fmt: skip
            .scalar()
            or 0
        )
        owed = (
            AccountEntry.select(fn.SUM(AccountEntry.cents))
            .where(AccountEntry.patient == patient.id)
            .scalar()
            or 0
        )
        overdue = max(0, min(st.amount_due_cents - paid, owed))
        fee = int((Decimal(overdue) * bp / 10000).quantize(Decimal(1), ROUND_HALF_UP))
        if fee > 0:
            fees.append(LateFee(patient.id, f"{patient.last_name}, {patient.first_name}",
                                patient.mrn, overdue, fee, st.due_date))  # fmt: skip
    return fees


@reader("claims.read")
def late_fee_preview(actor: StaffMember) -> list[LateFee]:
    """Who a late-fee run would charge, how much and on what overdue amount; nothing is
    posted. Refuses while late fees are off."""
    if settings_row().late_fee_bp <= 0:
        raise ServiceError("Late fees are off (0 % a month in the statement settings).")
    return _late_fees(clock.today())


@writer("billing.writeoff", changes=(changes.PATIENTS,))
def apply_late_fees(actor: StaffMember, shown: list[tuple[int, int]]) -> list[LateFee]:
    """Post the late fees *shown* (patient id, cents) by late_fee_preview, all or none:
    refused if the list is not what a preview gives now."""
    if settings_row().late_fee_bp <= 0:
        raise ServiceError("Late fees are off (0 % a month in the statement settings).")
    fees = _late_fees(clock.today())
    try:
        wanted = sorted((int(p), int(c)) for p, c in shown)
    except (TypeError, ValueError):
        raise ServiceError("Show the late fees first, then post what was shown.") from None
    if not fees or wanted != sorted((f.patient_id, f.fee_cents) for f in fees):
        raise Conflict("The late fees changed since they were shown; look at them again.")
    pct = Decimal(settings_row().late_fee_bp) / 100
    now = clock.now_utc()
    books = Batch()
    for f in fees:
        books.patient(f.patient_id, f.fee_cents)
        books.add(books_accounts.LATE_FEES, -f.fee_cents)
    books.post(memo=f"Late fees: {len(fees)} patient(s)", source="late_fee", source_id=None,
               staff=actor)  # fmt: skip
    for f in fees:
        AccountEntry.create(
            patient=f.patient_id, kind="charge", cents=f.fee_cents,
            description=f"{LATE_FEE} {pct:.2f}% on {format_money(f.overdue_cents)} "
            f"due {f.due_date:%m/%d/%Y}"[:120], staff=actor, at=now,
        )  # fmt: skip
        audit(actor, "statements.late_fee", patient_id=f.patient_id, entity="patient",
              entity_id=f.patient_id, detail=f"{format_money(f.fee_cents)} on "
              f"{format_money(f.overdue_cents)} overdue")  # fmt: skip
    return fees
