"""Self check-in at the waiting-room kiosk, and the waiting-room display.

The kiosk account may do nothing but this. A patient identifies with last name and date
of birth (and the last four digits of their phone when that is not enough); whatever
does not match exactly one of today's appointments gets the same neutral answer, so the
kiosk never tells anyone whether someone else is a patient here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import Appointment, Patient, Provider, StaffMember
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ServiceError, ValidationError
from ..patients.patient_form import name_key
from ..scheduling.rows import DETAILS_CHANGED_NOTE
from ..scheduling.schedule import _set_status
from ..validate import clean_text, format_phone, parse_dob

SEE_THE_DESK = "We could not find your appointment. Please see the front desk."


class KioskRefusal(ServiceError):
    """The one neutral answer the kiosk gives."""

    def __init__(self) -> None:
        super().__init__(SEE_THE_DESK)


class NeedPhoneDigits(ServiceError):
    def __init__(self) -> None:
        super().__init__("Please also type the last 4 digits of your phone number.")


@dataclass(frozen=True)
class KioskVisit:
    """Only what the patient needs to confirm: their own appointment and contact details."""

    appointment_id: int
    first_name: str
    time: str
    provider: str
    address: str
    phone: str


@dataclass(frozen=True)
class WaitingRoomLine:
    ticket: str  # a number, never a name nor initials ("DJ-246" was Dex Jonesbury)
    state: str  # "Please wait" / "Being seen"


# Tickets count up from here through the day, so every ticket has three digits or more.
FIRST_TICKET = 101


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min)
    return start, start + dt.timedelta(days=1)


def _tickets(day: dt.date) -> dict[int, str]:
    """Appointment id -> ticket for every appointment on *day*: its place among the
    day's appointments in the order they were booked. Stable (a new booking comes
    last, nothing is deleted), unique on the day, and it says nothing about the
    patient; no column needed."""
    start, end = _day_bounds(day)
    ids = (
        Appointment.select(Appointment.id)
        .where((Appointment.starts_at >= start) & (Appointment.starts_at < end))
        .order_by(Appointment.id)
        .tuples()
    )
    return {appt_id: str(FIRST_TICKET + n) for n, (appt_id,) in enumerate(ids)}


def _today_bookings(last_name: str, dob: dt.date):
    start = dt.datetime.combine(clock.today(), dt.time.min)
    return list(
        Appointment.select(Appointment, Patient, Provider)
        .join_from(Appointment, Patient)
        .join_from(Appointment, Provider)
        .where(
            (Patient.last_key == name_key(last_name))
            & (Patient.dob == dob)
            & Patient.merged_into.is_null()
            & (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
            & (Appointment.status == "booked")
        )
        .order_by(Appointment.starts_at)
    )


@writer("kiosk.checkin")
def kiosk_find(actor: StaffMember, last_name: str, dob: str, phone_last4: str = "") -> KioskVisit:
    """Find the one appointment today for this last name and date of birth (and phone
    digits when several people match). Anything else: the neutral refusal."""
    try:
        last = clean_text("last_name", last_name, max_len=60, required=True, label="Last name")
        born = parse_dob("dob", dob, today=clock.today())
    except ValidationError:
        raise KioskRefusal() from None
    matches = _today_bookings(last, born)
    digits = "".join(ch for ch in phone_last4 if ch.isdigit())
    if digits:
        matches = [
            a
            for a in matches
            if digits == a.patient.phone_mobile[-4:] or digits == a.patient.phone_home[-4:]
        ]
    patients = {a.patient_id for a in matches}
    if len(patients) > 1 and not digits:
        raise NeedPhoneDigits()
    if len(patients) != 1:
        audit(actor, "kiosk.find", detail="no single match", outcome="refused")
        raise KioskRefusal()
    a = matches[0]
    p = a.patient
    audit(actor, "kiosk.find", patient_id=p.id, entity="appointment", entity_id=a.id)
    return KioskVisit(
        a.id,
        p.preferred_name or p.first_name,
        f"{a.starts_at:%I:%M %p}".lstrip("0"),
        a.provider.short_name,
        f"{p.address1}, {p.city} {p.state} {p.zip}".strip(", "),
        format_phone(p.phone_mobile or p.phone_home),
    )


@writer("kiosk.checkin")
def kiosk_check_in(actor: StaffMember, appointment_id: int, details_correct: bool) -> str:
    """Check the patient in from the kiosk. If they say their address or phone changed,
    the desk is told to update it (the kiosk never edits records)."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    if a.status != "booked" or a.starts_at.date() != clock.today():
        raise KioskRefusal()
    if not details_correct:
        # The marker goes first, so a long note cannot cut it off.
        a.note = f"{DETAILS_CHANGED_NOTE} {a.note}".strip()[:200]
    a.checkin_override = a.checkin_override or "self check-in at the kiosk"
    _set_status(actor, a, "arrived", "appointment.kiosk_check_in")
    ticket = _tickets(a.starts_at.date())[a.id]
    return (
        "Thank you, you are checked in. Please have a seat. "
        f"Your ticket number is {ticket}; we will call you by it."
    )


@reader("waiting_room.read")
def waiting_room(actor: StaffMember) -> list[WaitingRoomLine]:
    """Today's patients in the office as ticket numbers (the one the kiosk gave them):
    no names, no initials, no dates of birth."""
    start = dt.datetime.combine(clock.today(), dt.time.min)
    query = (
        Appointment.select(Appointment.id, Appointment.status)
        .where(
            (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
            & Appointment.status.in_(["arrived", "intake_done", "roomed", "with_provider"])
        )
        .order_by(Appointment.arrived_at)
        .limit(60)
        .tuples()
    )
    tickets = _tickets(clock.today())
    lines = []
    for appt_id, status in query:
        ticket = tickets[appt_id]
        state = "Being seen" if status in ("roomed", "with_provider") else "Please wait"
        lines.append(WaitingRoomLine(ticket, state))
    return lines
