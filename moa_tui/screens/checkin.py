"""Check-in queue: who is in the office, in which step, and for how long."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ..services import clock
from ..services.schedule import FLOW, STATUS_LABELS, ScheduleRow, advance, checkin_queue
from ..widgets.paged_table import PagedTable
from ..widgets.text import plain
from .base import AreaScreen
from .schedule import status_cell

WAIT_WARN_MINUTES = 15


def minutes_since(instant: dt.datetime | None, now: dt.datetime) -> int:
    return max(0, int((now - instant).total_seconds() // 60)) if instant else 0


def duration(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes}m"


class QueueScreen(AreaScreen):
    AREA_TITLE = "Check-in queue"
    ACTION_PERMISSIONS = {"advance": "checkin"}
    BINDINGS = [
        Binding("a,space", "advance", "Next step"),
        Binding("h", "toggle_done", "Hide/show out"),
        Binding("enter", "open_patient", "Patient", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, ScheduleRow] = {}
        self.hide_done = False

    def compose_body(self) -> ComposeResult:
        yield Static(id="queue-summary", classes="toolbar")
        yield PagedTable(id="queue-table")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.add_column("Wait", key="wait", width=5)
        table.add_column("Patient", width=22)
        table.add_column("Appt", width=5)
        table.add_column("Provider", width=15)
        table.add_column("Status", width=13)
        table.add_column("Total", key="total", width=5)
        table.focus()
        # Wait times tick on screen every few seconds without asking the database.
        self.set_interval(5, self._tick)

    def reload(self) -> None:
        self.call_service(checkin_queue, then=self._show, group="queue")

    def _cells(self, row: ScheduleRow, now: dt.datetime) -> tuple:
        waiting = minutes_since(row.status_at, now)
        if row.status == "checked_out":
            wait = plain("done", "dim")
            total = duration(minutes_since(row.arrived_at, row.status_at))
        else:
            wait = plain(duration(waiting), "bold red" if waiting >= WAIT_WARN_MINUTES else "")
            total = duration(minutes_since(row.arrived_at, now))
        return wait, total

    def _show(self, rows: list[ScheduleRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        if self.hide_done:
            rows = [r for r in rows if r.status != "checked_out"]
        self.rows = {str(r.id): r for r in rows}
        now = clock.now_utc()
        cells = []
        for r in rows:
            wait, total = self._cells(r, now)
            cells.append(
                (
                    wait,
                    plain(r.patient),
                    f"{r.starts_at:%H:%M}",
                    plain(r.provider),
                    status_cell(r),
                    total,
                )
            )
        table.add_page(cells, list(self.rows), has_more=False)
        table.move_to_key(keep)
        counts = {s: sum(r.status == s for r in rows) for s in FLOW}
        summary = " · ".join(f"{STATUS_LABELS[s]} {n}" for s, n in counts.items())
        self.query_one("#queue-summary", Static).update(plain(f"Today: {summary}"))

    def _tick(self) -> None:
        table = self.query_one(PagedTable)
        now = clock.now_utc()
        for key, row in self.rows.items():
            wait, total = self._cells(row, now)
            table.update_cell(key, "wait", wait)
            table.update_cell(key, "total", total)

    def selected(self) -> ScheduleRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def action_advance(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(advance, row.id, row.version, then=self._advanced, group="write")

    def _advanced(self, row: ScheduleRow) -> None:
        self.say(f"{row.patient}: {row.status_label.lower()}.", "green")
        self.reload()

    def show_error(self, error) -> None:
        super().show_error(error)
        self.reload()

    def action_toggle_done(self) -> None:
        self.hide_done = not self.hide_done
        self.reload()

    def action_open_patient(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.open_patient(row.patient_id)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open_patient()
