"""What the calendar views read: one day across providers as a time grid and one
provider's week. The month of booked counts is month.py (its names importable here too)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import Appointment, AppointmentType, Patient, Provider, StaffMember
from ..core import get_or_refuse, reader
from ..errors import ValidationError

# What the desk types is read in services/parsing.py; the hours screen and older code
# still import these three names from here.
from ..parsing import (  # noqa: F401
    parse_provider_list,
    parse_time,
    parse_when,
    provider_list_text,
)
from ..validate import check_date
from .availability import DAY_MINUTES, blocked_between, covering_reason, minute_of, provider_hours
from .rows import patient_display
from .schedule import ACTIVE, STATUS_LABELS, DayCounts, ProviderInfo, active_providers

SLOT_MINUTES = 15  # one row of a time grid
DEFAULT_RANGE = (8 * 60, 17 * 60)  # rows to show when nobody works that day
# What a grid shows: everything that holds a slot, and no-shows (the desk wants to see
# them); cancelled and rescheduled appointments are only in the list view.
SHOWN = (*ACTIVE, "no_show")
WEEK_LIMIT = 2000


@dataclass(frozen=True)
class GridAppointment:
    id: int
    version: int
    provider_id: int
    patient_id: int
    patient: str
    appt_type: str
    color: str  # the appointment type's colour ("" = none), a Rich/Textual colour name
    status: str
    starts_at: dt.datetime
    minutes: int
    last_name: str = ""  # for the short forms a narrow column shows ("Jonesbury D")
    first_name: str = ""

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class GridBlock:
    id: int
    provider_id: int | None  # None: the whole clinic is closed
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class GridColumn:
    """One provider on one day: when they work, what is blocked, what is booked."""

    provider_id: int
    provider: str  # short name
    day: dt.date
    hours: tuple[tuple[int, int], ...]  # working blocks as minutes of the day (480, 720)
    blocks: tuple[GridBlock, ...]  # the provider's own and the clinic's, overlapping the day
    appointments: tuple[GridAppointment, ...]  # by start time

    @property
    def booked(self) -> int:
        """Appointments that hold a slot (not no-shows)."""
        return sum(a.status in ACTIVE for a in self.appointments)

    @property
    def closed(self) -> str:
        """The reason, when blocked time covers all of the day's working hours (the whole
        day if the provider does not work that day); else ""."""
        start = dt.datetime.combine(self.day, dt.time.min)
        spans = [
            (start + dt.timedelta(minutes=s), start + dt.timedelta(minutes=e))
            for s, e in self.hours
        ] or [(start, start + dt.timedelta(minutes=DAY_MINUTES))]
        return covering_reason(spans, self.blocks)


@dataclass(frozen=True)
class DayGridData:
    day: dt.date
    providers: list[ProviderInfo]
    columns: list[GridColumn]  # one per provider, in the order of ``providers``
    start_minute: int  # the grid's first row (minutes of the day)
    end_minute: int  # end of its last row
    counts: DayCounts = DayCounts()  # the day's count, as the day list and month show it

    @property
    def hours(self) -> dict[int, tuple[tuple[int, int], ...]]:
        return {c.provider_id: c.hours for c in self.columns}

    @property
    def blocks(self) -> list[GridBlock]:
        seen: dict[int, GridBlock] = {}
        for column in self.columns:
            for block in column.blocks:
                seen.setdefault(block.id, block)
        return sorted(seen.values(), key=lambda b: (b.starts_at, b.id))

    @property
    def appointments(self) -> list[GridAppointment]:
        return sorted(
            (a for c in self.columns for a in c.appointments),
            key=lambda a: (a.starts_at, a.provider_id, a.id),
        )


@dataclass(frozen=True)
class WeekGridData:
    provider: ProviderInfo
    providers: list[ProviderInfo]
    monday: dt.date
    columns: list[GridColumn]  # Monday to Sunday
    start_minute: int
    end_minute: int
    counts: DayCounts = DayCounts()  # the week's count, as every view defines it

    @property
    def booked(self) -> int:
        return sum(c.booked for c in self.columns)


def week_start(day: dt.date) -> dt.date:
    """The Monday of *day*'s week."""
    return day - dt.timedelta(days=day.weekday())


def _grid_appointments(provider_ids, start: dt.datetime, end: dt.datetime, limit: int | None):
    query = (
        Appointment.select(
            Appointment.id,
            Appointment.version,
            Appointment.provider,
            Appointment.starts_at,
            Appointment.minutes,
            Appointment.status,
            Patient.id,
            Patient.last_name,
            Patient.first_name,
            AppointmentType.name,
            AppointmentType.color,
        )
        .join_from(Appointment, Patient)
        .join_from(Appointment, AppointmentType)
        .where(
            Appointment.provider.in_(list(provider_ids))
            & (Appointment.starts_at >= start)
            & (Appointment.starts_at < end)
            & Appointment.status.in_(SHOWN)
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit)
    )
    return [
        GridAppointment(
            id=a.id,
            version=a.version,
            provider_id=a.provider_id,
            patient_id=a.patient.id,
            patient=patient_display(a.patient.last_name, a.patient.first_name),
            appt_type=a.appt_type.name,
            color=a.appt_type.color,
            status=a.status,
            starts_at=a.starts_at,
            minutes=a.minutes,
            last_name=a.patient.last_name,
            first_name=a.patient.first_name,
        )
        for a in query
    ]


def _counts(provider_ids, start: dt.datetime, end: dt.datetime) -> DayCounts:
    """DayCounts of appointments starting in [start, end), of these providers or (None)
    of every provider, as the day list and the month count them: one GROUP BY."""
    where = (Appointment.starts_at >= start) & (Appointment.starts_at < end)
    if provider_ids is not None:
        where &= Appointment.provider.in_(list(provider_ids))
    query = (
        Appointment.select(Appointment.status, fn.COUNT(Appointment.id))
        .where(where)
        .group_by(Appointment.status)
        .tuples()
    )
    return DayCounts.of(list(query))


def _column(provider: ProviderInfo, day: dt.date, hours, blocks, appointments) -> GridColumn:
    start = dt.datetime.combine(day, dt.time.min)
    end = start + dt.timedelta(days=1)
    return GridColumn(
        provider_id=provider.id,
        provider=provider.short_name,
        day=day,
        hours=tuple(
            (minute_of(s), minute_of(e) or DAY_MINUTES)
            for s, e in hours.get((provider.id, day.weekday()), ())
        ),
        blocks=tuple(
            GridBlock(b.id, b.provider_id, b.starts_at, b.ends_at, b.reason)
            for b in sorted(blocks, key=lambda b: (b.starts_at, b.id))
            if b.starts_at < end and b.ends_at > start and b.provider_id in (None, provider.id)
        ),
        appointments=tuple(
            a for a in appointments if a.provider_id == provider.id and start <= a.starts_at < end
        ),
    )


def _row_range(columns: list[GridColumn]) -> tuple[int, int]:
    """From the earliest working start to the latest end (or appointment) of the columns,
    on whole rows; 08:00-17:00 when nobody works and nothing is booked."""
    starts, ends = [], []
    for c in columns:
        for s, e in c.hours:
            starts.append(s)
            ends.append(e)
        for a in c.appointments:
            m = minute_of(a.starts_at.time())
            starts.append(m)
            ends.append(min(DAY_MINUTES, m + a.minutes))
    if not starts:
        return DEFAULT_RANGE
    first = min(starts) // SLOT_MINUTES * SLOT_MINUTES
    last = -(-max(ends) // SLOT_MINUTES) * SLOT_MINUTES
    return first, max(last, first + SLOT_MINUTES)


@reader("schedule.read")
def day_grid(actor: StaffMember, day: dt.date) -> DayGridData:
    """One day for every active provider: their working hours, blocked time (their own
    and the clinic's closed time), and the appointments with their type's colour."""
    check_date("day", day)
    providers = active_providers()
    ids = [p.id for p in providers]
    start = dt.datetime.combine(day, dt.time.min)
    end = start + dt.timedelta(days=1)
    hours = provider_hours(ids)
    blocks = blocked_between(ids, start, end)
    appointments = _grid_appointments(ids, start, end, None)  # one day: every visit
    columns = [_column(p, day, hours, blocks, appointments) for p in providers]
    first, last = _row_range(columns)
    return DayGridData(day, providers, columns, first, last, _counts(None, start, end))


@reader("schedule.read")
def week_grid(actor: StaffMember, day: dt.date, provider_id: int | None = None) -> WeekGridData:
    """Monday to Sunday of *day*'s week for one provider (the first one if none is
    given): hours, blocked time and appointments per day."""
    check_date("day", day)
    providers = active_providers()
    if provider_id is None:
        if not providers:
            raise ValidationError.one("provider", "The clinic has no active providers.")
        provider = providers[0]
    else:
        p = get_or_refuse(Provider, provider_id, "provider")
        provider = ProviderInfo(p.id, p.full_name, p.short_name)
    monday = week_start(day)
    start = dt.datetime.combine(monday, dt.time.min)
    end = start + dt.timedelta(days=7)
    hours = provider_hours([provider.id])
    blocks = blocked_between([provider.id], start, end)
    appointments = _grid_appointments([provider.id], start, end, WEEK_LIMIT)
    columns = [
        _column(provider, monday + dt.timedelta(days=i), hours, blocks, appointments)
        for i in range(7)
    ]
    first, last = _row_range(columns)
    counts = _counts([provider.id], start, end)
    return WeekGridData(provider, providers, monday, columns, first, last, counts)


# The month view's names, for the screens that import them from here.
from .month import MonthData, MonthDay, add_months, month_overview  # noqa: E402, F401
