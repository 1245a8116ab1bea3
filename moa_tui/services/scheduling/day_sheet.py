"""A provider's day sheet, as plain text or PDF: it carries patient information off the
system, so each one is recorded in the audit trail (who, which provider and day, where to).
Files are written readable by their owner only; stored text is made harmless on the way out
(control and format characters never reach a terminal or a PDF).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ...db.models import (
    Appointment,
    AppointmentType,
    ClinicSettings,
    Patient,
    Provider,
    StaffMember,
)
from ...text import latin1, printable
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ServiceError
from ..files import save_export
from ..validate import check_date, format_phone
from ..wording import plural
from .schedule import STATUS_LABELS

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
        .order_by(Appointment.starts_at, Appointment.id)  # one day: every visit
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
