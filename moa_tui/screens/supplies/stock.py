"""Stock levels: on hand against reorder point; receive (at a unit cost, into a lot at a
location), use (first expiring first), adjust with a reason; an item's lots, the
near-expiry worklist and the storage locations. Stock is valued at moving average cost."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.supplies.inventory import (
    StockRow,
    adjust_stock,
    low_stock_count,
    stock_page,
    use_stock,
)
from ...services.supplies.lots import locations, near_expiry_count
from ...services.wording import plural, quantity
from ...ui import changes
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import KeysetListScreen
from .expiry import NearExpiryScreen
from .locations import LocationsScreen
from .lots import ItemLotsScreen
from .orders import PurchaseOrdersScreen
from .stock_dialogs import receive_dialog
from .stock_history import StockHistoryScreen
from .usage_chart import UsageChartScreen

PAGE = 100
CHANGES = {
    # action: (service, dialog title, quantity label, default reason)
    "use": (use_stock, "Use", "Quantity out", "Used in clinic"),
    "adjust": (adjust_stock, "Adjust count of", "Counted on hand", ""),
}


class StockScreen(KeysetListScreen):
    AREA_TITLE = "Stock"
    COLUMNS = (
        Column("SKU", 8),
        Column("Item", 26, share=2),
        Column("Unit", 12, share=1),
        Column("On hand", 7),
        Column("Reorder", 7),
        Column("", 4),
    )
    TOPICS = frozenset({changes.STOCK})  # refetched when another terminal changes these
    ACTION_PERMISSIONS = {
        "change": "stock.write",
        "receive": "stock.write",
    }
    BINDINGS = [
        Binding("r", "receive", "Receive", id="stock.change_receive"),
        Binding("u", "change('use')", "Use", id="stock.change_use"),
        Binding("a", "change('adjust')", "Adjust", id="stock.change_adjust"),
        Binding("l", "toggle_low", "Low only", id="stock.toggle_low"),
        Binding("slash", "search", "Find", id="stock.search"),
        Binding("h", "history", "History", id="stock.history"),
        Binding("t", "lots", "Lots", id="stock.lots"),
        Binding("e", "expiring", "Expiring", id="stock.expiring"),
        Binding("w", "locations", "Where", id="stock.locations"),
        # Not in the footer (it is full at 80 columns): the summary line names it.
        Binding("o", "orders", "Purchase orders", id="stock.orders", show=False),
        Binding("g", "usage", "Use by month", id="stock.usage", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.low_only = False
        self.search = ""
        self.rows: dict[str, StockRow] = {}
        self.next_after: tuple | None = None
        self.low_count = 0
        self.expiring = (0, 0)

    def compose_body(self) -> ComposeResult:
        yield Static(id="stock-summary", classes="toolbar")
        yield PagedTable(id="stock-table")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()

    def reload(self) -> None:
        self.call_service(
            stock_page,
            self.low_only,
            None,
            PAGE,
            search=self.search,
            then=self.show_first_page,
            group="page",
        )
        self.call_service(low_stock_count, then=self._summary, group="summary")
        self.call_service(near_expiry_count, then=self._expiring, group="expiring")

    def cells(self, r: StockRow) -> tuple:
        style = "bold red" if r.low else ""
        return (
            plain(r.sku),
            plain(r.name, style),
            plain(r.unit),
            plain(str(r.on_hand).rjust(7), style),
            str(r.reorder_point).rjust(7),
            plain("LOW" if r.low else "", style),
        )

    def fetch_page(self, after) -> None:
        self.call_service(
            stock_page,
            self.low_only,
            after,
            PAGE,
            search=self.search,
            then=self.append_page,
            group="page",
        )

    def _summary(self, low: int) -> None:
        self.low_count = low
        self._show_summary()

    def _expiring(self, counts: tuple[int, int]) -> None:
        self.expiring = counts
        self._show_summary()

    def _show_summary(self) -> None:
        shown = "low only" if self.low_only else "all items"
        if self.search:
            shown += f" matching “{self.search}” (/ blank: all)"
        gone, soon = self.expiring
        dated = f" · {gone} expired, {soon} expiring (e)" if gone or soon else ""
        self.query_one("#stock-summary", Static).update(
            plain(f"{plural(self.low_count, 'item')} low{dated} · {shown} · o: orders · g: chart")
        )

    def action_toggle_low(self) -> None:
        self.low_only = not self.low_only
        self.reload()

    def selected(self) -> StockRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def action_change(self, kind: str) -> None:
        row = self.selected()
        if row is None:
            return
        service, verb, qty_label, reason = CHANGES[kind]

        def submit(actor, values):
            return service(actor, row.id, values["quantity"], values["reason"])

        self.app.push_screen(
            FormDialog(
                f"{verb} {row.name} ({quantity(row.on_hand, row.unit)} on hand)",
                [
                    FieldSpec("quantity", qty_label, placeholder="whole number", max_length=9),
                    FieldSpec("reason", "Reason", reason, max_length=200),
                ],
                submit,
            ),
            self._changed,
        )

    def _changed(self, row: StockRow | None) -> None:
        if row:
            self.say(f"{row.name}: {quantity(row.on_hand, row.unit)} on hand.", "ok")
            self.reload()

    def action_search(self) -> None:
        """Keep the items whose name contains, or SKU starts with, what is typed."""

        def check(actor, values):
            # Checked by the service itself: a bad search is refused beside the field.
            stock_page(actor, search=values["search"], limit=1)
            return values["search"].strip()

        def searched(text: str | None) -> None:
            if text is not None:
                self.search = text
                self.query_one(PagedTable).reset()
                self.reload()

        self.app.push_screen(
            FormDialog(
                "Find stock",
                [FieldSpec("search", "Name or SKU", self.search, max_length=80)],
                check,
                hint="Part of the name, or the start of the SKU; blank shows all · Esc: cancel",
            ),
            searched,
        )

    def action_receive(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(locations, then=lambda places: self._receive(row, places))

    def _receive(self, row: StockRow, places) -> None:
        self.app.push_screen(
            receive_dialog(row.id, row.name, row.last_cost_cents, places), self._changed
        )

    def action_lots(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(ItemLotsScreen(row.id))

    def action_expiring(self) -> None:
        self.app.push_screen(NearExpiryScreen())

    def action_locations(self) -> None:
        self.app.push_screen(LocationsScreen())

    def action_history(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(StockHistoryScreen(row.id))

    def action_usage(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(UsageChartScreen(row.id))

    def action_orders(self) -> None:
        self.app.push_screen(PurchaseOrdersScreen())

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_history()
