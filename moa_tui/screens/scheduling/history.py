"""A patient's past and coming visits (the chart's h)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...services import clock
from ...services.errors import ServiceError
from ...services.scheduling.booking import HistoryRow, appointment_history
from ...services.scheduling.schedule import STATUS_LABELS
from ...services.wording import plural
from ...ui.calls import ServiceCaller
from ...ui.text import plain
from ...widgets.message_line import MessageLine
from ...widgets.paged_table import PagedTable


class HistoryScreen(ServiceCaller, Screen[None]):
    """Every appointment of one patient, newest first, with what happened to it."""

    AREA_TITLE = "Appointment history"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="history.back")]

    def __init__(self, patient_id: int, name: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.name_text = name
        self.rows: dict[str, HistoryRow] = {}

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Appointment history · {self.name_text}"), id="titlebar")
        yield Static("Loading…", id="history-summary", classes="toolbar")
        yield PagedTable(id="history-table")
        yield Static(id="history-detail", classes="toolbar")
        yield MessageLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        for label, width in (("Date", 10), ("Time", 5), ("Provider", 15), ("Type", 11)):
            table.add_column(label, width=width)
        table.add_column("Status", width=11)
        table.add_column("Detail", width=14)  # the whole of it shows below the list
        table.stretch_columns({"Detail": 3, "Provider": 1, "Type": 1}, most=60)
        table.focus()
        self.call_service(appointment_history, self.patient_id, then=self._show)

    def show_error(self, error: ServiceError) -> None:
        self.query_one(MessageLine).say(str(error), "error")

    def _show(self, rows: list[HistoryRow]) -> None:
        table = self.query_one(PagedTable)
        self.rows = {str(r.id): r for r in rows}
        table.add_page(
            [
                (
                    f"{r.starts_at:%m/%d/%Y}",
                    f"{r.starts_at:%H:%M}",
                    plain(r.provider),
                    plain(r.appt_type),
                    STATUS_LABELS.get(r.status, r.status),
                    plain(r.detail),
                )
                for r in rows
            ],
            list(self.rows),
            has_more=False,
        )
        upcoming = sum(
            r.status == "booked" and r.starts_at >= clock.now_local().naive for r in rows
        )
        self.query_one("#history-summary", Static).update(
            plain(f"{plural(len(rows), 'appointment')}, {upcoming} still to come · Esc: back")
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows.get(event.row_key.value or "")
        if row is not None:
            self.query_one("#history-detail", Static).update(plain(row.detail or ""))
