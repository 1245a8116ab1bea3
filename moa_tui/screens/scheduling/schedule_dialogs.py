"""The schedule's dialogs: go to a date, find a name on the day, export the day, cancel
(one appointment or the rest of a series), recurring visits and a waitlist entry. Each
builds its dialog; the schedule's actions await them."""

from __future__ import annotations

import datetime as dt

from ...services import clock
from ...services.errors import ValidationError
from ...services.files import where_export_goes
from ...services.parsing import parse_day, parse_weekdays, parse_when
from ...services.scheduling.availability import TypeInfo
from ...services.scheduling.booking import cancel_appointment
from ...services.scheduling.day_sheet import day_sheet_pdf, save_day_sheet_text
from ...services.scheduling.find_name import next_name_match
from ...services.scheduling.ical import export_icalendar
from ...services.scheduling.recurring import SeriesResult, cancel_rest_of_series, create_series
from ...services.scheduling.schedule import ProviderInfo, ScheduleRow
from ...services.scheduling.waitlist import add_to_waitlist
from ...services.validate import is_whole_number, parse_date
from ...services.wording import plural
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog

WHO_CANCELLED = [("Patient", "patient"), ("Clinic", "clinic")]


def go_to_date_dialog() -> FormDialog:
    def parse(actor, values):
        return parse_date("date", values["date"], today=clock.today())

    return FormDialog(
        "Go to date",
        [FieldSpec("date", "Date", placeholder="t+7, 12/24, 2026-12-24")],
        parse,
        hint="t = today, t+1 = tomorrow, t-7, t+2w, 12/24 · Enter go · Esc cancel",
    )


def find_name_dialog(
    day: dt.date, keys: list[str], names: list[str], after: int, last: str
) -> FormDialog:
    """Answers (what was typed, the key of the next row after *after* whose name fits)."""

    def find(actor, values):
        typed = values["name"].strip()
        if not typed:
            raise ValidationError({"name": "Type a name, or part of one: jon dex."})
        index = next_name_match(names, typed, after)
        if index is None:
            raise ValidationError({"name": f"No one on {day:%a %m/%d/%Y} by that name."})
        return typed, keys[index]

    return FormDialog(
        f"Find on {day:%a %m/%d/%Y}",
        [FieldSpec("name", "Name", last, placeholder="e.g. jon dex")],
        find,
        hint="Part of the last or first name · Enter: find the next · Esc: cancel",
    )


def export_dialog(kind: str, day: dt.date, provider_id: int) -> ExportDialog:
    """The day sheet (PDF or text) or 30 days as iCalendar, for one provider."""
    name = {
        "pdf": f"day-sheet-{day}.pdf",
        "text": f"day-sheet-{day}.txt",
        "ical": f"schedule-{day}.ics",
    }[kind]

    def save(actor, path, overwrite):
        if kind == "pdf":
            return str(day_sheet_pdf(actor, day, provider_id, path, overwrite))
        if kind == "text":
            return str(save_day_sheet_text(actor, day, provider_id, path, overwrite))
        last = day + dt.timedelta(days=30)
        count = export_icalendar(actor, provider_id, day, last, path, overwrite=overwrite)
        return f"{where_export_goes(actor, path)} ({plural(count, 'appointment')})"

    title = {"pdf": "Day sheet as PDF", "text": "Day sheet as text", "ical": "iCalendar file"}
    return ExportDialog(title[kind], name, save)


def cancel_dialog(row: ScheduleRow) -> FormDialog:
    """Who cancelled; Enter cancels the appointment (answers the cancelled row)."""
    return FormDialog(
        f"Cancel {row.patient} · {row.starts_at:%a %m/%d/%Y %H:%M} · {row.provider}",
        [FieldSpec("who", "Who cancelled", "patient", options=WHO_CANCELLED)],
        lambda actor, values: cancel_appointment(actor, row.id, row.version, values["who"]),
        hint="Enter: cancel the appointment · Up/Down/Space: choose · Esc: keep it",
    )


def cancel_series_dialog(row: ScheduleRow) -> FormDialog:
    """Who cancelled; Enter cancels this and every later visit of the series."""
    return FormDialog(
        f"Cancel this and every later visit of {row.patient}'s series",
        [FieldSpec("who", "Who cancelled", "patient", options=WHO_CANCELLED)],
        lambda actor, values: cancel_rest_of_series(actor, row.id, row.version, values["who"]),
        hint="Enter: cancel them · Up/Down/Space: choose · Esc: keep them",
    )


def recurring_dialog(row: ScheduleRow, type_id: int) -> FormDialog:
    """Weekly or monthly visits like *row*'s, a number of them or until a date; answers
    the SeriesResult (what was booked, what was skipped and why)."""
    first = row.starts_at + dt.timedelta(weeks=1)

    def submit(actor, values):
        errors = {}
        every = values["every"].strip()
        if not is_whole_number(every):
            errors["every"] = "A number of weeks or months, 1 to 12."
        count = values["count"].strip()
        if count and not is_whole_number(count):
            errors["count"] = "A number of visits, or blank with an end date."
        try:
            until = parse_day("until", values["until"]) if values["until"].strip() else None
        except ValidationError as exc:
            errors |= exc.errors
        try:
            starts = parse_when("first", values["first"], need_time=True)
        except ValidationError as exc:
            errors |= exc.errors
        if errors:
            raise ValidationError(errors)
        try:
            return create_series(
                actor,
                row.patient_id,
                row.provider_id,
                type_id,
                starts,
                values["rule"],
                int(every),
                int(count) if count else None,
                until,
            )
        except ValidationError as exc:
            names = {"interval": "every", "starts_at": "first"}
            raise ValidationError({names.get(k, k): v for k, v in exc.errors.items()}) from exc

    return FormDialog(
        f"Recurring {row.appt_type} · {row.patient} · {row.provider}",
        [
            FieldSpec("rule", "Repeat", "weekly", [("Weekly", "weekly"), ("Monthly", "monthly")]),
            FieldSpec("every", "Every N", "1", max_length=2),
            FieldSpec("count", "Visits", "4", max_length=2),
            FieldSpec("until", "Or until", placeholder="12/24 (blank Visits)"),
            FieldSpec("first", "First visit", f"{first:%m/%d/%Y %H:%M}"),
        ],
        submit,
        hint="A number of visits or an end date · Enter: next / book · Esc: cancel",
    )


def series_lines(result: SeriesResult) -> list[str]:
    lines = [f"{len(result.booked)} booked, {len(result.skipped)} skipped", ""]
    lines += [f"Booked   {r.starts_at:%a %m/%d/%Y %H:%M}" for r in result.booked]
    lines += [f"Skipped  {when:%a %m/%d/%Y %H:%M}: {why}" for when, why in result.skipped]
    return lines


def waitlist_dialog(
    row: ScheduleRow, providers: list[ProviderInfo], types: list[TypeInfo], type_id: int | None
) -> FormDialog:
    """Put *row*'s patient on the waitlist; answers the WaitlistRow. A booked visit still
    to come is the one the patient wants sooner: the entry is linked to it, and taking a
    freed slot moves it."""
    linked = row.status == "booked" and row.starts_at >= clock.now_local().naive
    provider_options = [("Any provider", "any")] + [(p.short_name, str(p.id)) for p in providers]
    type_options = [("Any type", "any")] + [(t.name, str(t.id)) for t in types]

    def submit(actor, values):
        def number(key: str) -> int | None:
            return None if values[key] == "any" else int(values[key])

        prefs = {
            "provider_id": number("provider"),
            "type_id": number("type"),
            "weekdays": parse_weekdays("weekdays", values["weekdays"]),
            "part_of_day": "" if values["part"] == "any" else values["part"],
            "earliest": parse_day("earliest", values["earliest"] or "t", label="Earliest"),
            "note": values["note"],
            "appointment_id": row.id if linked else None,
        }
        return add_to_waitlist(actor, row.patient_id, prefs)

    return FormDialog(
        f"Waitlist · {row.patient}"
        + (f" · sooner than {row.starts_at:%a %m/%d/%Y %H:%M}" if linked else ""),
        [
            FieldSpec("provider", "Provider", "any", provider_options),
            FieldSpec("type", "Type", str(type_id) if type_id else "any", type_options),
            FieldSpec("weekdays", "Days", placeholder="024 or Mon,Wed; blank = any"),
            FieldSpec(
                "part",
                "Time of day",
                "any",
                [("Any time", "any"), ("Morning", "am"), ("Afternoon", "pm")],
            ),
            FieldSpec("earliest", "Earliest", "t", placeholder="t, t+1w, 12/24"),
            FieldSpec("note", "Note", max_length=200),
        ],
        submit,
        hint=("A slot taken moves this visit" if linked else "Offered a freed slot that fits")
        + " · Enter: next / add · Esc: cancel",
    )
