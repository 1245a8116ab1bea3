"""One supply item's stock movements, newest first: who received, used or adjusted what."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services import clock
from ...services.supplies.inventory import MovementPage, MovementRow, item_movements
from ...ui.text import plain
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView

PAGE = 100
KIND_LABELS = {"receive": "Received", "use": "Used", "adjust": "Adjusted", "transfer": "Moved"}


class StockHistoryScreen(RecordView):
    """The movements of one item; Esc goes back to the stock list."""

    SCREEN_NAME = "Stock history"
    VIEW_TITLE = "Stock history"
    COLUMNS = (
        Column("When", 16),
        Column("What", 8),
        Column("Change", 6),
        Column("After", 6),
        Column("By", 10),
        Column("Reason", 22),
    )
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="stock_history.pop_screen")]

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id
        self.next_after: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="history-summary", classes="toolbar")
        yield PagedTable(id="history-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()

    def reload(self) -> None:
        self.call_service(item_movements, self.item_id, None, PAGE, then=self._show)

    def _cells(self, m: MovementRow) -> tuple:
        return (
            f"{clock.utc_to_local(m.at):%m/%d/%Y %H:%M}",
            KIND_LABELS.get(m.kind, m.kind),
            f"{m.quantity:+d}".rjust(6),
            str(m.on_hand_after).rjust(6),
            plain(m.staff),
            plain(m.reason),
        )

    def _show(self, page: MovementPage) -> None:
        item = page.item
        self.set_title(f"{item.name} · SKU {item.sku}")
        count = "no movements yet" if not page.rows else "newest first"
        self.query_one("#history-summary", Static).update(
            plain(f"On hand {item.on_hand} ({item.unit}) · {count} · Esc: back")
        )
        self.query_one(PagedTable).reset()
        self._append(page)

    def _append(self, page: MovementPage) -> None:
        self.next_after = page.next_after
        self.query_one(PagedTable).add_page(
            [self._cells(m) for m in page.rows],
            [str(m.id) for m in page.rows],
            page.next_after is not None,
        )

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.call_service(
                item_movements, self.item_id, self.next_after, PAGE, then=self._append
            )
