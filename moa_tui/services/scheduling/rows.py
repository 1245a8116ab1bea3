"""An appointment as the schedule's lists show it (ScheduleRow), and the one way the lists
read appointments: only the columns a row shows, as plain tuples (Listed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from peewee import DateField, DateTimeField

from ...db.database import db
from ...db.models import Appointment, AppointmentType, Patient, Provider
from .statuses import STATUS_LABELS, STATUS_TIME


@dataclass(frozen=True)
class ScheduleRow:
    id: int
    version: int
    starts_at: dt.datetime
    minutes: int
    provider_id: int
    provider: str
    patient_id: int
    patient: str
    appt_type: str
    status: str
    status_at: dt.datetime | None  # UTC instant of the current status, if any
    arrived_at: dt.datetime | None  # UTC
    room: str = ""
    type_id: int = 0
    cancel_reason: str = ""  # patient, clinic, late
    series_id: int | None = None
    moved_to: dt.datetime | None = None  # when a rescheduled visit now takes place
    moved_from: dt.datetime | None = None  # where a visit brought forward was (waitlist)
    details_changed: bool = False  # told the kiosk their address or phone changed
    patient_dob: dt.date | None = None  # tells apart two patients of one name on a list

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# What the kiosk adds to the visit's note when the patient says their address or phone
# changed; the flow board and the check-in screen flag such a visit (no column needed).
DETAILS_CHANGED_NOTE = "Kiosk: patient says address/phone changed."


def patient_display(last: str, first: str) -> str:
    return f"{last}, {first}"


class Listed(NamedTuple):
    """One appointment as the lists read it: only the columns a row shows, in a plain
    tuple (a busy day is 1,000+ rows; making a model of each appointment and of its
    patient, provider and type was four fifths of the day's fetch: 100 ms at 1,351)."""

    id: int
    version: int
    starts_at: dt.datetime
    minutes: int
    status: str
    arrived_at: dt.datetime | None
    room: str
    cancel_reason: str
    series_id: int | None
    rescheduled_to_id: int | None
    note: str
    provider_id: int
    provider: str  # short name
    patient_id: int
    last_name: str
    first_name: str
    dob: dt.date | None
    type_id: int
    appt_type: str
    status_times: tuple  # the STATUS_TIME columns, in its order


_STATUS_TIMES = tuple(getattr(Appointment, name) for name in STATUS_TIME.values())
# The columns of a Listed, in its order (the status times last).
_COLUMNS = (
    Appointment.id,
    Appointment.version,
    Appointment.starts_at,
    Appointment.minutes,
    Appointment.status,
    Appointment.arrived_at,
    Appointment.room,
    Appointment.cancel_reason,
    Appointment.series,
    Appointment.rescheduled_to,
    Appointment.note,
    Provider.id,
    Provider.short_name,
    Patient.id,
    Patient.last_name,
    Patient.first_name,
    Patient.dob,
    AppointmentType.id,
    AppointmentType.name,
    *_STATUS_TIMES,
)
_JOINED = {
    Appointment: None,
    Patient: "patient",
    Provider: "provider",
    AppointmentType: "appt_type",
}
_TIMES_AT = len(Listed._fields) - 1


def _listed(values: tuple) -> Listed:
    return Listed(*values[:_TIMES_AT], values[_TIMES_AT:])


def _listed_model(a: Appointment) -> Listed:
    """The same record read off an appointment already in hand (after a write)."""

    def value(column):
        owner = a if _JOINED[column.model] is None else getattr(a, _JOINED[column.model])
        return getattr(owner, getattr(column, "object_id_name", column.name))

    return _listed(tuple(value(column) for column in _COLUMNS))


_STATUS_INDEX = {status: n for n, status in enumerate(STATUS_TIME)}


def schedule_row(a: Appointment | Listed, moved_to: dt.datetime | None = None) -> ScheduleRow:
    if isinstance(a, Appointment):
        a = _listed_model(a)
    at = _STATUS_INDEX.get(a.status)
    return ScheduleRow(
        id=a.id,
        version=a.version,
        starts_at=a.starts_at,
        minutes=a.minutes,
        provider_id=a.provider_id,
        provider=a.provider,
        patient_id=a.patient_id,
        patient=patient_display(a.last_name, a.first_name),
        appt_type=a.appt_type,
        status=a.status,
        status_at=a.status_times[at] if at is not None else None,
        arrived_at=a.arrived_at,
        room=a.room if a.status in ("roomed", "with_provider") else "",
        type_id=a.type_id,
        cancel_reason=a.cancel_reason,
        series_id=a.series_id,
        moved_to=moved_to,
        details_changed=DETAILS_CHANGED_NOTE in (a.note or ""),
        patient_dob=a.dob,
    )


def listed_appointments():
    """The query of the appointments as the lists read them, for listing()."""
    return (
        Appointment.select(*_COLUMNS)
        .join_from(Appointment, Patient)
        .join_from(Appointment, Provider)
        .join_from(Appointment, AppointmentType)
    )


# Only dates and times are stored in a form other than Python's (SQLite keeps them as
# ISO text; PostgreSQL's driver gives them typed): converting just those, and with the
# ISO parser rather than each field's general one, is most of what the fetch saves.
_CONVERT = [
    (n, dt.datetime if isinstance(column, DateTimeField) else dt.date)
    for n, column in enumerate(_COLUMNS)
    if isinstance(column, DateTimeField | DateField)
]


def listing(query) -> list[Listed]:
    """The rows of a listed_appointments() query, each a Listed."""
    found = []
    for values in db.execute_sql(*query.sql()):
        values = list(values)
        for n, kind in _CONVERT:
            if isinstance(values[n], str):
                values[n] = kind.fromisoformat(values[n])
        found.append(_listed(values))
    return found
