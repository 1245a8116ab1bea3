"""The desk's part of a visit: insurance verification, intake forms, what the visit's
co-pay is and what was paid. Taking payments and receipts are in payments.py, the visit
slip in visit_slip.py, rooms and the flow board in flow_board.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import (
    AccountEntry,
    Appointment,
    Coverage,
    EligibilityCheck,
    IntakeItem,
    IntakeRecord,
    Payer,
    StaffMember,
    TypeIntakeItem,
)
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import ServiceError, ValidationError
from ..patients.privacy import require_access
from ..scheduling.schedule import (
    ScheduleRow,
    _check_version,
    insurance_verified,
    schedule_row,
)
from ..validate import clean_text

ELIGIBILITY_LABELS = {
    "verified": "Verified",
    "not_verified": "Not verified",
    "inactive": "Inactive",
}
METHODS = {"phone": "Phone call", "portal": "Payer portal", "edi": "270/271 inquiry"}


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
        appointment=schedule_row(a),
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
