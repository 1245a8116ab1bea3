"""Schedule: one day's appointments by provider and time; check in, book, move, cancel
(offering the slot to the waitlist), no-show, undo, recurring visits and the waitlist."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services import clock
from ...services.scheduling.absences import Absence, day_absences
from ...services.scheduling.availability import TypeInfo, list_types
from ...services.scheduling.schedule import (
    DayCounts,
    ProviderInfo,
    ScheduleRow,
    day_schedule,
    list_providers,
)
from ...services.validate import step_date
from ...services.wording import days_from_today, tell_apart
from ...ui import changes
from ...ui.text import plain
from ...widgets.paged_table import PagedTable
from ..base import PatientRowsScreen
from .schedule_actions import AppointmentActions

# The screens and dialogs the schedule's keys open (calendar, day grid, month, calls,
# booking, charges, the dialogs with their PDF/iCalendar/recurring services: ~300 ms on a
# loaded machine) are imported by the action that opens them, not before the schedule's
# first paint (issue 10; tests/test_start_light.py checks it).

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


def status_cell(row: ScheduleRow):
    label = row.status_label
    if row.status == "cancelled":
        label = CANCEL_SHORT.get(row.cancel_reason, label)
    elif row.status == "rescheduled" and row.moved_to:
        label = f"→ {row.moved_to:%m/%d %H:%M}"
    return plain(label, STATUS_STYLE.get(row.status, ""))


class ScheduleScreen(AppointmentActions, PatientRowsScreen):
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
        "charges": "claims.write",
    }
    BINDINGS = [
        Binding("C", "charges", "Charges", show=False, id="schedule.charges"),
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
        Binding("l", "view('calls')", "Confirmation calls", show=False, id="schedule.view.calls"),
        Binding("w", "view('waitlist')", "Waitlist", show=False, id="schedule.view.waitlist"),
        Binding("d", "view('recalls')", "Recalls due", show=False, id="schedule.view.recalls"),
        Binding(
            "H",
            "view('hours')",
            "Providers' hours and closed days",
            show=False,
            id="schedule.view.hours",
        ),
        Binding("Y", "view('types')", "Appointment types", show=False, id="schedule.view.types"),
        Binding(
            "F",
            "view('intake')",
            "Intake forms per visit type",
            show=False,
            id="schedule.view.intake",
        ),
        Binding("P", "export('pdf')", "Day sheet as PDF", show=False, id="schedule.export.pdf"),
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

        def cells(r: ScheduleRow) -> tuple:
            return (
                f"{r.starts_at:%H:%M}",
                plain(r.provider),
                plain(names[r.patient_id]),
                plain(r.appt_type),
                status_cell(r),
            )

        table.set_rows(rows, list(self.rows), keep, cells)
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

    def action_charges(self) -> None:
        """Code the selected visit once it is checked out (billing's charges screen)."""
        row = self.selected()
        if row is None:
            return
        if row.status != "checked_out":
            self.say("Charges are entered once the visit is checked out.", "warning")
            return
        from ..billing.unbilled import open_charges

        open_charges(self, row.id)

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
        self.say(text, "ok")
        self.show_day(row.starts_at.date(), select=str(row.id))

    def action_day(self, step: int) -> None:
        day = step_date(self.day, step)
        if day is None:  # the clinic's dates end at 1900 and 2100
            self.app.bell()
            return
        self.show_day(day)

    def action_today(self) -> None:
        self.show_day(clock.today())

    @work(exclusive=True, group="schedule-flow")
    async def action_go_to_date(self) -> None:
        from .schedule_dialogs import go_to_date_dialog

        day = await self.app.push_screen_wait(go_to_date_dialog())
        if day:
            self.show_day(day)

    @work(exclusive=True, group="schedule-flow")
    async def action_find_name(self) -> None:
        """Put the cursor on the next patient on this day whose name fits what is typed;
        `/` Enter again finds the one after."""
        from .schedule_dialogs import find_name_dialog

        keys = list(self.rows)
        names = [self.rows[k].patient for k in keys]
        current = self.query_one(PagedTable).selected_key()
        after = keys.index(current) if current in keys else -1
        day = self.day
        answer = await self.app.push_screen_wait(
            find_name_dialog(day, keys, names, after, self.last_find)
        )
        if answer is None:
            return
        self.last_find, key = answer
        if day == self.day and self.query_one(PagedTable).reveal_key(key):
            row = self.rows[key]
            self.say(f"Found {row.patient} at {row.starts_at:%H:%M}. / Enter: next.")

    def action_next_provider(self) -> None:
        if not self.providers:
            return
        self.provider_index += 1
        if self.provider_index >= len(self.providers):
            self.provider_index = -1
        self.show_day(self.day)

    @work(exclusive=True, group="schedule-view")
    async def action_view(self, which: str) -> None:
        """The other views of the schedule, over this one; Esc comes back (from the
        month, Enter comes back to the day chosen)."""
        from ..comms.recalls import RecallsScreen
        from .calendar import DayGridScreen, WeekScreen
        from .calls import CallsScreen
        from .hours import HoursScreen
        from .intake import IntakeScreen
        from .month import MonthScreen
        from .types import TypesScreen
        from .waitlist import WaitlistScreen

        row = self.selected()
        provider_id = row.provider_id if row else (self.provider.id if self.provider else None)
        screens = {
            "day": lambda: DayGridScreen(self.day),
            "week": lambda: WeekScreen(self.day, provider_id),
            "month": lambda: MonthScreen(self.day),
            "calls": CallsScreen,
            "waitlist": WaitlistScreen,
            "recalls": RecallsScreen,
            "hours": lambda: HoursScreen(provider_id),
            "types": TypesScreen,
            "intake": IntakeScreen,
        }
        if which != "month":
            self.app.push_screen(screens[which]())
        elif day := await self.app.push_screen_wait(screens[which]()):
            self.show_day(day)

    @work(exclusive=True, group="schedule-flow")
    async def action_export(self, kind: str) -> None:
        """The day sheet (PDF or text) or 30 days as iCalendar, for the selected row's
        provider (or the provider shown)."""
        from .schedule_dialogs import export_dialog

        row = self.selected()
        provider_id = row.provider_id if row else (self.provider.id if self.provider else None)
        if provider_id is None:
            self.say("Choose a provider first (p) or select one of their appointments.", "error")
            return
        where = await self.app.push_screen_wait(export_dialog(kind, self.day, provider_id))
        if where:
            self.say(f"Saved {where}", "ok")
