"""What a new vacation or closed day leaves to do: the booked visits it covers, listed as
soon as the block is saved, and a worklist to move them one by one (r or Enter)."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from ...services.scheduling.absences import booked_during
from ...services.scheduling.schedule import ScheduleRow
from ...ui.text import plain
from ...widgets.dialogs import PickDialog
from ...widgets.paged_table import PagedTable
from .booking import BookingScreen
from .calendar import ViewScreen
from .typed import booked_message

SHOWN_IN_DIALOG = 12  # the rest are in the worklist


def _visits(n: int) -> str:
    return f"{n} booked visit{'' if n == 1 else 's'}"


def covered_dialog(what: str, rows: list[ScheduleRow]) -> PickDialog:
    """The booked visits a block just saved covers; Enter opens the reschedule worklist."""
    shown = rows[:SHOWN_IN_DIALOG]
    listed = [
        (
            str(r.id),
            (f"{r.starts_at:%a %m/%d %H:%M}", r.provider, r.patient),
        )
        for r in shown
    ]
    more = f" (the first {len(shown)} shown)" if len(rows) > len(shown) else ""
    return PickDialog(
        f"{what}: {_visits(len(rows))} fall in this time{more}. They need moving.",
        [("When", 15), ("Provider", 15), ("Patient", 24)],
        listed,
        hint="Enter: open the reschedule list · Esc: later (the day grid marks them)",
    )


class RescheduleListScreen(ViewScreen):
    """The booked visits inside one block of time, to move one by one: r or Enter opens
    the booking screen for the highlighted one; a moved visit leaves the list."""

    VIEW_TITLE = "To reschedule"
    BINDINGS = [Binding("r", "move", "Reschedule", id="reschedule_list.reschedule")]
    ACTION_PERMISSIONS = {"move": "schedule.write"}

    def __init__(
        self, provider_id: int | None, starts_at: dt.datetime, ends_at: dt.datetime, why: str
    ) -> None:
        super().__init__()
        self.provider_id = provider_id
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.why = why
        self.rows: dict[str, ScheduleRow] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="reschedule-why", classes="toolbar")
        yield PagedTable(id="reschedule-table")

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(PagedTable)
        table.set_columns((("When", 15), ("Provider", 15), ("Patient", 24), ("Type", 14)))
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.call_service(
            booked_during,
            self.provider_id,
            self.starts_at,
            self.ends_at,
            then=self._show,
            group="list",
        )

    def _show(self, rows: list[ScheduleRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        self.rows = {str(r.id): r for r in rows}
        table.set_rows(
            [
                (
                    f"{r.starts_at:%a %m/%d %H:%M}",
                    plain(r.provider),
                    plain(r.patient),
                    plain(r.appt_type),
                )
                for r in rows
            ],
            list(self.rows),
            keep,
        )
        left = f"{_visits(len(rows))} still to move" if rows else "Nothing left to move"
        self.query_one("#reschedule-why", Static).update(plain(f"{self.why} · {left}"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_move()

    def selected(self) -> ScheduleRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    @work(exclusive=True, group="move")
    async def action_move(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not self.check_action("move", ()):
            self.say("Moving appointments needs the schedule.write permission.", "error")
            return
        # (Coming back into view refetches the list: the moved visit leaves it.)
        new = await self.app.push_screen_wait(BookingScreen(moving=row))
        if new is not None:
            self.say(booked_message(new, "Moved"), "ok")
