"""What leaves the screen: a provider's day sheet (plain text or PDF), the schedule as an
iCalendar file, and the small reads the worklist screens need.

Every export carries patient information off the system, so each one is recorded in the
audit trail (who, which provider and days, where to). Files are written readable by their
owner only. Stored text is made harmless on the way out: control and format characters
(ESC, NUL, bidi overrides) never reach a terminal, a PDF or a calendar file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...db.models import (
    Appointment,
    AppointmentType,
    ClinicSettings,
    Patient,
    Provider,
    StaffMember,
    WaitlistEntry,
)
from ...text import latin1, printable
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ServiceError, ValidationError
from ..files import save_export
from ..validate import check_date, check_limit, format_phone
from ..wording import plural
from .booking import Slot, SlotFilter, open_slots
from .schedule import ACTIVE, SCHEDULE_LIMIT, STATUS_LABELS
from .waitlist import CallRow, confirmation_list

MAX_ICAL_DAYS = 366  # one export covers at most a year
# Statuses whose time is gone from the calendar: exported as STATUS:CANCELLED, so a
# calendar that imported the appointment before drops it on the next import.
GONE = ("cancelled", "rescheduled")

# --- the day sheet -----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    appointment_id: int
    starts_at: dt.datetime
    minutes: int
    patient: str
    dob: dt.date
    phone: str
    appt_type: str
    status: str  # the label: "Booked", "Checked out", ...


@dataclass(frozen=True)
class DaySheet:
    clinic: str
    provider: str  # full name
    provider_short: str
    day: dt.date
    rows: list[SheetRow]
    printed_at: dt.datetime  # clinic local
    printed_by: str

    @property
    def held(self) -> int:
        """Appointments that still hold their time (not cancelled or moved)."""
        return sum(r.status not in (STATUS_LABELS[s] for s in GONE) for r in self.rows)


def _clinic() -> ClinicSettings:
    settings = ClinicSettings.select().first()
    if settings is None:
        raise ServiceError("The clinic is not set up yet.")
    return settings


def _provider(provider_id: int) -> Provider:
    return get_or_refuse(Provider, provider_id, "provider")


def _load_day_sheet(actor: StaffMember, day: dt.date, provider_id: int) -> DaySheet:
    check_date("day", day)
    provider = _provider(provider_id)
    start = dt.datetime.combine(day, dt.time.min)
    query = (
        Appointment.select(Appointment, Patient, AppointmentType)
        .join_from(Appointment, Patient)
        .join_from(Appointment, AppointmentType)
        .where(
            (Appointment.provider == provider.id)
            & (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(SCHEDULE_LIMIT)
    )
    rows = [
        SheetRow(
            a.id,
            a.starts_at,
            a.minutes,
            f"{a.patient.last_name}, {a.patient.first_name}",
            a.patient.dob,
            format_phone(a.patient.phone_mobile or a.patient.phone_home),
            a.appt_type.name,
            STATUS_LABELS.get(a.status, a.status),
        )
        for a in query
    ]
    return DaySheet(
        _clinic().name,
        provider.full_name,
        provider.short_name,
        day,
        rows,
        clock.now_local().naive.replace(microsecond=0),
        actor.short_name,
    )


@reader("schedule.read")
def day_sheet(actor: StaffMember, day: dt.date, provider_id: int) -> DaySheet:
    """One provider's appointments on *day* in time order, with each patient's date of
    birth and phone (cancelled and moved ones too, marked so)."""
    return _load_day_sheet(actor, day, provider_id)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


SHEET_COLUMNS = (("Time", 5), ("Min", 3), ("Patient", 28), ("DOB", 10), ("Phone", 12))
SHEET_TAIL = (("Type", 14), ("Status", 13))


def render_day_sheet_text(sheet: DaySheet) -> str:
    """The day sheet as plain text lines (every stored value made printable)."""
    columns = SHEET_COLUMNS + SHEET_TAIL
    lines = [
        printable(sheet.clinic),
        printable(f"Day sheet: {sheet.provider}"),
        f"{sheet.day:%A %m/%d/%Y} · {plural(sheet.held, 'appointment')}"
        + (
            f" ({len(sheet.rows) - sheet.held} cancelled or moved)"
            if sheet.held < len(sheet.rows)
            else ""
        ),
        "",
    ]
    lines.append("  ".join(name.ljust(width) for name, width in columns).rstrip())
    lines.append("  ".join("-" * width for _name, width in columns))
    for r in sheet.rows:
        cells = (
            f"{r.starts_at:%H:%M}",
            str(r.minutes).rjust(3),
            _cut(printable(r.patient), 28),
            f"{r.dob:%m/%d/%Y}",
            printable(r.phone),
            _cut(printable(r.appt_type), 14),
            r.status,
        )
        lines.append(
            "  ".join(c.ljust(w) for c, (_n, w) in zip(cells, columns, strict=True)).rstrip()
        )
    if not sheet.rows:
        lines.append("(no appointments)")
    lines += [
        "",
        printable(
            f"Printed {sheet.printed_at:%m/%d/%Y %H:%M} by {sheet.printed_by}. "
            "Confidential: patient information."
        ),
    ]
    return "\n".join(lines) + "\n"


@writer("schedule.read")
def day_sheet_text(actor: StaffMember, day: dt.date, provider_id: int) -> str:
    """A provider's day sheet as plain text: clinic, provider, date, then each
    appointment's time, length, patient, date of birth, phone, type and status. The
    export is recorded in the audit trail."""
    sheet = _load_day_sheet(actor, day, provider_id)
    audit(
        actor,
        "export.day_sheet",
        entity="provider",
        entity_id=provider_id,
        detail=f"{sheet.provider_short} {day:%Y-%m-%d}: {len(sheet.rows)} appointments, text",
    )
    return render_day_sheet_text(sheet)


def render_day_sheet_pdf(sheet: DaySheet) -> bytes:
    """The day sheet as a PDF: a table that breaks across pages (its heading repeated),
    the clinic, provider and date at the top of every page."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title = latin1(sheet.clinic)
    subtitle = latin1(f"Day sheet: {sheet.provider} - {sheet.day:%A %m/%d/%Y}")
    footer = latin1(
        f"Printed {sheet.printed_at:%m/%d/%Y %H:%M} by {sheet.printed_by}. "
        "Confidential: patient information."
    )

    class SheetPDF(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "B", 14)
            self.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
            self.set_font("Helvetica", "", 11)
            self.cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 5, footer, align="L")
            self.cell(0, 5, f"Page {self.page_no()}/{{nb}}", align="R")

    pdf = SheetPDF(format="letter")
    pdf.set_title(title)
    pdf.set_author(latin1(sheet.printed_by))
    pdf.set_creator("moa-tui")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 9)
    count = plural(sheet.held, "appointment")
    if sheet.held < len(sheet.rows):
        count += f" ({len(sheet.rows) - sheet.held} cancelled or moved)"
    pdf.cell(0, 5, count, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    headings = ("Time", "Min", "Patient", "DOB", "Phone", "Type", "Status")
    with pdf.table(
        col_widths=(12, 9, 50, 22, 26, 34, 30),
        text_align=("LEFT", "RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        line_height=5,
        repeat_headings=1,
    ) as table:
        table.row(headings)
        for r in sheet.rows:
            table.row(
                (
                    f"{r.starts_at:%H:%M}",
                    str(r.minutes),
                    latin1(r.patient),
                    f"{r.dob:%m/%d/%Y}",
                    latin1(r.phone),
                    latin1(r.appt_type),
                    r.status,
                )
            )
    if not sheet.rows:
        pdf.cell(0, 6, "(no appointments)", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def day_sheet_pdf(
    actor: StaffMember,
    day: dt.date,
    provider_id: int,
    path: str | os.PathLike,
    overwrite: bool = False,
) -> Path:
    """Write a provider's day sheet as a PDF file at *path* (mode 0600; a bare name goes
    to the export folder) and record the export. Names are drawn in latin-1 (the PDF core
    fonts): other letters are spelled without their accents or as '?'. Refuses what
    files.write_private refuses (the database, its key, an existing file unless
    *overwrite*)."""
    sheet = day_sheet(actor, day, provider_id)
    data = render_day_sheet_pdf(sheet)
    return save_export(
        actor,
        path,
        data,
        action="export.day_sheet",
        detail=f"{sheet.provider_short} {day:%Y-%m-%d}: {len(sheet.rows)} appointments, PDF",
        overwrite=overwrite,
        entity="provider",
        entity_id=provider_id,
    )


def save_day_sheet_text(
    actor: StaffMember,
    day: dt.date,
    provider_id: int,
    path: str | os.PathLike,
    overwrite: bool = False,
) -> Path:
    """Write a provider's day sheet as a plain text file at *path* (as day_sheet_pdf
    does) and record the export."""
    sheet = day_sheet(actor, day, provider_id)
    return save_export(
        actor,
        path,
        render_day_sheet_text(sheet).encode(),
        action="export.day_sheet",
        detail=f"{sheet.provider_short} {day:%Y-%m-%d}: {len(sheet.rows)} appointments, text",
        overwrite=overwrite,
        entity="provider",
        entity_id=provider_id,
    )


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
