"""The waitlist (offered when a slot frees up) and the confirmation-call worklist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ...db.models import (
    Appointment,
    AppointmentType,
    ConfirmationCall,
    Patient,
    Provider,
    StaffMember,
    WaitlistEntry,
)
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ServiceError, ValidationError
from ..validate import check_date, check_limit, clean_text, format_phone, step_date
from .booking import Slot, _book, _load, _move
from .schedule import ACTIVE, ScheduleRow, _check_version, _set_status, schedule_row

CALL_OUTCOMES = {
    "confirmed": "Confirmed",
    "left_message": "Left message",
    "no_answer": "No answer",
    "cancelled": "Cancelled",
    "rescheduled": "Rescheduled",
}
STILL_TO_CALL = ("", "left_message", "no_answer")


@dataclass(frozen=True)
class WaitlistRow:
    id: int
    patient_id: int
    patient: str
    phone: str
    provider: str  # "any"
    appt_type: str  # "any"
    weekdays: str
    part_of_day: str
    earliest: dt.date
    note: str
    moves: dt.datetime | None = None  # the booked visit (W on it) a slot taken would move


@dataclass(frozen=True)
class CallRow:
    appointment_id: int
    version: int
    starts_at: dt.datetime
    patient: str
    phones: str
    provider: str
    appt_type: str
    last_outcome: str
    patient_id: int = 0
    patient_dob: dt.date | None = None  # tells apart two patients of one name


def _origin(e: WaitlistEntry) -> Appointment | None:
    """The booked visit the entry came from, followed through its moves (moved since, the
    visit now booked); None when it is not linked or no longer booked."""
    a = e.from_appointment if e.from_appointment_id else None
    for _ in range(20):  # a chain of moves, never a loop
        if a is None or a.status != "rescheduled" or a.rescheduled_to_id is None:
            break
        a = a.rescheduled_to
    return a if a is not None and a.status == "booked" else None


def _waitlist_row(e: WaitlistEntry) -> WaitlistRow:
    p = e.patient
    origin = _origin(e)
    return WaitlistRow(
        e.id,
        p.id,
        f"{p.last_name}, {p.first_name}",
        format_phone(p.phone_mobile or p.phone_home),
        e.provider.short_name if e.provider_id else "any",
        e.appt_type.name if e.appt_type_id else "any",
        e.weekdays,
        e.part_of_day,
        e.earliest,
        e.note,
        origin.starts_at if origin is not None else None,
    )


@writer("schedule.write")
def add_to_waitlist(actor: StaffMember, patient_id: int, prefs: dict) -> WaitlistRow:
    """Put a patient on the waitlist with preferences: provider, type, weekdays (digits,
    Monday = 0), morning/afternoon, earliest date, and ``appointment_id``: the patient's
    booked visit they want sooner (taking a slot moves it). Refuses someone else's visit,
    one not booked or already past, and a visit already on the waitlist."""
    patient = get_or_refuse(Patient, patient_id, "patient")
    origin = _check_origin(patient, prefs.get("appointment_id"))
    provider_id = prefs.get("provider_id")
    type_id = prefs.get("type_id")
    provider = get_or_refuse(Provider, provider_id, "provider") if provider_id else None
    kind = get_or_refuse(AppointmentType, type_id, "appointment type") if type_id else None
    weekdays = "".join(sorted(set(str(prefs.get("weekdays") or "0123456"))))
    if not weekdays or not set(weekdays) <= set("0123456"):
        raise ValidationError.one("weekdays", "Weekdays as digits, Monday = 0 (e.g. 024).")
    part = prefs.get("part_of_day") or ""
    if part not in ("", "am", "pm"):
        raise ValidationError.one("part_of_day", "Morning (am), afternoon (pm) or any.")
    earliest = check_date("earliest", prefs.get("earliest") or clock.today(), label="Earliest")
    note = clean_text("note", prefs.get("note"), max_len=200, label="Note")
    entry = WaitlistEntry.create(
        patient=patient,
        provider=provider,
        appt_type=kind,
        weekdays=weekdays,
        part_of_day=part,
        earliest=earliest,
        note=note,
        created_by=actor,
        created_at=clock.now_utc(),
        from_appointment=origin,
    )
    audit(actor, "waitlist.add", patient_id=patient.id, entity="waitlist", entity_id=entry.id)
    return _waitlist_row(entry)


def _check_origin(patient: Patient, appointment_id) -> Appointment | None:
    if appointment_id is None:
        return None
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    if a.patient_id != patient.id:
        raise ValidationError.one("appointment", "That visit is another patient's.")
    if a.status != "booked" or a.starts_at < clock.now_local().naive:
        raise ValidationError.one(
            "appointment", "Only a booked visit still to come can wait for an earlier slot."
        )
    waiting = (
        WaitlistEntry.select()
        .where((WaitlistEntry.from_appointment == a) & WaitlistEntry.active)
        .exists()
    )
    if waiting:
        raise ValidationError.one(
            "appointment",
            f"The visit on {a.starts_at:%m/%d/%Y %H:%M} is already on the waitlist.",
        )
    return a


def _entries():
    return (
        WaitlistEntry.select(WaitlistEntry, Patient)
        .join(Patient)
        .where(WaitlistEntry.active)
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    )


@reader("schedule.read")
def list_waitlist(actor: StaffMember, limit: int = 200) -> list[WaitlistRow]:
    return [_waitlist_row(e) for e in _entries().limit(check_limit(limit))]


def waitlist_matches_for(slot: Slot, type_id: int | None = None, limit: int = 10):
    """Active entries whose preferences fit the slot, longest waiting first."""
    day = slot.starts_at.date()
    query = _entries().where(
        (WaitlistEntry.earliest <= day)
        & (WaitlistEntry.provider.is_null() | (WaitlistEntry.provider == slot.provider_id))
        & WaitlistEntry.weekdays.contains(str(day.weekday()))
    )
    if type_id is not None:
        query = query.where(
            WaitlistEntry.appt_type.is_null() | (WaitlistEntry.appt_type == type_id)
        )
    part = "am" if slot.starts_at.hour < 12 else "pm"
    query = query.where((WaitlistEntry.part_of_day == "") | (WaitlistEntry.part_of_day == part))
    entries = list(query.limit(limit + 20))
    # Never offered to a patient who already has another visit then (taking it would be
    # refused): their own linked visit, which would move, does not count.
    busy = _busy_then([e.patient_id for e in entries], slot.starts_at, slot.ends_at)
    elsewhere = {e.id for e in entries if busy.get(e.patient_id, set()) - {e.from_appointment_id}}
    return [_waitlist_row(e) for e in entries if e.id not in elsewhere][:limit]


def _busy_then(patient_ids: list[int], start: dt.datetime, end: dt.datetime) -> dict:
    """patient id -> ids of their active visits overlapping [start, end)."""
    busy: dict[int, set[int]] = {}
    if not patient_ids:
        return busy
    query = Appointment.select(
        Appointment.id, Appointment.patient, Appointment.starts_at, Appointment.minutes
    ).where(
        Appointment.patient.in_(sorted(set(patient_ids)))
        & Appointment.status.in_(ACTIVE)
        & (Appointment.starts_at > start - dt.timedelta(hours=8))
        & (Appointment.starts_at < end)
    )
    for a in query:
        if a.starts_at + dt.timedelta(minutes=a.minutes) > start:
            busy.setdefault(a.patient_id, set()).add(a.id)
    return busy


@reader("schedule.read")
def waitlist_for_appointment(actor: StaffMember, appointment_id: int) -> list[WaitlistRow]:
    """Who on the waitlist could take the slot of this (cancelled) appointment."""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    slot = Slot(a.provider_id, a.provider.short_name, a.starts_at, a.minutes)
    return waitlist_matches_for(slot, a.appt_type_id)


def _later_visit(patient, provider, kind, starts_at: dt.datetime) -> Appointment | None:
    """The patient's next booked visit of this type with this provider after *starts_at*:
    the one a waitlisted patient is waiting to bring forward."""
    return (
        Appointment.select()
        .where(
            (Appointment.patient == patient)
            & (Appointment.provider == provider)
            & (Appointment.appt_type == kind)
            & (Appointment.status == "booked")
            & (Appointment.starts_at > starts_at)
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .first()
    )


@writer("schedule.write")
def book_from_waitlist(
    actor: StaffMember, entry_id: int, provider_id: int, type_id: int, starts_at: dt.datetime
) -> ScheduleRow:
    """Give a waitlisted patient the slot and take them off the list. An entry added from
    a booked visit (W on it) moves that visit here (rescheduled, linked old -> new;
    ``moved_from`` says from when), whatever its provider; an entry without one moves the
    patient's later booked visit of this type with this provider, if any. Never a second
    booking: a patient who already has a visit overlapping the slot (with anyone) is
    refused, and stays on the waitlist."""
    entry = get_or_refuse(WaitlistEntry, entry_id, "waitlist entry")
    if not entry.active:
        raise ServiceError("That patient is no longer on the waitlist.")
    patient, provider, kind, length, _ = _load(
        entry.patient_id, provider_id, type_id, starts_at, None, ""
    )
    later = _origin(entry)
    if later is None and entry.from_appointment_id is None:
        later = _later_visit(patient, provider, kind, starts_at)
    _refuse_overlap(patient, starts_at, later.minutes if later else length, later)
    if later is not None:
        moved_from = later.starts_at
        a = _move(actor, later, starts_at, provider.id)
    else:
        moved_from = None
        a = _book(actor, patient, provider, kind, starts_at, length, "")
    entry.active = False
    entry.save()
    audit(
        actor,
        "waitlist.booked",
        patient_id=patient.id,
        entity="waitlist",
        entity_id=entry.id,
        detail=f"moved from {moved_from:%Y-%m-%d %H:%M}" if moved_from else "",
    )
    return replace(schedule_row(a), moved_from=moved_from)


def _refuse_overlap(patient, start: dt.datetime, minutes: int, moving) -> None:
    """Refuse a slot that overlaps another visit of the patient's (any provider)."""
    end = start + dt.timedelta(minutes=minutes)
    query = (
        Appointment.select(Appointment, Provider)
        .join(Provider)
        .where(
            (Appointment.patient == patient)
            & Appointment.status.in_(ACTIVE)
            & (Appointment.starts_at >= start - dt.timedelta(hours=8))
            & (Appointment.starts_at < end)
        )
    )
    for other in list(query):  # read whole before raising (see booking._check_slot)
        other_end = other.starts_at + dt.timedelta(minutes=other.minutes)
        if other_end <= start or (moving is not None and other.id == moving.id):
            continue
        raise ServiceError(
            f"{patient.last_name}, {patient.first_name} already has a visit then: "
            f"{other.starts_at:%a %m/%d/%Y %H:%M}-{other_end:%H:%M} with "
            f"{other.provider.short_name}. Nothing booked; still on the waitlist."
        )


@writer("schedule.write")
def remove_from_waitlist(actor: StaffMember, entry_id: int) -> int:
    """Take an entry off the waitlist; returns its id (a flow awaiting it can tell done
    from refused)."""
    entry = get_or_refuse(WaitlistEntry, entry_id, "waitlist entry")
    entry.active = False
    entry.save()
    audit(
        actor, "waitlist.remove", patient_id=entry.patient_id, entity="waitlist", entity_id=entry.id
    )
    return entry.id


# --- confirmation calls ---------------------------------------------------------------


@reader("schedule.read")
def confirmation_list(actor: StaffMember, days_ahead: int = 1) -> list[CallRow]:
    """Booked appointments *days_ahead* days from today (default tomorrow) that are not
    confirmed yet, with the patient's phone numbers."""
    day = step_date(clock.today(), days_ahead) if isinstance(days_ahead, int) else None
    if day is None:
        raise ValidationError.one("days_ahead", "Choose a day between 1900 and 2100.")
    start = dt.datetime.combine(day, dt.time.min)
    query = (
        Appointment.select(Appointment, Patient, Provider, AppointmentType)
        .join_from(Appointment, Patient)
        .join_from(Appointment, Provider)
        .join_from(Appointment, AppointmentType)
        .where(
            (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
            & (Appointment.status == "booked")
            & Appointment.confirmation.in_(STILL_TO_CALL)
        )
        .order_by(Appointment.starts_at, Provider.full_name)
        .limit(1000)
    )
    rows = []
    for a in query:
        p = a.patient
        phones = " / ".join(
            f"{label} {format_phone(n)}"
            for label, n in (("m", p.phone_mobile), ("h", p.phone_home))
            if n
        )
        rows.append(
            CallRow(
                a.id,
                a.version,
                a.starts_at,
                f"{p.last_name}, {p.first_name}",
                phones or "no phone",
                a.provider.short_name,
                a.appt_type.name,
                CALL_OUTCOMES.get(a.confirmation, ""),
                patient_id=p.id,
                patient_dob=p.dob,
            )
        )
    return rows


@writer("schedule.write")
def record_call(actor: StaffMember, appointment_id: int, version: int, outcome: str) -> str:
    """Record a confirmation call. "cancelled" cancels the appointment (the patient
    cancelled); "left_message" and "no_answer" keep it on the list."""
    if outcome not in CALL_OUTCOMES:
        raise ValidationError.one("outcome", "Choose what happened on the call.")
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    _check_version(a, version)
    ConfirmationCall.create(appointment=a, outcome=outcome, staff=actor, at=clock.now_utc())
    a.confirmation = outcome
    if outcome == "cancelled":
        late = a.starts_at - clock.now_local().naive < dt.timedelta(hours=24)
        a.cancel_reason = "late" if late else "patient"
        _set_status(actor, a, "cancelled", "appointment.cancel")
    else:
        a.version += 1
        a.save()
    audit(
        actor,
        "appointment.call",
        patient_id=a.patient_id,
        entity="appointment",
        entity_id=a.id,
        detail=CALL_OUTCOMES[outcome],
    )
    return outcome
