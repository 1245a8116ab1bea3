"""A patient's past and coming visits (the chart's h)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from ...services import clock
from ...services.scheduling.booking import HistoryRow, appointment_history
from ...services.scheduling.schedule import STATUS_LABELS
from ...services.wording import plural
from ...ui.text import plain
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView

COLUMNS = (
    Column("Date", 10),
    Column("Time", 5),
    Column("Provider", 15, share=1),
    Column("Type", 11, share=1),
    Column("Status", 11),
    Column("Detail", 14, share=3),  # the whole of it shows below the list
)


class HistoryScreen(RecordView):
    """Every appointment of one patient, newest first, with what happened to it."""

    VIEW_TITLE = "Appointment history"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="history.back")]

    def __init__(self, patient_id: int, name: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.name_text = name
        self.rows: dict[str, HistoryRow] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="history-summary", classes="toolbar")
        yield PagedTable(id="history-table")
        yield Static(id="history-detail", classes="toolbar")

    def first_title(self) -> str:
        return self.name_text

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(COLUMNS, most=60)
        table.focus()  # then RecordView's on_mount: the title and the first fetch

    def reload(self) -> None:
        self.call_service(appointment_history, self.patient_id, then=self._show)

    def _show(self, rows: list[HistoryRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
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
        table.move_to_key(keep)
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
