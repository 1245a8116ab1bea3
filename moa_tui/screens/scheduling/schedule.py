"""Schedule: one day's appointments by provider and time; check in, book, move, cancel
(offering the slot to the waitlist), no-show, undo, recurring visits and the waitlist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...db import changes
from ...services import clock
from ...services.errors import ValidationError
from ...services.files import where_export_goes
from ...services.scheduling.absences import Absence, day_absences
from ...services.scheduling.availability import TypeInfo, list_types
from ...services.scheduling.booking import cancel_appointment, mark_no_show, undo_status
from ...services.scheduling.day_sheet import day_sheet_pdf, save_day_sheet_text
from ...services.scheduling.find_name import next_name_match
from ...services.scheduling.ical import export_icalendar
from ...services.scheduling.recurring import SeriesResult, cancel_rest_of_series, create_series
from ...services.scheduling.schedule import (
    DayCounts,
    ProviderInfo,
    ScheduleRow,
    check_in,
    day_schedule,
    list_providers,
)
from ...services.scheduling.waitlist import WaitlistRow, add_to_waitlist
from ...services.validate import is_whole_number, parse_date, step_date
from ...services.wording import days_from_today, plural, tell_apart
from ...ui.text import plain
from ...widgets.dialogs import InfoDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import PagedTable
from ..base import PatientRowsScreen
from .booking import (
    PART_LABELS,
    BookingScreen,
    booked_message,
    choose_and_call,
    moved_message,
    parse_day,
    parse_weekdays,
    parse_when,
    weekdays_label,
)
from .calendar import DayGridScreen, MonthScreen, WeekScreen
from .calls import CallsScreen
from .hours import HoursScreen, TypesScreen
from .intake import IntakeScreen
from .offer import offer_freed_slot
from .waitlist import WaitlistScreen

STATUS_STYLE = {
    "booked": "",
    "arrived": "bold green",
    "roomed": "green",
    "with_provider": "cyan",
    "checked_out": "dim",
    "no_show": "bold red",
    "cancelled": "dim strike",
    "rescheduled": "dim italic",
}
# Why a row was cancelled, short enough for the status column.
CANCEL_SHORT = {"late": "Cxl late <24h", "patient": "Cxl patient", "clinic": "Cxl clinic"}
WHO_CANCELLED = [("Patient", "patient"), ("Clinic", "clinic")]


def status_cell(row: ScheduleRow):
    label = row.status_label
    if row.status == "cancelled":
        label = CANCEL_SHORT.get(row.cancel_reason, label)
    elif row.status == "rescheduled" and row.moved_to:
        label = f"→ {row.moved_to:%m/%d %H:%M}"
    return plain(label, STATUS_STYLE.get(row.status, ""))


class ScheduleScreen(PatientRowsScreen):
    AREA_TITLE = "Schedule"
    TOPICS = frozenset({changes.SCHEDULE})  # refetched when another terminal changes these
    # Two lines when someone is away or the clinic is closed, so the reason is not cut.
    DEFAULT_CSS = """
    ScheduleScreen #schedule-day { height: auto; max-height: 2; }
    """
    ACTION_PERMISSIONS = {
        "check_in": "checkin",
        "no_show": "checkin",
        **dict.fromkeys(
            ("book", "reschedule", "cancel", "undo", "recurring", "cancel_series", "waitlist"),
            "schedule.write",
        ),
    }
    BINDINGS = [
        Binding("c", "check_in", "Check in", id="schedule.check_in"),
        Binding("b", "book", "Book", id="schedule.book"),
        Binding("x", "cancel", "Cancel", id="schedule.cancel"),
        Binding("enter", "open_patient", "Patient", show=False, id="schedule.patient"),
        Binding(
            "slash",
            "find_name",
            "Find a patient on this day",
            show=False,
            id="schedule.find_name",
        ),
        # Priority: the table would otherwise take left/right for horizontal scrolling.
        Binding("left", "day(-1)", "Prev day", priority=True, id="schedule.prev_day"),
        Binding("right", "day(1)", "Next day", priority=True, id="schedule.next_day"),
        Binding("minus", "day(-1)", "Prev day", show=False, id="schedule.prev_day_alt"),
        Binding("plus,equals_sign", "day(1)", "Next day", show=False, id="schedule.next_day_alt"),
        Binding("t", "today", "Today", show=False, id="schedule.today"),
        Binding("g", "go_to_date", "Go to date", show=False, id="schedule.go_to_date"),
        Binding(
            "p", "next_provider", "One provider / all", show=False, id="schedule.next_provider"
        ),
        Binding("r", "reschedule", "Reschedule", show=False, id="schedule.reschedule"),
        Binding("n", "no_show", "No-show", show=False, id="schedule.no_show"),
        Binding(
            "u",
            "undo",
            "Undo last status change",
            show=False,
            id="schedule.undo",
        ),
        Binding("R", "recurring", "Recurring visits", show=False, id="schedule.recurring"),
        Binding(
            "X",
            "cancel_series",
            "Cancel rest of series",
            show=False,
            id="schedule.cancel_series",
        ),
        Binding("W", "waitlist", "Add to waitlist", show=False, id="schedule.waitlist_add"),
        Binding(
            "v",
            "view('day')",
            "Day grid (providers side by side)",
            show=False,
            id="schedule.view.day",
        ),
        Binding(
            "k",
            "view('week')",
            "Week of one provider",
            show=False,
            id="schedule.view.week",
        ),
        Binding("m", "view('month')", "Month overview", show=False, id="schedule.view.month"),
        Binding(
            "l", "view('calls')", "Confirmation calls", show=False, id="schedule.view.calls"
        ),
        Binding("w", "view('waitlist')", "Waitlist", show=False, id="schedule.view.waitlist"),
        Binding(
            "H",
            "view('hours')",
            "Providers' hours and closed days",
            show=False,
            id="schedule.view.hours",
        ),
        Binding(
            "Y", "view('types')", "Appointment types", show=False, id="schedule.view.types"
        ),
        Binding(
            "F",
            "view('intake')",
            "Intake forms per visit type",
            show=False,
            id="schedule.view.intake",
        ),
        Binding(
            "P", "export('pdf')", "Day sheet as PDF", show=False, id="schedule.export.pdf"
        ),
        Binding(
            "T",
            "export('text')",
            "Day sheet as text file",
            show=False,
            id="schedule.export.text",
        ),
        Binding(
            "I",
            "export('ical')",
            "iCalendar file of 30 days",
            show=False,
            id="schedule.export.ical",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day = clock.today()
        self.providers: list[ProviderInfo] = []
        self.types: list[TypeInfo] = []
        self.provider_index = -1  # -1: all providers
        self.rows: dict[str, ScheduleRow] = {}
        self.select_after_load: str | None = None
        self.day_line = ""
        self.absences: list[Absence] = []
        self.last_find = ""

    def compose_body(self) -> ComposeResult:
        yield Static(id="schedule-day", classes="toolbar")
        yield PagedTable(id="schedule-table")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.add_column("Time", width=5)
        table.add_column("Provider", width=15)
        table.add_column("Patient", width=24)
        table.add_column("Type", width=11)
        table.add_column("Status", width=13)
        table.stretch_columns({"Patient": 3, "Provider": 1, "Type": 1, "Status": 1})
        table.focus()
        self.call_service(list_providers, then=self._got_providers, group="providers")
        self.call_service(list_types, then=self._got_types, group="types")

    def _got_providers(self, providers: list[ProviderInfo]) -> None:
        self.providers = providers

    def _got_types(self, types: list[TypeInfo]) -> None:
        self.types = types

    @property
    def provider(self) -> ProviderInfo | None:
        if 0 <= self.provider_index < len(self.providers):
            return self.providers[self.provider_index]
        return None

    def reload(self) -> None:
        provider_id = self.provider.id if self.provider else None
        self.call_service(day_schedule, self.day, provider_id, then=self._show, group="day")
        self.call_service(
            day_absences, self.day, provider_id, then=self._got_absences, group="absences"
        )

    def _show(self, rows: list[ScheduleRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        self.rows = {str(r.id): r for r in rows}
        if self.select_after_load in self.rows:
            # (An answer fetched before the booking may arrive first: keep waiting then.)
            keep, self.select_after_load = self.select_after_load, None
        names = tell_apart(
            ((r.patient_id, r.patient, r.patient_dob) for r in rows), table.column_width("Patient")
        )
        table.set_rows(
            [
                (
                    f"{r.starts_at:%H:%M}",
                    plain(r.provider),
                    plain(names[r.patient_id]),
                    plain(r.appt_type),
                    status_cell(r),
                )
                for r in rows
            ],
            list(self.rows),
            keep,
        )
        day = self.day
        when = days_from_today((day - clock.today()).days)
        who = self.provider.name if self.provider else "all providers"
        # The one count every view shows (grid, week, month): what it leaves out is named.
        counts = DayCounts.of(r.status for r in rows).label
        self.day_line = f"{day:%a %m/%d/%Y} ({when}) · {who} · {counts}"
        self._show_day_line()

    def _got_absences(self, absences: list[Absence]) -> None:
        self.absences = absences
        self._show_day_line()

    def _show_day_line(self) -> None:
        """The day, its count, and who is away or whether the clinic is closed (why a
        day is empty: 'Closed: Thanksgiving', 'Dr Moonpenny: vacation')."""
        away = [a.label(self.day) for a in self.absences]
        self.query_one("#schedule-day", Static).update(
            plain(" · ".join([self.day_line, *away]) if self.day_line else "")
        )

    def selected(self) -> ScheduleRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def show_day(self, day: dt.date, select: str | None = None) -> None:
        # Forget the old day's rows at once, so a key typed before the new day arrives
        # cannot act on an appointment that is no longer on screen.
        self.day = day
        self.select_after_load = select
        self.rows = {}
        self.absences = []
        self.query_one(PagedTable).reset()
        self.reload()

    def show_appointment(self, row: ScheduleRow, text: str) -> None:
        """Show *row*'s day with the cursor on it and *text* on the message line."""
        if self.provider is not None and self.provider.id != row.provider_id:
            self.provider_index = -1
        self.say(text, "green")
        self.show_day(row.starts_at.date(), select=str(row.id))

    def action_day(self, step: int) -> None:
        day = step_date(self.day, step)
        if day is None:  # the clinic's dates end at 1900 and 2100
            self.app.bell()
            return
        self.show_day(day)

    def action_today(self) -> None:
        self.show_day(clock.today())

    def action_go_to_date(self) -> None:
        def parse(actor, values):
            return parse_date("date", values["date"], today=clock.today())

        def go(day: dt.date | None) -> None:
            if day:
                self.show_day(day)

        self.app.push_screen(
            FormDialog(
                "Go to date",
                [FieldSpec("date", "Date", placeholder="t+7, 12/24, 2026-12-24")],
                parse,
                hint="t = today, t+1 = tomorrow, t-7, t+2w, 12/24 · Enter go · Esc cancel",
            ),
            go,
        )

    def action_find_name(self) -> None:
        """Put the cursor on the next patient on this day whose name fits what is typed;
        `/` Enter again finds the one after."""
        keys = list(self.rows)
        names = [self.rows[k].patient for k in keys]
        current = self.query_one(PagedTable).selected_key()
        after = keys.index(current) if current in keys else -1
        day = self.day

        def find(actor, values):
            typed = values["name"].strip()
            if not typed:
                raise ValidationError({"name": "Type a name, or part of one: jon dex."})
            index = next_name_match(names, typed, after)
            if index is None:
                raise ValidationError({"name": f"No one on {day:%a %m/%d/%Y} by that name."})
            return typed, keys[index]

        def found(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            self.last_find, key = answer
            if day == self.day and self.query_one(PagedTable).reveal_key(key):
                row = self.rows[key]
                self.say(f"Found {row.patient} at {row.starts_at:%H:%M}. / Enter: next.")

        self.app.push_screen(
            FormDialog(
                f"Find on {day:%a %m/%d/%Y}",
                [FieldSpec("name", "Name", self.last_find, placeholder="e.g. jon dex")],
                find,
                hint="Part of the last or first name · Enter: find the next · Esc: cancel",
            ),
            found,
        )

    def action_next_provider(self) -> None:
        if not self.providers:
            return
        self.provider_index += 1
        if self.provider_index >= len(self.providers):
            self.provider_index = -1
        self.show_day(self.day)

    def action_check_in(self) -> None:
        """The check-in screen: insurance, forms, co-pay; Enter there checks in."""
        row = self.selected()
        if row is None:
            return
        if row.status != "booked" or row.starts_at.date() != clock.today():
            # Let the service say why not (already here, another day, cancelled...).
            self.call_service(check_in, row.id, row.version, then=self._checked_in, group="write")
            return
        self.app.open_check_in(row.id, lambda done: done and self._checked_in(done))

    def action_view(self, which: str) -> None:
        """The other views of the schedule, over this one; Esc comes back."""
        row = self.selected()
        provider_id = row.provider_id if row else (self.provider.id if self.provider else None)
        screens = {
            "day": lambda: DayGridScreen(self.day),
            "week": lambda: WeekScreen(self.day, provider_id),
            "month": lambda: MonthScreen(self.day),
            "calls": CallsScreen,
            "waitlist": WaitlistScreen,
            "hours": lambda: HoursScreen(provider_id),
            "types": TypesScreen,
            "intake": IntakeScreen,
        }
        callback = (lambda day: day and self.show_day(day)) if which == "month" else None
        self.app.push_screen(screens[which](), callback)

    def action_export(self, kind: str) -> None:
        """The day sheet (PDF or text) or 30 days as iCalendar, for the selected row's
        provider (or the provider shown)."""
        row = self.selected()
        provider_id = row.provider_id if row else (self.provider.id if self.provider else None)
        if provider_id is None:
            self.say("Choose a provider first (p) or select one of their appointments.", "red")
            return
        day = self.day
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
        self.app.push_screen(
            ExportDialog(title[kind], name, save),
            lambda where: where and self.say(f"Saved {where}", "green"),
        )

    def _checked_in(self, row: ScheduleRow) -> None:
        self.say(f"{row.patient} checked in at {clock.now_local().naive:%H:%M}.", "green")
        self.reload()

    # --- booking and changing appointments

    def _done(self, describe: Callable[[Any], str]):
        """A callback that says what was done (*describe* of the answer) and refetches."""

        def done(answer: Any) -> None:
            self.say(describe(answer), "green")
            self.reload()

        return done

    def _booked_row(self, verb: str):
        def booked(row: ScheduleRow | None) -> None:
            if row is not None:
                self.show_appointment(row, booked_message(row, verb))

        return booked

    def _type_id(self, row: ScheduleRow) -> int | None:
        return row.type_id or None

    def _booked_selected(self, doing: str) -> ScheduleRow | None:
        """The selected appointment if it is still booked; else say why not."""
        row = self.selected()
        if row is not None and row.status != "booked":
            self.say(
                f"This appointment is {row.status_label.lower()}; only a booked one can be "
                f"{doing}.",
                "bold red",
            )
            self.app.bell()
            return None
        return row

    def action_book(self) -> None:
        self.app.push_screen(BookingScreen(), self._booked_row("Booked"))

    def action_reschedule(self) -> None:
        row = self._booked_selected("moved")
        if row is not None:
            self.app.push_screen(BookingScreen(moving=row), self._booked_row("Moved"))

    def action_cancel(self) -> None:
        row = self._booked_selected("cancelled")
        if row is None:
            return
        choose_and_call(
            self,
            f"Cancel {row.patient} · {row.starts_at:%a %m/%d/%Y %H:%M} · {row.provider}",
            FieldSpec("who", "Who cancelled", "patient", options=WHO_CANCELLED),
            lambda actor, who: cancel_appointment(actor, row.id, row.version, who),
            self._cancelled,
            hint="Enter: cancel the appointment · Up/Down/Space: choose · Esc: keep it",
        )

    def _cancelled(self, row: ScheduleRow) -> None:
        self.say(f"Cancelled {row.patient} {row.starts_at:%a %m/%d/%Y %H:%M}.", "green")
        self.reload()
        offer_freed_slot(self, row, self._from_waitlist)

    def _from_waitlist(self, row: ScheduleRow) -> None:
        # A patient who had a later visit was moved, not booked twice: say from when.
        if row.moved_from is not None:
            self.show_appointment(row, moved_message(row))
        else:
            self._booked_row("From the waitlist:")(row)

    def action_no_show(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(
                mark_no_show,
                row.id,
                row.version,
                then=self._done(lambda r: f"{r.patient}: no-show. u undoes it."),
                group="write",
            )

    def action_undo(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(
                undo_status,
                row.id,
                row.version,
                then=self._done(
                    lambda r: f"Undone: {r.patient} is {r.status_label.lower()} again."
                ),
                group="write",
            )

    def action_cancel_series(self) -> None:
        row = self._booked_selected("cancelled")
        if row is None:
            return
        if row.series_id is None:
            self.say("This appointment is not part of a recurring series.", "bold red")
            return
        choose_and_call(
            self,
            f"Cancel this and every later visit of {row.patient}'s series",
            FieldSpec("who", "Who cancelled", "patient", options=WHO_CANCELLED),
            lambda actor, who: cancel_rest_of_series(actor, row.id, row.version, who),
            self._done(lambda rows: f"Cancelled {len(rows)} visits of the series."),
            hint="Enter: cancel them · Up/Down/Space: choose · Esc: keep them",
        )

    def action_recurring(self) -> None:
        row = self.selected()
        type_id = self._type_id(row) if row else None
        if row is None or type_id is None:
            return
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
                starts = parse_when("first", values["first"])
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

        self.app.push_screen(
            FormDialog(
                f"Recurring {row.appt_type} · {row.patient} · {row.provider}",
                [
                    FieldSpec(
                        "rule", "Repeat", "weekly", [("Weekly", "weekly"), ("Monthly", "monthly")]
                    ),
                    FieldSpec("every", "Every N", "1", max_length=2),
                    FieldSpec("count", "Visits", "4", max_length=2),
                    FieldSpec("until", "Or until", placeholder="12/24 (blank Visits)"),
                    FieldSpec("first", "First visit", f"{first:%m/%d/%Y %H:%M}"),
                ],
                submit,
                hint="A number of visits or an end date · Enter: next / book · Esc: cancel",
            ),
            self._series_booked,
        )

    def _series_booked(self, result: SeriesResult | None) -> None:
        if result is None:
            return
        self.reload()
        lines = [f"{len(result.booked)} booked, {len(result.skipped)} skipped", ""]
        lines += [f"Booked   {r.starts_at:%a %m/%d/%Y %H:%M}" for r in result.booked]
        lines += [f"Skipped  {when:%a %m/%d/%Y %H:%M}: {why}" for when, why in result.skipped]
        self.say(f"Series: {len(result.booked)} booked, {len(result.skipped)} skipped.", "green")
        self.app.push_screen(InfoDialog("Recurring visits", lines))

    def action_waitlist(self) -> None:
        row = self.selected()
        if row is None:
            return
        providers = [("Any provider", "any")] + [(p.short_name, str(p.id)) for p in self.providers]
        types = [("Any type", "any")] + [(t.name, str(t.id)) for t in self.types]
        type_id = self._type_id(row)

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
            }
            return add_to_waitlist(actor, row.patient_id, prefs)

        self.app.push_screen(
            FormDialog(
                f"Waitlist · {row.patient}",
                [
                    FieldSpec("provider", "Provider", "any", providers),
                    FieldSpec("type", "Type", str(type_id) if type_id else "any", types),
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
                hint="Offered a freed slot that fits · Enter: next / add · Esc: cancel",
            ),
            self._waitlisted,
        )

    def _waitlisted(self, entry: WaitlistRow | None) -> None:
        if entry is not None:
            provider = "any provider" if entry.provider == "any" else entry.provider
            self.say(
                f"Waitlist: {entry.patient} · {provider} · {entry.appt_type} · "
                f"{weekdays_label(entry.weekdays)} · {PART_LABELS[entry.part_of_day]}",
                "green",
            )
