"""One supply item's stock movements, newest first: who received, used or adjusted what."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...services import clock
from ...services.supplies.inventory import MovementPage, MovementRow, item_movements
from ...ui.calls import ServiceCaller
from ...ui.text import plain
from ...widgets.message_line import MessageLine
from ...widgets.paged_table import PagedTable

PAGE = 100
KIND_LABELS = {"receive": "Received", "use": "Used", "adjust": "Adjusted"}


class StockHistoryScreen(ServiceCaller, Screen[None]):
    """The movements of one item; Esc goes back to the stock list."""

    SCREEN_NAME = "Stock history"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="stock_history.pop_screen")]

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id
        self.next_after: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("Stock history", id="titlebar")
        yield Static("Loading…", id="history-summary", classes="toolbar")
        yield PagedTable(id="history-table")
        yield MessageLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.add_column("When", width=16)
        table.add_column("What", width=8)
        table.add_column("Change", width=6)
        table.add_column("After", width=6)
        table.add_column("By", width=10)
        table.add_column("Reason", width=22)
        table.focus()
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
        self.query_one("#titlebar", Static).update(
            plain(f"Stock history · {item.name} · SKU {item.sku}")
        )
        count = "no movements yet" if not page.rows else "newest first"
        self.query_one("#history-summary", Static).update(
            plain(f"On hand {item.on_hand} ({item.unit}) · {count} · Esc: back")
        )
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
