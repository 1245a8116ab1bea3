"""Booking: the booking rules (hours, closed days, no double booking unless overbooked on
purpose), reschedule, cancel, no-show, undo and a patient's history. The slot finder that
offers the times is slots.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import (
    Appointment,
    AppointmentStatusChange,
    AppointmentType,
    Patient,
    Provider,
    StaffMember,
)
from .. import clock
from ..comms.recalls import close_for_booking
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ServiceError, ValidationError
from ..patients.privacy import require_access
from ..validate import check_date, check_limit, clean_text
from .availability import blocked_between, offering, provider_hours
from .schedule import ACTIVE, STATUS_TIME, ScheduleRow, _check_version, _set_status, schedule_row

# Slot, SlotFilter and find_open_slots stay importable from here for the screens.
from .slots import Slot, SlotFilter, find_open_slots, open_slots  # noqa: F401

CANCEL_REASONS = {
    "patient": "Patient cancelled",
    "clinic": "Clinic cancelled",
    "late": "Late cancel (< 24 h)",
}


class SlotTaken(Conflict):
    """The slot went to someone else; ``alternatives`` are the next open ones."""

    def __init__(self, message: str, alternatives: list[Slot]):
        super().__init__(message)
        self.alternatives = alternatives


@dataclass(frozen=True)
class HistoryRow:
    id: int
    starts_at: dt.datetime
    provider: str
    appt_type: str
    status: str
    detail: str  # cancel reason, rescheduled to, override reason


# --- booking --------------------------------------------------------------------------


def _check_slot(
    provider: Provider,
    kind: AppointmentType,
    start: dt.datetime,
    minutes: int,
    override: str,
    ignore: int | None = None,
) -> str:
    """Raise if the slot breaks a rule that *override* does not cover; return what was
    overridden (for the record)."""
    # Every booking passes here, a series' later visits too: none past 2100.
    check_date("starts_at", start)
    end = start + dt.timedelta(minutes=minutes)
    overridden = []
    blocks = provider_hours([provider.id]).get((provider.id, start.weekday()), [])
    inside = any(
        dt.datetime.combine(start.date(), s) <= start
        and end <= dt.datetime.combine(start.date(), e)
        for s, e in blocks
    )
    if not inside:
        if not override:
            raise ValidationError.one(
                "starts_at",
                f"{provider.short_name} does not work {start:%a %m/%d/%Y %H:%M}-{end:%H:%M}. "
                "Override with a reason to book anyway.",
            )
        overridden.append("outside hours")
    for block in blocked_between([provider.id], start, end):
        if not override:
            who = (
                "The clinic is closed"
                if block.provider_id is None
                else (f"{provider.short_name} is away")
            )
            raise ValidationError.one("starts_at", f"{who} then: {block.reason}.")
        overridden.append(f"blocked ({block.reason})")
    taken = (
        Appointment.select(Appointment, Patient)
        .join(Patient)
        .where(
            (Appointment.provider == provider.id)
            & (Appointment.starts_at >= start - dt.timedelta(hours=8))
            & (Appointment.starts_at < end)
            & Appointment.status.in_(ACTIVE)
        )
    )
    # Read every row before a refusal can be raised: an exception in the middle of a
    # cursor leaves it open, and the refusal's own audit write would then find SQLite
    # locked.
    for other in list(taken):
        other_end = other.starts_at + dt.timedelta(minutes=other.minutes)
        if other.id == ignore or other_end <= start:
            continue
        if override and kind.allow_overbook or override and "overbook" in override.lower():
            overridden.append(f"overbooked with appointment {other.id}")
            continue
        who = other.updated_by.short_name if other.updated_by else "another user"
        alternatives = open_slots(
            kind, SlotFilter(provider_id=provider.id, earliest=start.date()), 5, ignore
        )
        raise SlotTaken(
            f"{provider.short_name} is already booked {other.starts_at:%H:%M}-"
            f"{other_end:%H:%M} with {other.patient.first_name[:1]}. "
            f"{other.patient.last_name} (booked by {who}).",
            alternatives,
        )
    return "; ".join(overridden)


def _book(actor, patient, provider, kind, start, minutes, override, series=None) -> Appointment:
    overridden = _check_slot(provider, kind, start, minutes, override)
    a = Appointment.create(
        patient=patient,
        provider=provider,
        appt_type=kind,
        starts_at=start,
        minutes=minutes,
        booked_at=clock.now_utc(),
        updated_by=actor,
        series=series,
        override_reason=f"{overridden}: {override}" if overridden else "",
    )
    audit(
        actor,
        "appointment.book",
        patient_id=patient.id,
        entity="appointment",
        entity_id=a.id,
        detail=f"{start:%Y-%m-%d %H:%M} with {provider.short_name}"
        + (f" (override: {overridden}: {override})" if overridden else ""),
    )
    return a


def _load(patient_id, provider_id, type_id, starts_at, minutes, override):
    patient = get_or_refuse(Patient, patient_id, "patient")
    provider = get_or_refuse(Provider, provider_id, "provider")
    kind = get_or_refuse(AppointmentType, type_id, "appointment type")
    if not provider.active:
        raise ValidationError.one("provider", f"{provider.short_name} no longer sees patients.")
    if provider.id not in offering(kind):
        raise ValidationError.one("appt_type", f"{provider.short_name} does not offer {kind.name}.")
    length = minutes or kind.default_minutes
    if not 5 <= length <= 480:
        raise ValidationError.one("minutes", "An appointment lasts 5 minutes to 8 hours.")
    if not isinstance(starts_at, dt.datetime):
        raise ValidationError.one("starts_at", "Choose a date and time.")
    check_date("starts_at", starts_at)
    if starts_at < clock.now_local().naive.replace(second=0, microsecond=0):
        raise ValidationError.one("starts_at", "That time has already passed.")
    override = clean_text("override", override, max_len=150, label="Override reason")
    return patient, provider, kind, length, override


@writer("schedule.write")
def book_appointment(
    actor: StaffMember,
    patient_id: int,
    provider_id: int,
    type_id: int,
    starts_at: dt.datetime,
    minutes: int | None = None,
    override: str = "",
    recall_id: int | None = None,
) -> ScheduleRow:
    """Book a patient. Refuses a slot in the past, outside the provider's hours, on a
    closed day or blocked time, and any overlap with the provider's other appointments;
    an *override* reason lets a user book outside hours, and overbook a type that allows
    it (or say "overbook" in the reason). The check runs inside the write lock: of two
    terminals booking one slot, one wins and the other gets SlotTaken with the next open
    slots. Booked from a recall (*recall_id*), the recall closes with the visit, in the
    same transaction."""
    patient, provider, kind, length, override = _load(
        patient_id, provider_id, type_id, starts_at, minutes, override
    )
    booked = _book(actor, patient, provider, kind, starts_at, length, override)
    if recall_id is not None:
        close_for_booking(actor, recall_id, booked)
    return schedule_row(booked)


@writer("schedule.write")
def reschedule(
    actor: StaffMember,
    appointment_id: int,
    version: int,
    starts_at: dt.datetime,
    provider_id: int | None = None,
    override: str = "",
) -> ScheduleRow:
    """Move a booked appointment: a new appointment is booked and the old one is marked
    rescheduled with a link to it."""
    old = get_or_refuse(Appointment, appointment_id, "appointment")
    _check_version(old, version)
    return schedule_row(_move(actor, old, starts_at, provider_id, override))


def _move(actor, old: Appointment, starts_at, provider_id=None, override="") -> Appointment:
    """Book *old*'s visit at *starts_at* and mark *old* rescheduled with a link to it
    (also how a waitlisted patient's later visit is brought forward)."""
    if old.status != "booked":
        raise ServiceError(f"Only a booked appointment can be moved; this one is {old.status}.")
    patient, provider, kind, length, override = _load(
        old.patient_id,
        provider_id or old.provider_id,
        old.appt_type_id,
        starts_at,
        old.minutes,
        override,
    )
    new = _book(actor, patient, provider, kind, starts_at, length, override, old.series)
    old.rescheduled_to = new
    _set_status(actor, old, "rescheduled", "appointment.reschedule")
    return new


@writer("schedule.write")
def cancel_appointment(
    actor: StaffMember, appointment_id: int, version: int, reason: str
) -> ScheduleRow:
    """Cancel with a reason: patient, clinic (a patient cancelling less than 24 hours
    ahead is recorded as a late cancel). The freed slot can be offered to the waitlist."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    _check_version(a, version)
    if reason not in ("patient", "clinic"):
        raise ValidationError.one("reason", "Who cancelled: the patient or the clinic?")
    if a.status != "booked":
        raise ServiceError(f"Only a booked appointment can be cancelled; this one is {a.status}.")
    if reason == "patient" and a.starts_at - clock.now_local().naive < dt.timedelta(hours=24):
        reason = "late"
    a.cancel_reason = reason
    return _set_status(actor, a, "cancelled", "appointment.cancel")


@writer("checkin")
def mark_no_show(actor: StaffMember, appointment_id: int, version: int) -> ScheduleRow:
    """The patient did not come. Refuses an appointment that has not started yet."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    _check_version(a, version)
    if a.status != "booked":
        raise ServiceError(f"This appointment is {a.status}; only a booked one can be a no-show.")
    if a.starts_at > clock.now_local().naive:
        raise ServiceError("The appointment has not started yet.")
    return _set_status(actor, a, "no_show", "appointment.no_show")


@writer("schedule.write")
def undo_status(actor: StaffMember, appointment_id: int, version: int) -> ScheduleRow:
    """Undo the last status change (a check-in, a step of the visit, a cancel or a
    no-show). A reschedule is undone by moving the new appointment instead."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    _check_version(a, version)
    last = (
        AppointmentStatusChange.select()
        .where((AppointmentStatusChange.appointment == a) & ~AppointmentStatusChange.undone)
        .order_by(AppointmentStatusChange.id.desc())
        .first()
    )
    if last is None or last.to_status != a.status:
        raise ServiceError("There is no status change to undo.")
    if a.status == "rescheduled":
        raise ServiceError("Move the new appointment instead of undoing a reschedule.")
    if last.from_status == "booked" and a.status == "cancelled":
        # The slot may have been given to someone else meanwhile.
        _check_slot(a.provider, a.appt_type, a.starts_at, a.minutes, "", ignore=a.id)
    if a.status in STATUS_TIME:
        setattr(a, STATUS_TIME[a.status], None)
    if a.status == "cancelled":
        a.cancel_reason = ""
    a.status = last.from_status
    a.version += 1
    a.updated_by = actor
    a.save()
    last.undone = True
    last.save()
    audit(
        actor,
        "appointment.undo",
        patient_id=a.patient_id,
        entity="appointment",
        entity_id=a.id,
        detail=f"{last.to_status} -> {last.from_status}",
    )
    return schedule_row(a)


@writer("schedule.read", changes=())  # a writer: reading a restricted record is audited
def appointment_history(actor: StaffMember, patient_id: int, limit: int = 200) -> list[HistoryRow]:
    """A patient's appointments, newest first, with cancel reasons and reschedule links.
    A restricted record needs a reason stated this session (privacy.require_access)."""
    require_access(actor, patient_id, "appointment history")
    query = (
        Appointment.select(Appointment, Provider, AppointmentType)
        .join_from(Appointment, Provider)
        .join_from(Appointment, AppointmentType)
        .where(Appointment.patient == patient_id)
        .order_by(Appointment.starts_at.desc())
        .limit(check_limit(limit))
    )
    rows = []
    for a in query:
        detail = []
        if a.cancel_reason:
            detail.append(CANCEL_REASONS[a.cancel_reason])
        if a.rescheduled_to_id:
            new = Appointment.get_by_id(a.rescheduled_to_id)
            detail.append(f"moved to {new.starts_at:%m/%d/%Y %H:%M}")
        if a.override_reason:
            detail.append(f"override: {a.override_reason}")
        if a.series_id:
            detail.append("recurring")
        rows.append(
            HistoryRow(
                a.id,
                a.starts_at,
                a.provider.short_name,
                a.appt_type.name,
                a.status,
                "; ".join(detail),
            )
        )
    return rows
