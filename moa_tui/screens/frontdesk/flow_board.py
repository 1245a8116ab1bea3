"""Patient flow board: who is in the office, in which step and room, and for how long."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services import clock
from ...services.frontdesk.flow_board import BoardRow, flow_board, rooms
from ...services.scheduling.booking import undo_status
from ...services.scheduling.schedule import FLOW, STATUS_LABELS, ScheduleRow, advance
from ...services.wording import tell_apart
from ...ui import changes
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import PatientRowsScreen
from ..billing.unbilled import open_charges
from ..books.day_sheet import counted_message, drawer_count_dialog
from ..scheduling.schedule import status_cell
from .check_out import CheckOutScreen


def duration(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes}m"


class QueueScreen(PatientRowsScreen):
    AREA_TITLE = "Patient flow"
    COLUMNS = (
        Column("Wait", 4),
        Column("Patient", 16, share=2),
        Column("Appt", 5),
        Column("Provider", 15, share=1),
        Column("Step", 13),
        Column("Room", 6),
        Column("Total", 5),
    )
    TOPICS = frozenset({changes.SCHEDULE})  # refetched when another terminal changes these
    ACTION_PERMISSIONS = {"advance": "checkin", "undo": "schedule.write", "charges": "claims.write",
                          "count_drawer": "checkin"}  # fmt: skip
    BINDINGS = [
        Binding("a,space", "advance", "Next step", id="flow.advance"),
        Binding("u", "undo", "Undo step", id="flow.undo"),
        Binding("h", "toggle_done", "Hide/show out", id="flow.toggle_done"),
        Binding("c", "charges", "Charges", show=False, id="flow.charges"),
        Binding("enter", "open_patient", "Patient", show=False, id="flow.open_patient"),
        Binding("d", "count_drawer", "Count drawer", show=False, id="flow.count_drawer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, BoardRow] = {}
        self.free_rooms: list[str] = []
        self.hide_done = False
        self._fetched_at = float("-inf")

    def compose_body(self) -> ComposeResult:
        yield Static(id="queue-summary", classes="toolbar")
        yield Static(id="queue-rooms", classes="toolbar")
        yield PagedTable(id="queue-table")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        # Waits move on by themselves: refetch each half minute without a key press, while
        # the board is on screen; coming back after longer refetches at once.
        self.set_interval(self.TICK, self._tick)

    TICK = 30  # seconds

    def _tick(self) -> None:
        if self.is_current:
            self.reload()

    def resumed(self) -> None:
        if time.monotonic() - self._fetched_at >= self.TICK:
            self._fetched = None  # the waits are stale: refetch even with no change
        super().resumed()

    def reload(self) -> None:
        self._fetched_at = time.monotonic()
        self.call_service(flow_board, then=self._show, group="board")
        self.call_service(rooms, then=self._rooms, group="rooms")

    def _show(self, board: list[BoardRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        if self.hide_done:
            board = [b for b in board if b.row.status != "checked_out"]
        self.rows = {str(b.row.id): b for b in board}
        names = tell_apart(
            ((b.row.patient_id, b.row.patient, b.row.patient_dob) for b in board),
            table.column_width("Patient") - 1,  # room for the '*' of changed details
        )

        def cells(b) -> tuple:
            r = b.row
            late = "bold white on red" if b.late else ""
            wait = (
                plain("done", "dim")
                if r.status == "checked_out"
                else plain(duration(b.in_status_minutes), late)
            )
            return (
                wait,
                # "*": told the kiosk their address or phone changed (summary says so).
                plain(
                    ("*" if r.details_changed else "") + names[r.patient_id],
                    "bold" if b.late else "",
                ),
                f"{r.starts_at:%H:%M}",
                plain(r.provider),
                status_cell(r),
                plain(r.room),
                duration(b.total_minutes),
            )

        # Only the rows near the screen are made now, the rest as the cursor nears them:
        # a board of 700 visits paints as fast as one of 60 (issue 10).
        table.set_rows(board, list(self.rows), keep, cells)
        counts = {s: sum(b.row.status == s for b in board) for s in FLOW}
        late = sum(b.late for b in board)
        changed = sum(b.row.details_changed for b in board)
        summary = " · ".join(f"{STATUS_LABELS[s]} {n}" for s, n in counts.items() if n)
        self.query_one("#queue-summary", Static).update(
            plain(
                f"Today: {summary or 'nobody yet'}"
                + (f" · {late} waiting too long" if late else "")
                + (f" · {changed} changed details (*)" if changed else "")
            )
        )

    def _rooms(self, found: list[tuple[str, str]]) -> None:
        self.free_rooms = [name for name, who in found if not who]
        used = ", ".join(f"{name} {who}" for name, who in found if who) or "none"
        free = ", ".join(self.free_rooms) or "none"
        self.query_one("#queue-rooms", Static).update(plain(f"In use: {used} · Free: {free}"))

    def selected(self) -> ScheduleRow | None:
        board = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        return board.row if board else None

    def action_charges(self) -> None:
        """Code the selected visit once it is checked out (billing's charges screen)."""
        row = self.selected()
        if row is None:
            return
        if row.status != "checked_out":
            self.say("Charges are entered once the visit is checked out.", "warning")
            return
        open_charges(self, row.id)

    def action_advance(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.status == "intake_done":
            self._choose_room(row)
            return
        if row.status == "ready_checkout":
            # Check-out is its own screen: balance, follow-up, visit slip.
            self.app.push_screen(CheckOutScreen(row.id), lambda done: done and self._advanced(done))
            return
        self.call_service(advance, row.id, row.version, then=self._advanced, group="write")

    def _choose_room(self, row: ScheduleRow) -> None:
        options = [(name, name) for name in self.free_rooms] or [("(no room is free)", "")]

        def submit(actor, values):
            return advance(actor, row.id, row.version, values["room"])

        self.app.push_screen(
            FormDialog(
                f"Room for {row.patient}",
                [FieldSpec("room", "Room", options=options)],
                submit,
                hint="Enter: room the patient · Esc: cancel",
            ),
            lambda done: done and self._advanced(done),
        )

    def _advanced(self, row: ScheduleRow) -> None:
        where = f" in {row.room}" if row.room else ""
        self.say(f"{row.patient}: {row.status_label.lower()}{where}.", "ok")
        self.reload()

    def action_undo(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(undo_status, row.id, row.version, then=self._undone, group="write")

    def _undone(self, row: ScheduleRow) -> None:
        self.say(f"{row.patient} is back to {row.status_label.lower()}.", "ok")
        self.reload()

    def action_toggle_done(self) -> None:
        self.hide_done = not self.hide_done
        self.reload()

    def action_count_drawer(self) -> None:
        """The desk counts the cash drawer at the end of the day (the books' day sheet
        shows it against what the day took)."""

        def counted(drawer) -> None:
            if drawer is not None:
                self.say(*counted_message(drawer))

        self.app.push_screen(drawer_count_dialog(clock.today()), counted)
