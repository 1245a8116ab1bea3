"""The near-expiry worklist: stock expiring within the setting's days (default 60),
expired stock first and in red; Enter opens the item's lots, d discards a lot (counted
out as an adjustment), n changes the days."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.supplies.lots import ExpiryPage, LotRow, near_expiry
from ...services.wording import plural
from ...ui import changes
from ...ui.text import plain
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView
from .lots import ItemLotsScreen, _said, expiry_cells
from .stock_dialogs import days_dialog, discard_dialog

PAGE = 100


class NearExpiryScreen(RecordView):
    SCREEN_NAME = "Near expiry"
    VIEW_TITLE = "Near expiry"
    TOPICS = frozenset({changes.STOCK})
    REFETCH_ON_RESUME = True
    COLUMNS = (
        Column("Expires", 10),
        Column("", 7),
        Column("Item", 22, share=2),
        Column("Lot", 10, share=1),
        Column("Location", 12, share=1),
        Column("Qty", 5),
    )
    ACTION_PERMISSIONS = {"discard": "stock.write", "days": "stock.write"}
    BINDINGS = [
        Binding("enter", "lots", "Lots", id="expiry.lots"),
        Binding("d", "discard", "Discard", id="expiry.discard"),
        Binding("n", "days", "Days ahead", id="expiry.days"),
        Binding("escape", "app.pop_screen", "Back", id="expiry.pop_screen"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, LotRow] = {}
        self.next_after: tuple | None = None
        self.days = 60

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="expiry-summary", classes="toolbar")
        yield PagedTable(id="expiry-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        super().on_mount()

    def changed_elsewhere(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call_service(near_expiry, None, PAGE, then=self._first, group="page")

    def _first(self, page: ExpiryPage) -> None:
        self.days = page.days
        gone = sum(r.expired for r in page.rows)
        self.query_one("#expiry-summary", Static).update(
            plain(
                f"Expiring within {page.days} days, expired first"
                + (f" · {plural(gone, 'expired lot')} on this page" if gone else "")
                + ("" if page.rows else " · nothing is near expiry")
            )
        )
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {}
        self._append(page)
        table.move_to_key(keep)

    def _append(self, page: ExpiryPage) -> None:
        keys = [str(r.id) for r in page.rows]
        self.rows.update(zip(keys, page.rows, strict=True))
        self.next_after = page.next_after
        self.query_one(PagedTable).add_page(
            [
                (
                    *expiry_cells(r),
                    plain(r.item),
                    plain(r.lot_number or "(none)"),
                    plain(r.location),
                    str(r.on_hand).rjust(5),
                )
                for r in page.rows
            ],
            keys,
            page.next_after is not None,
        )

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.call_service(near_expiry, self.next_after, PAGE, then=self._append, group="page")

    def selected(self) -> LotRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def action_lots(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(ItemLotsScreen(row.item_id))

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_lots()

    def action_discard(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(discard_dialog(row), self._done)

    def action_days(self) -> None:
        self.app.push_screen(days_dialog(self.days), self._days)

    def _days(self, days: int | None) -> None:
        if days is not None:
            self.say(f"The worklist looks {days} days ahead.", "ok")
            self.reload()

    def _done(self, result) -> None:
        if result is not None:
            self.say(_said(result), "ok")
            self.reload()
