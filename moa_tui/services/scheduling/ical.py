"""The schedule as an iCalendar file: recorded in the audit trail like every export, written
readable by its owner only, stored text made harmless on the way out.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...db.models import (
    Appointment,
    AppointmentType,
    Patient,
    StaffMember,
)
from ...text import printable
from .. import clock
from ..core import reader
from ..errors import ServiceError, ValidationError
from ..files import save_export
from ..validate import check_date
from ..wording import plural
from .day_sheet import GONE, _clinic, _provider
from .schedule import ACTIVE, STATUS_LABELS

MAX_ICAL_DAYS = 366  # one export covers at most a year


# --- iCalendar ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarAppointment:
    id: int
    version: int
    starts_at: dt.datetime  # clinic local wall time
    minutes: int
    status: str
    last_name: str
    first_name: str
    appt_type: str


@dataclass(frozen=True)
class CalendarData:
    clinic: str
    time_zone: str
    provider: str
    provider_short: str
    start_date: dt.date
    end_date: dt.date
    appointments: list[CalendarAppointment]


@reader("schedule.read")
def calendar_data(
    actor: StaffMember, provider_id: int, start_date: dt.date, end_date: dt.date
) -> CalendarData:
    """A provider's appointments from *start_date* to *end_date* (both included), those
    that hold their time and those cancelled or moved. Refuses a range that ends before it
    starts or covers more than a year."""
    check_date("start_date", start_date, label="First day")
    check_date("end_date", end_date, label="Last day")
    if end_date < start_date:
        raise ValidationError.one("end_date", "The last day is before the first.")
    if (end_date - start_date).days >= MAX_ICAL_DAYS:
        raise ValidationError.one("end_date", "Export at most a year at a time.")
    provider = _provider(provider_id)
    clinic = _clinic()
    start = dt.datetime.combine(start_date, dt.time.min)
    end = dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time.min)
    query = (
        Appointment.select(
            Appointment.id,
            Appointment.version,
            Appointment.starts_at,
            Appointment.minutes,
            Appointment.status,
            Patient.last_name,
            Patient.first_name,
            AppointmentType.name,
        )
        .join_from(Appointment, Patient)
        .join_from(Appointment, AppointmentType)
        .where(
            (Appointment.provider == provider.id)
            & (Appointment.starts_at >= start)
            & (Appointment.starts_at < end)
            & Appointment.status.in_((*ACTIVE, "no_show", *GONE))
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .tuples()
    )
    return CalendarData(
        clinic.name,
        clinic.time_zone,
        provider.full_name,
        provider.short_name,
        start_date,
        end_date,
        [CalendarAppointment(*row) for row in query],
    )


def initials(first: str, last: str) -> str:
    """'John', 'Smith' -> 'J.S.' (what a calendar shows by default: no names)."""
    return "".join(f"{printable(name.strip()[:1]).upper()}." for name in (first, last) if name)


def render_icalendar(
    data: CalendarData, include_names: bool = False, stamp: dt.datetime | None = None
) -> bytes:
    """The appointments as an iCalendar (RFC 5545) file: one VEVENT each, its UID stable
    across exports (appt-ID@moa-tui) so a calendar that imports again updates instead of
    doubling, times in the clinic's time zone with its VTIMEZONE."""
    from icalendar import Calendar, Event

    try:
        zone = ZoneInfo(data.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ServiceError(f"The clinic's time zone {data.time_zone!r} is not known.") from exc
    stamp = stamp or clock.now_utc().replace(tzinfo=dt.UTC)
    cal = Calendar()
    cal.add("prodid", "-//moa-tui//front desk schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", printable(f"{data.clinic}: {data.provider}"))
    cal.add("x-wr-timezone", data.time_zone)
    for a in data.appointments:
        who = (
            printable(f"{a.last_name}, {a.first_name}")
            if include_names
            else initials(a.first_name, a.last_name)
        )
        starts = a.starts_at.replace(tzinfo=zone)
        event = Event()
        event.add("uid", f"appt-{a.id}@moa-tui")
        event.add("dtstamp", stamp)
        event.add("dtstart", starts)
        event.add("dtend", starts + dt.timedelta(minutes=a.minutes))
        event.add("sequence", a.version)
        event.add("summary", f"{printable(a.appt_type)} - {who}")
        event.add(
            "description",
            f"Provider: {printable(data.provider)}\nType: {printable(a.appt_type)}\n"
            f"Status: {STATUS_LABELS.get(a.status, a.status)}",
        )
        event.add("status", "CANCELLED" if a.status in GONE else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if a.status in GONE else "OPAQUE")
        event.add("class", "CONFIDENTIAL")
        cal.add_component(event)
    # The zone's rules for the exported years and the next, not 1970 to 2038.
    cal.add_missing_timezones(
        first_date=dt.date(data.start_date.year - 1, 1, 1),
        last_date=dt.date(data.end_date.year + 2, 1, 1),
    )
    return cal.to_ical()


def export_icalendar(
    actor: StaffMember,
    provider_id: int,
    start_date: dt.date,
    end_date: dt.date,
    path: str | os.PathLike,
    include_names: bool = False,
    overwrite: bool = False,
) -> int:
    """Write a provider's schedule from *start_date* to *end_date* as an iCalendar file at
    *path* (mode 0600; refusals as day_sheet_pdf) and record the export; returns how many
    appointments it holds. Events show the type and the patient's initials only, unless
    *include_names*."""
    data = calendar_data(actor, provider_id, start_date, end_date)
    content = render_icalendar(data, include_names)
    save_export(
        actor,
        path,
        content,
        action="export.icalendar",
        detail=f"{data.provider_short} {start_date:%Y-%m-%d}..{end_date:%Y-%m-%d}: "
        f"{plural(len(data.appointments), 'appointment')}"
        + (" with patient names" if include_names else ", initials only"),
        overwrite=overwrite,
        entity="provider",
        entity_id=provider_id,
    )
    return len(data.appointments)
