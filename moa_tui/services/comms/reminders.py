"""Appointment reminders (issue 12 item 5): the day's booked visits (tomorrow by default,
as the confirmation calls) as a file of text messages for a texting service (name, phone,
date, time, message: initials only unless the patient agreed to their full name) and as a
batch of letters or postcards from a template (one PDF, a page each, each kept in the
patient's letters). Both go through the one safe export path. A day with nobody booked is
not an error (OpenEMR's reminders crash when nothing is due, #12307): the texts file has
its header only, and the batch says there is nothing to print."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from ...db.models import (
    Appointment,
    AppointmentType,
    ClinicSettings,
    Letter,
    LetterTemplate,
    Patient,
    Provider,
    StaffMember,
)
from ...text import csv_cell
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ValidationError
from ..files import save_export
from ..patients.privacy import require_access
from ..validate import format_phone, step_date
from ..wording import plural
from .letters import PAPER, letter_context, letters_pdf
from .templates import render, seed_templates

TEMPLATE = "Appointment reminder"  # the shipped template a batch uses unless told
MAX_DAY = 1000  # visits on one day a batch reads (a busy clinic has a few hundred)
CSV_HEADER = ("name", "phone", "date", "time", "message")


@dataclass(frozen=True)
class Reminder:
    appointment_id: int
    patient_id: int
    name: str  # as a text says it: initials, or the full name when the patient agreed
    phone: str  # the mobile phone (texts go to mobiles), formatted; "" when there is none
    starts_at: dt.datetime
    provider: str


@dataclass(frozen=True)
class ReminderBatch:
    day: dt.date
    count: int  # texts or letters written
    left_out: int  # no mobile phone (texts) / a restricted record (letters)
    path: str  # "" when nothing was written
    message: str  # what the desk is told


def initials(first: str, last: str) -> str:
    """ "J. S." for Jane Smith (what a text may say without the patient's consent)."""
    return " ".join(f"{n.strip()[:1].upper()}." for n in (first, last) if n.strip())


def reminder_day(days_ahead) -> dt.date:
    day = step_date(clock.today(), days_ahead) if type(days_ahead) is int else None
    if day is None or not 0 <= days_ahead <= 366:
        raise ValidationError.one("days_ahead", "Choose a day from today to a year ahead.")
    return day


def _booked_on(day: dt.date):
    start = dt.datetime.combine(day, dt.time.min)
    return (
        Appointment.select(Appointment, Patient, Provider, AppointmentType)
        .join_from(Appointment, Patient)
        .join_from(Appointment, Provider)
        .join_from(Appointment, AppointmentType)
        .where(
            (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
            & (Appointment.status == "booked")
        )
        .order_by(Appointment.starts_at, Provider.full_name, Appointment.id)
        .limit(MAX_DAY)
    )


def _reminder(a: Appointment) -> Reminder:
    p = a.patient
    name = f"{p.first_name} {p.last_name}" if p.reminder_full_name else initials(
        p.first_name, p.last_name)  # fmt: skip
    phone = format_phone(p.phone_mobile) if p.phone_mobile else ""
    return Reminder(a.id, p.id, name, phone, a.starts_at, a.provider.short_name)


@reader("schedule.read")
def reminder_list(actor: StaffMember, days_ahead: int = 1) -> list[Reminder]:
    """The booked visits *days_ahead* days from today, in time order, as reminders."""
    return [_reminder(a) for a in _booked_on(reminder_day(days_ahead))]


def text_message(r: Reminder, clinic: str, phone: str) -> str:
    when = f"{r.starts_at:%a %m/%d/%Y} at {r.starts_at:%-I:%M %p}"
    call = f" To change it, call {phone}." if phone else ""
    return f"Reminder for {r.name}: your appointment at {clinic} is {when}.{call}"


@reader("schedule.read")
def _texts_of_day(actor: StaffMember, days_ahead: int) -> tuple[dt.date, list[Reminder], str, str]:
    day = reminder_day(days_ahead)
    clinic = ClinicSettings.select().first()
    name = clinic.name if clinic else ""
    phone = format_phone(clinic.phone) if clinic and clinic.phone else ""
    return day, [_reminder(a) for a in _booked_on(day)], name, phone


def reminder_texts_csv(reminders: list[Reminder], clinic: str, phone: str) -> bytes:
    """The texting service's file: a header, then one row a reminder with a mobile phone."""
    out = io.StringIO()
    writer_ = csv.writer(out, lineterminator="\r\n")
    writer_.writerow(CSV_HEADER)
    for r in reminders:
        if r.phone:
            cells = (r.name, r.phone, f"{r.starts_at:%m/%d/%Y}", f"{r.starts_at:%H:%M}",
                     text_message(r, clinic, phone))  # fmt: skip
            writer_.writerow([csv_cell(c) for c in cells])
    return out.getvalue().encode("utf-8")


def save_reminder_texts(
    actor: StaffMember, days_ahead: int, path: str, overwrite: bool = False
) -> ReminderBatch:
    """Write the day's reminder texts as CSV (*path*; ".csv" added when missing) through
    the safe export path. Patients without a mobile phone are left out (counted); a day
    with nobody booked gives a file with its header only and says so."""
    day, reminders, clinic, phone = _texts_of_day(actor, days_ahead)
    raw = str(path or "").strip()
    if raw and not raw.lower().endswith(".csv"):
        raw += ".csv"
    sent = [r for r in reminders if r.phone]
    data = reminder_texts_csv(reminders, clinic, phone)
    detail = f"{plural(len(sent), 'reminder text')} for {day:%Y-%m-%d}"
    written = save_export(actor, raw, data, action="reminders.texts", overwrite=overwrite,
                          detail=detail)  # fmt: skip
    left_out = len(reminders) - len(sent)
    if not reminders:
        message = f"Nobody is booked on {day:%a %m/%d/%Y}: the file has its header only."
    else:
        message = f"{plural(len(sent), 'reminder text')} for {day:%a %m/%d/%Y} saved to {written}"
        if left_out:
            message += f"; {left_out} without a mobile phone left out (call them)"
        message += "."
    return ReminderBatch(day, len(sent), left_out, str(written), message)


def _template(template_id: int | None) -> LetterTemplate:
    seed_templates()
    if template_id is not None:
        return get_or_refuse(LetterTemplate, template_id, "template")
    t = LetterTemplate.get_or_none((LetterTemplate.name == TEMPLATE) & LetterTemplate.active)
    if t is None:
        raise ValidationError.one("template", f"There is no template named {TEMPLATE}: choose one.")
    return t


@writer("comms.write", changes=())  # a writer: the shipped templates are made on first use
def _reminder_letters(
    actor: StaffMember, days_ahead: int, template_id: int | None
) -> tuple[dt.date, int, list[tuple[int, str]], int]:
    """(day, template id, [(patient id, letter text)], restricted records left out): the
    template merged for each booked visit of the day (its own visit, not the next one)."""
    day = reminder_day(days_ahead)
    t = _template(template_id)
    letters, restricted = [], 0
    for a in _booked_on(day):
        if a.patient.restricted:  # printed from the chart, with a reason, if at all
            restricted += 1
            continue
        letters.append((a.patient_id, render(t.body, letter_context(a.patient, a), "template")))
    return day, t.id, letters, restricted


@writer("comms.write", changes=())
def _record_reminder_letters(
    actor: StaffMember, template_id: int, letters: list[tuple[int, str]], file_name: str
) -> None:
    """Keep each letter of a printed batch in its patient's letters (sent by mail)."""
    t = get_or_refuse(LetterTemplate, template_id, "template")
    now = clock.now_utc()
    for patient_id, text in letters:
        letter = Letter.create(patient=patient_id, template=t, template_name=t.name, body=text,
                               via="mail", file_name=file_name[:500], written_by=actor,
                               written_at=now)  # fmt: skip
        audit(actor, "letter.write", patient_id=patient_id, entity="letter", entity_id=letter.id,
              detail=f"{t.name} by mail (reminder batch)")  # fmt: skip


def save_reminder_letters(
    actor: StaffMember,
    days_ahead: int,
    path: str,
    template_id: int | None = None,
    paper: str = "letter",
    overwrite: bool = False,
) -> ReminderBatch:
    """The day's reminder letters (or postcards) from the template (the shipped
    "Appointment reminder" unless told), one PDF with a page each, through the safe export
    path, then each kept in the patient's letters. A day with nobody booked writes
    nothing and says so; restricted records are left out (counted)."""
    if paper not in PAPER:
        raise ValidationError.one("paper", "Letters or postcards.")
    day, tid, letters, restricted = _reminder_letters(actor, days_ahead, template_id)
    if not letters:
        what = "nobody else" if restricted else "nobody"
        return ReminderBatch(day, 0, restricted, "",
                             f"{what.capitalize()} is booked on {day:%a %m/%d/%Y}: "
                             "no reminders to print.")  # fmt: skip
    raw = str(path or "").strip()
    if raw and not raw.lower().endswith(".pdf"):
        raw += ".pdf"
    kind = "postcard" if paper == "postcard" else "letter"
    detail = f"{plural(len(letters), f'reminder {kind}')} for {day:%Y-%m-%d}"
    written = save_export(actor, raw, letters_pdf([t for _, t in letters], paper),
                          action="reminders.letters", overwrite=overwrite,
                          detail=detail)  # fmt: skip
    _record_reminder_letters(actor, tid, letters, str(written))
    message = f"{plural(len(letters), f'reminder {kind}')} for {day:%a %m/%d/%Y} saved to {written}"
    if restricted:
        message += f"; {plural(restricted, 'restricted record')} left out (print from the chart)"
    return ReminderBatch(day, len(letters), restricted, str(written), message + ".")


@writer("patient.read", changes=())  # a writer: a restricted record's read is audited
def reminder_consent(actor: StaffMember, patient_id: int) -> bool:
    """Whether the patient agreed to their full name in reminder texts (else initials)."""
    return bool(require_access(actor, patient_id, "reminder consent").reminder_full_name)


@writer("patient.write")
def set_reminder_consent(actor: StaffMember, patient_id: int, full_name: bool) -> bool:
    """Record whether the patient agreed to their full name in reminder texts."""
    if not isinstance(full_name, bool):
        raise ValidationError.one("full_name", "Full name or initials only.")
    p = require_access(actor, patient_id, "reminder consent")
    Patient.update(reminder_full_name=full_name, version=Patient.version + 1,
                   updated_by=actor, updated_at=clock.now_utc()).where(
        Patient.id == p.id).execute()  # fmt: skip
    audit(actor, "patient.reminder_consent", patient_id=p.id, entity="patient", entity_id=p.id,
          detail="full name" if full_name else "initials only")  # fmt: skip
    return full_name
