"""The small reads the call and waitlist worklist screens need beyond waitlist.py."""

from __future__ import annotations

from dataclasses import dataclass

from ...db.models import (
    Appointment,
    AppointmentType,
    StaffMember,
    WaitlistEntry,
)
from ..core import get_or_refuse, reader
from ..errors import ServiceError
from ..validate import check_limit
from .booking import Slot, SlotFilter, open_slots
from .waitlist import CallRow, confirmation_list

# --- what the call and waitlist worklists need beyond waitlist.py --------------------------
# (CallRow has no patient id and WaitlistRow no provider or type id; these belong in
# waitlist.py and can move there when it is free.)


@dataclass(frozen=True)
class CallItem:
    call: CallRow
    patient_id: int


@reader("schedule.read")
def call_worklist(actor: StaffMember, days_ahead: int = 1) -> list[CallItem]:
    """The confirmation-call list *days_ahead* days from today (confirmation_list), each
    row with its patient's id so the chart can be opened."""
    rows = confirmation_list.__wrapped__(actor, days_ahead)
    ids = dict(
        Appointment.select(Appointment.id, Appointment.patient)
        .where(Appointment.id.in_([r.appointment_id for r in rows]))
        .tuples()
    )
    return [CallItem(r, ids[r.appointment_id]) for r in rows if r.appointment_id in ids]


@dataclass(frozen=True)
class WaitlistSlots:
    entry_id: int
    patient: str
    type_id: int
    appt_type: str
    type_chosen: bool  # False: the entry takes any type and the first one was used
    slots: list[Slot]


@reader("schedule.read")
def waitlist_slots(
    actor: StaffMember, entry_id: int, type_id: int | None = None, limit: int = 10
) -> WaitlistSlots:
    """The next open slots that fit a waitlist entry's preferences (provider, weekdays,
    morning or afternoon, earliest date). The entry's type is used, else *type_id*, else
    the first active type by name. Refuses an entry no longer on the list."""
    check_limit(limit)
    entry = get_or_refuse(WaitlistEntry, entry_id, "waitlist entry")
    if not entry.active:
        raise ServiceError("That patient is no longer on the waitlist.")
    chosen = entry.appt_type_id is not None
    if chosen:
        kind = entry.appt_type
    elif type_id is not None:
        kind = get_or_refuse(AppointmentType, type_id, "appointment type")
    else:
        kind = (
            AppointmentType.select()
            .where(AppointmentType.active)
            .order_by(AppointmentType.name)
            .first()
        )
        if kind is None:
            raise ServiceError("There are no appointment types to book.")
    f = SlotFilter(
        provider_id=entry.provider_id,
        part_of_day=entry.part_of_day,
        weekdays=entry.weekdays or "0123456",
        earliest=entry.earliest,
    )
    patient = entry.patient
    return WaitlistSlots(
        entry.id,
        f"{patient.last_name}, {patient.first_name}",
        kind.id,
        kind.name,
        chosen,
        open_slots(kind, f, limit),
    )
