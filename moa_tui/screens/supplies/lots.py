"""One item's lots at each location, first expiring first: move a lot to another
location, use from it, count them all. Stock is valued at moving average cost."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.supplies.lots import ItemLots, LotRow, item_lots, locations
from ...services.validate import format_money
from ...services.wording import date_text, quantity
from ...ui import changes
from ...ui.text import plain
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView
from .count import CountScreen
from .stock_dialogs import move_dialog, use_dialog


def expiry_cells(r: LotRow) -> tuple:
    """The expiry date and its flag: EXPIRED in red, "soon" (near-expiry days) in yellow."""
    style = "bold red" if r.expired else ("yellow" if r.near else "")
    flag = "EXPIRED" if r.expired else ("soon" if r.near else "")
    return plain(date_text(r.expiry) if r.expiry else "", style), plain(flag, style)


class ItemLotsScreen(RecordView):
    """An item's lots; Esc goes back."""

    SCREEN_NAME = "Lots"
    VIEW_TITLE = "Lots"
    TOPICS = frozenset({changes.STOCK})
    REFETCH_ON_RESUME = True
    COLUMNS = (
        Column("Lot", 14, share=1),
        Column("Expires", 10),
        Column("", 7),
        Column("Location", 16, share=1),
        Column("On hand", 7),
    )
    ACTION_PERMISSIONS = {"move": "stock.write", "use": "stock.write", "count": "stock.write"}
    BINDINGS = [
        Binding("m", "move", "Move", id="lots.move"),
        Binding("u", "use", "Use", id="lots.use"),
        Binding("c", "count", "Count", id="lots.count"),
        Binding("escape", "app.pop_screen", "Back", id="lots.pop_screen"),
    ]

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id
        self.lots: ItemLots | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="lots-summary", classes="toolbar")
        yield PagedTable(id="lots-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        super().on_mount()

    def changed_elsewhere(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call_service(item_lots, self.item_id, then=self._show)

    def _show(self, lots: ItemLots) -> None:
        self.lots = lots
        self.set_title(lots.name)
        self.query_one("#lots-summary", Static).update(
            plain(
                f"On hand {quantity(lots.on_hand, lots.unit)} · value "
                f"{format_money(lots.value_cents)} at moving average cost"
            )
        )
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        table.add_page(
            [
                (
                    plain(r.lot_number or "(none)"),
                    *expiry_cells(r),
                    plain(r.location),
                    str(r.on_hand).rjust(7),
                )
                for r in lots.rows
            ],
            [str(r.id) for r in lots.rows],
            False,
        )
        table.move_to_key(keep)
        if not lots.rows:
            self.say("None on hand.")

    def selected(self) -> LotRow | None:
        key = self.query_one(PagedTable).selected_key()
        rows = self.lots.rows if self.lots else []
        return next((r for r in rows if str(r.id) == key), None)

    def action_move(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(locations, then=lambda places: self._move(row, places))

    def _move(self, row: LotRow, places) -> None:
        self.app.push_screen(move_dialog(row, row.unit, places), self._done)

    def action_use(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(use_dialog(row, row.unit), self._done)

    def action_count(self) -> None:
        if self.lots and self.lots.rows:
            title = f"Count {self.lots.name}"
            self.app.push_screen(CountScreen(title, self.lots.rows), self._done)

    def _done(self, result) -> None:
        if result is not None:
            self.say(_said(result), "ok")
            self.reload()


def _said(result) -> str:
    """One line for what a stock dialog did."""
    summary = getattr(result, "summary", None)
    if summary:
        return summary
    if hasattr(result, "to"):
        return f"Moved {result.quantity} of {result.name} to {result.to}."
    if hasattr(result, "cost_cents"):
        return f"Used {result.quantity} of {result.name} ({format_money(result.cost_cents)})."
    return "Saved."
