"""Confirmation calls: the appointments N days ahead (tomorrow by default) that nobody has
confirmed yet, with the patient's phones; one key records how the call went."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services import clock
from ...services.scheduling.schedule import ScheduleRow, appointment_row
from ...services.scheduling.waitlist import CALL_OUTCOMES, record_call
from ...services.scheduling.worklists import CallItem, call_worklist
from ...services.wording import days_from_today, tell_apart
from ...ui import changes
from ...ui.text import plain
from ...widgets.dialogs import ConfirmDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import PatientRowsScreen
from .booking import BookingScreen
from .offer import offer_freed_slot
from .typed import booked_message, moved_message

MAX_DAYS_AHEAD = 60
# Outcomes after which the appointment stays on the list to be called again.
CALL_AGAIN = ("left_message", "no_answer")
OUTCOME_STYLE = {"left_message": "yellow", "no_answer": "red"}
# The phones come before provider and type so they show at 80 columns; provider and type
# (also on the line below the list) are left out rather than cut to "D".
COLUMNS = (
    Column("Time", 5),
    Column("Patient", 18, share=2),
    Column("Phones", 31),
    Column("Last call", 12),
    Column("Provider", 15, share=1, optional=True),
    Column("Type", 11, optional=True),
)


def days_ahead_label(days: int) -> str:
    """'tomorrow Thu 11/19', 'in 3 days Sat 11/21': short enough for the title at 80."""
    day = clock.today() + dt.timedelta(days=days)
    when = days_from_today(days)
    return f"{when} {day:%a %m/%d}"


class BackOut:
    """Esc goes back when the screen was pushed over another one (as it is from a
    palette or a key); as an area of its own it has nowhere to go back to."""

    def can_back_out(self) -> bool:
        stack = self.app.screen_stack
        return len(stack) > 1 and stack[0] is not self

    def action_back(self) -> None:
        if self.can_back_out():
            self.app.pop_screen()


class CallsScreen(BackOut, PatientRowsScreen):
    AREA_TITLE = "Confirmation calls"
    TOPICS = frozenset({changes.SCHEDULE})  # refetched when another terminal changes these
    ACTION_PERMISSIONS = {"record": "schedule.write", "reminders": "files.export"}
    BINDINGS = [
        Binding("1", "record('confirmed')", "Confirmed", id="calls.confirmed"),
        Binding("2", "record('left_message')", "Left message", id="calls.left_message"),
        Binding("3", "record('no_answer')", "No answer", id="calls.no_answer"),
        Binding("4", "record('cancelled')", "Cancelled", id="calls.cancelled"),
        Binding("5", "record('rescheduled')", "Rescheduled", id="calls.rescheduled"),
        # Priority: the table would otherwise take left/right for horizontal scrolling.
        # Not in the footer (the line above the list says it), so 1-5 fit at 80 columns.
        Binding("left", "days(-1)", "Day before", priority=True, show=False, id="calls.day_before"),
        Binding("right", "days(1)", "Day after", priority=True, show=False, id="calls.day_after"),
        Binding("minus", "days(-1)", "Day before", show=False, id="calls.day_before_alt"),
        Binding("plus,equals_sign", "days(1)", "Day after", show=False, id="calls.day_after_alt"),
        Binding("enter", "open_patient", "Patient", show=False, id="calls.patient"),
        Binding(
            "t",
            "reminders('texts')",
            "Reminder texts file (CSV)",
            show=False,
            id="calls.reminder_texts",
        ),
        Binding(
            "L",
            "reminders('letters')",
            "Reminder letters or postcards (PDF)",
            show=False,
            id="calls.reminder_letters",
        ),
        Binding("escape", "back", "Back", show=False, id="calls.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.days_ahead = 1
        self.items: dict[str, CallItem] = {}
        self._next_key: str | None = None  # where the cursor goes after 2 or 3

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_back_out()
        return super().check_action(action, parameters)

    def compose_body(self) -> ComposeResult:
        yield Static(id="calls-summary", classes="toolbar")
        yield PagedTable(id="calls-table")
        yield Static(id="calls-detail", classes="toolbar")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.set_columns(COLUMNS)
        table.focus()

    def set_title(self, extra: str = "") -> None:
        super().set_title(extra or days_ahead_label(self.days_ahead))

    def reload(self) -> None:
        self.call_service(call_worklist, self.days_ahead, then=self._show, group="list")

    def _show(self, items: list[CallItem]) -> None:
        table = self.query_one(PagedTable)
        keep, index = self._next_key or table.selected_key(), table.cursor_row
        self._next_key = None
        table.reset()
        self.items = {str(i.call.appointment_id): i for i in items}
        names = tell_apart(
            ((i.call.patient_id, i.call.patient, i.call.patient_dob) for i in items),
            table.column_width("Patient"),
        )
        cells = []
        for item in items:
            r = item.call
            outcome = next((k for k, v in CALL_OUTCOMES.items() if v == r.last_outcome), "")
            cells.append(
                (
                    f"{r.starts_at:%H:%M}",
                    plain(names[r.patient_id]),
                    plain(r.phones),
                    plain(r.last_outcome or "-", OUTCOME_STYLE.get(outcome, "dim")),
                    plain(r.provider),
                    plain(r.appt_type),
                )
            )
        table.add_page(cells, list(self.items), has_more=False)
        if keep in self.items:
            table.move_to_key(keep)
        elif items:
            # The called row left the list: stay at its place, on the next one.
            table.move_cursor(row=min(index, len(items) - 1))
        waiting = sum(not i.call.last_outcome for i in items)
        self.query_one("#calls-summary", Static).update(
            plain(
                f"{self.day:%a %m/%d/%Y} · {len(items)} to confirm"
                + (f" ({waiting} not called yet)" if items else "")
                + " · ←/→ day · t/L reminders"
            )
        )
        self._show_detail()

    def _show_detail(self) -> None:
        item = self.selected()
        text = ""
        if item is not None:
            r = item.call
            text = f"{r.starts_at:%H:%M} {r.patient} · {r.appt_type} with {r.provider}"
        elif not self.items:
            text = "Nobody left to call for this day."
        self.query_one("#calls-detail", Static).update(plain(text, "dim"))

    def on_data_table_row_highlighted(self, event) -> None:
        self._show_detail()

    @property
    def day(self) -> dt.date:
        return clock.today() + dt.timedelta(days=self.days_ahead)

    def selected(self) -> CallItem | None:
        return self.items.get(self.query_one(PagedTable).selected_key() or "")

    def action_days(self, step: int) -> None:
        days = min(MAX_DAYS_AHEAD, max(0, self.days_ahead + step))
        if days == self.days_ahead:
            self.app.bell()
            return
        # Forget the old day's rows at once: a key typed before the new day arrives must
        # not act on an appointment that is no longer shown.
        self.days_ahead = days
        self.items = {}
        self.query_one(PagedTable).reset()
        self.set_title()
        self.reload()

    @work(group="calls-record")
    async def action_record(self, outcome: str) -> None:
        """How the call went; a cancel asks once and then offers the freed slot to the
        waitlist as x does; a reschedule opens the booking screen to move the visit."""
        item = self.selected()
        if item is None:
            return
        r = item.call
        if outcome == "cancelled":
            yes = await self.app.push_screen_wait(
                ConfirmDialog(
                    f"Cancel {r.patient} · {r.starts_at:%a %m/%d/%Y %H:%M} · {r.provider}? "
                    "The patient cancelled on the call.",
                    yes="cancel it",
                )
            )
            if not yes or self.items.get(str(r.appointment_id)) is not item:
                return
        self._leave_row(item, outcome)
        recorded = await self.ask_service(
            record_call, r.appointment_id, r.version, outcome, group="write"
        )
        if recorded is None:
            return
        label = CALL_OUTCOMES[outcome].lower()
        if outcome == "cancelled":
            message = f"{r.patient} {r.starts_at:%m/%d/%Y %H:%M}: cancelled; the slot is free."
        elif outcome == "rescheduled":
            message = f"{r.patient} {r.starts_at:%m/%d/%Y %H:%M}: choose the new time."
        elif outcome in CALL_AGAIN:
            message = f"{r.patient}: {label}; stays on the list to call again."
        else:
            message = f"{r.patient}: {label}."
        self.say(message, "ok")
        self.reload()
        if outcome not in ("cancelled", "rescheduled"):
            return
        row = await self.ask_service(appointment_row, r.appointment_id, group="call-row")
        if row is None:
            return
        if outcome == "cancelled":
            booked = await offer_freed_slot(self, row)
            if booked is not None:
                self._from_waitlist(booked)
            return
        moved = await self.app.push_screen_wait(BookingScreen(moving=row))
        if moved is None:
            self.say(
                f"Not moved yet: {row.patient} {row.starts_at:%m/%d/%Y %H:%M} · r on the "
                "schedule moves it.",
                "warning",
            )
        else:
            self.say(booked_message(moved, "Moved"), "ok")
        self.reload()

    @work(exclusive=True, group="calls-reminders")
    async def action_reminders(self, kind: str) -> None:
        """The day's reminders as a texting service's file (t) or letters/postcards (L)."""
        from ..comms.reminder_batch import print_letters, save_texts

        if kind == "texts":
            await save_texts(self, self.days_ahead, self.day)
        else:
            await print_letters(self, self.days_ahead, self.day)

    def _leave_row(self, item: CallItem, outcome: str) -> None:
        """The recorded row cannot be called again until the list comes back (its version
        moves on); after a call to repeat, the cursor goes on to the next call."""
        r = item.call
        table = self.query_one(PagedTable)
        if outcome in CALL_AGAIN:
            keys = list(self.items)
            index = keys.index(str(r.appointment_id))
            self._next_key = keys[index + 1] if index + 1 < len(keys) else None
            if self._next_key is not None:
                table.move_cursor(row=table.cursor_row + 1)
        del self.items[str(r.appointment_id)]

    def _from_waitlist(self, row: ScheduleRow) -> None:
        if row.moved_from is not None:
            self.say(moved_message(row), "ok")
        else:
            self.say(booked_message(row, "From the waitlist:"), "ok")
        self.reload()
