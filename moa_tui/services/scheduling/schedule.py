"""The day's schedule, check-in, and the check-in queue (patient flow)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import (
    Appointment,
    AppointmentStatusChange,
    Coverage,
    EligibilityCheck,
    Patient,
    Provider,
    Room,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, NotFound, ServiceError, ValidationError
from ..security.security import require
from ..validate import check_date, clean_text
from .rows import ScheduleRow, listed_appointments, listing, schedule_row

# The statuses and the one count of them; other modules import them from here too.
from .statuses import (  # noqa: F401
    ACTIVE,
    FLOW,
    IN_OFFICE,
    STATUS_LABELS,
    STATUS_TIME,
    DayCounts,
)

# A cap for the lists that span more than one day (what a closed week leaves to move).
# A single day is never capped: its size is bounded by the day itself, and the busiest
# day of a large practice (1,000+ visits) shows every one of them (issue 10).
SCHEDULE_LIMIT = 1000


@dataclass(frozen=True)
class ProviderInfo:
    id: int
    name: str
    short_name: str


def active_providers() -> list[ProviderInfo]:
    """The providers who see patients, by name (inside the caller's transaction)."""
    query = Provider.select().where(Provider.active).order_by(Provider.full_name)
    return [ProviderInfo(p.id, p.full_name, p.short_name) for p in query]


@reader("schedule.read")
def list_providers(actor: StaffMember) -> list[ProviderInfo]:
    return active_providers()


@reader("schedule.read")
def day_schedule(
    actor: StaffMember, day: dt.date, provider_id: int | None = None
) -> list[ScheduleRow]:
    """Every appointment on *day* (never cut at a row count), by provider then time
    (optionally one provider only)."""
    start = dt.datetime.combine(check_date("day", day), dt.time.min)
    query = listed_appointments().where(
        (Appointment.starts_at >= start) & (Appointment.starts_at < start + dt.timedelta(days=1))
    )
    if provider_id is not None:
        query = query.where(Appointment.provider == provider_id)
    query = query.order_by(Provider.full_name, Appointment.starts_at, Appointment.id)
    found = listing(query)
    moved = [a.rescheduled_to_id for a in found if a.rescheduled_to_id]
    moved_to = (
        dict(
            Appointment.select(Appointment.id, Appointment.starts_at)
            .where(Appointment.id.in_(moved))
            .tuples()
        )
        if moved
        else {}
    )
    return [schedule_row(a, moved_to.get(a.rescheduled_to_id)) for a in found]


@reader("schedule.read")
def appointment_row(actor: StaffMember, appointment_id: int) -> ScheduleRow:
    """One appointment as the schedule shows it (after a call on the calls list: its
    freed slot to offer, or the visit to move)."""
    found = listing(listed_appointments().where(Appointment.id == appointment_id))
    if not found:
        raise ServiceError("That appointment is no longer on file.")
    return schedule_row(found[0])


def _who_when(a: Appointment) -> str:
    field = STATUS_TIME.get(a.status)
    when = getattr(a, field) if field else None
    who = a.updated_by.short_name if a.updated_by else "another user"
    at = f" at {clock.utc_to_local(when):%H:%M}" if when else ""
    return f"{who}{at}"


def _check_version(a: Appointment, version: int | None) -> None:
    if version is not None and a.version != version:
        raise Conflict(
            f"{a.patient.first_name} {a.patient.last_name}'s appointment was changed by "
            f"{_who_when(a)} (now {STATUS_LABELS[a.status].lower()}). The list has been "
            "refreshed."
        )


def _set_status(actor: StaffMember, a: Appointment, status: str, action: str) -> ScheduleRow:
    now = clock.now_utc()
    if status in STATUS_TIME:
        setattr(a, STATUS_TIME[status], now)
    AppointmentStatusChange.create(
        appointment=a, from_status=a.status, to_status=status, at=now, staff=actor
    )
    a.status = status
    a.version += 1
    a.updated_by = actor
    a.save()
    audit(
        actor,
        action,
        patient_id=a.patient.id,
        entity="appointment",
        entity_id=a.id,
        detail=f"{a.starts_at:%Y-%m-%d %H:%M} with {a.provider.short_name}",
    )
    return schedule_row(a)


@writer("checkin")
def check_in(
    actor: StaffMember, appointment_id: int, version: int | None = None, override: str = ""
) -> ScheduleRow:
    """Mark the patient arrived. Refuses other days' appointments, ones already in the
    office, cancelled or no-show, and a visit whose insurance is not verified and that is
    not self-pay (a manager may override that with a reason)."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    _check_version(a, version)
    if a.status != "booked":
        if a.status in FLOW:
            raise Conflict(
                f"{a.patient.first_name} {a.patient.last_name} is already checked in "
                f"({STATUS_LABELS[a.status].lower()}, by {_who_when(a)})."
            )
        raise ServiceError(
            f"This appointment is {STATUS_LABELS[a.status].lower()}; it cannot be checked in."
        )
    if a.starts_at.date() != clock.today():
        raise ServiceError(
            f"Only today's appointments can be checked in; this one is on {a.starts_at:%m/%d/%Y}."
        )
    if not a.self_pay and not insurance_verified(a):
        if not override.strip():
            raise InsuranceNotVerified(
                f"{a.patient.first_name} {a.patient.last_name}'s insurance is not verified "
                "for this visit. Verify it or choose self-pay (a manager may override)."
            )
        require(actor, "checkin.override")
        a.checkin_override = clean_text("override", override, max_len=200, label="Reason")
    return _set_status(actor, a, "arrived", "appointment.check_in")


class InsuranceNotVerified(ServiceError):
    pass


@reader("checkin")
def visit_to_check_in(actor: StaffMember, patient_id: int) -> ScheduleRow:
    """The patient's next booked appointment today (the earliest: a patient late for
    9:00 still checks in to the 9:00), for the check-in screen. Refuses when they have
    none today, naming the visit they are already checked in to, if any."""
    patient = get_or_refuse(Patient, patient_id, "patient")
    start = dt.datetime.combine(clock.today(), dt.time.min)
    today = listing(
        listed_appointments()
        .where(
            (Appointment.patient == patient.id)
            & (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    name = f"{patient.first_name} {patient.last_name}"
    booked = [a for a in today if a.status == "booked"]
    if booked:
        return schedule_row(booked[0])
    here = [a for a in today if a.status in FLOW]
    if here:
        a = here[-1]
        raise Conflict(
            f"{name} is already checked in ({STATUS_LABELS[a.status].lower()}, "
            f"{a.starts_at:%H:%M} with {a.provider})."
        )
    raise NotFound(f"{name} has no appointment today to check in; b books one.")


def insurance_verified(a: Appointment) -> bool:
    """A 'verified' eligibility check of the patient's active primary coverage, done for
    this visit or on the day of it."""
    day = dt.datetime.combine(a.starts_at.date(), dt.time.min)
    coverage = (
        Coverage.select()
        .where(
            (Coverage.patient == a.patient_id)
            & (Coverage.ends.is_null() | (Coverage.ends >= a.starts_at.date()))
        )
        .order_by(Coverage.priority)
        .first()
    )
    if coverage is None:
        return False
    last = (
        EligibilityCheck.select()
        .where(
            (EligibilityCheck.coverage == coverage)
            & (
                (EligibilityCheck.appointment == a.id)
                | (EligibilityCheck.at >= clock.local_to_utc(day - dt.timedelta(days=1)))
            )
        )
        .order_by(EligibilityCheck.id.desc())
        .first()
    )
    return last is not None and last.status == "verified"


@writer("checkin")
def advance(
    actor: StaffMember, appointment_id: int, version: int | None = None, room: str = ""
) -> ScheduleRow:
    """Move a checked-in patient one step: arrived -> intake done -> roomed (needs a free
    room) -> with provider -> ready for check-out -> checked out. Refuses a stale row
    (someone else moved them), a room in use, and a finished visit."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    _check_version(a, version)
    if a.status not in IN_OFFICE:
        raise ServiceError(
            f"{a.patient.first_name} {a.patient.last_name} is "
            f"{STATUS_LABELS[a.status].lower()}; there is no next step."
        )
    nxt = FLOW[FLOW.index(a.status) + 1]
    if nxt == "roomed":
        a.room = _free_room(room)
    return _set_status(actor, a, nxt, f"appointment.{nxt}")


def rooms_in_use() -> dict[str, Appointment]:
    today = dt.datetime.combine(clock.today(), dt.time.min)
    query = (
        Appointment.select(Appointment, Patient)
        .join(Patient)
        .where(
            (Appointment.starts_at >= today)
            & (Appointment.starts_at < today + dt.timedelta(days=1))
            & Appointment.status.in_(["roomed", "with_provider"])
            & (Appointment.room != "")
        )
    )
    return {a.room: a for a in query}


def _free_room(room: str) -> str:
    name = (room or "").strip()
    if not name:
        raise ValidationError.one("room", "Which exam room?")
    known = Room.get_or_none((Room.name == name) & Room.active)
    if known is None:
        raise ValidationError.one("room", f"There is no room {name}.")
    used = rooms_in_use().get(name)
    if used is not None:
        raise ValidationError.one(
            "room", f"{name} is in use ({used.patient.first_name[:1]}. {used.patient.last_name})."
        )
    return name
