"""The Books area: a list of the books' screens, each opened by its letter or Enter.

PAGES is the one table of them: a screen added to the books (payables, purchasing,
reports, month end) is one row here. The screen is imported when first opened."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.security.security import can, refusal
from ...ui import changes
from ...ui.text import plain
from ...widgets.paged_table import Column, RowTable
from ..base import AreaScreen


@dataclass(frozen=True)
class BooksPage:
    key: str  # the letter that opens it
    name: str
    what: str  # one line: what it shows or does
    screen: str  # "module:Class" under moa_tui/screens/books/
    permission: str


# The books' screens, in the order listed (letters unique; not h, the help key; "what"
# at most 48 characters, the room it has at 80 columns).
PAGES: tuple[BooksPage, ...] = (
    BooksPage("a", "Accounts", "The chart with balances; add, rename, deactivate",
              "accounts:AccountsScreen", "books.read"),
    BooksPage("j", "Journal", "Entries newest first; Enter: lines, r: reverse",
              "journal:JournalScreen", "books.read"),
    BooksPage("n", "New entry", "A manual entry, saved only when balanced",
              "new_entry:NewEntryScreen", "books.post"),
    BooksPage("s", "Statements", "Trial balance, P&L, balance sheet, ledger detail",
              "statements:StatementsScreen", "books.read"),
    BooksPage("m", "Month end", "The month's checklist; close it or reopen it",
              "month_end:MonthEndScreen", "books.read"),
    BooksPage("d", "Day sheet", "A day's money, the drawer count, tie to ledger",
              "day_sheet:DaySheetScreen", "books.read"),
    BooksPage("e", "Deposit", "Payments not yet banked: deposit, print slip",
              "deposits:DepositScreen", "books.read"),
    BooksPage("v", "Vendors", "Vendors and contractors with their terms",
              "payables:VendorsScreen", "payables.read"),
    BooksPage("b", "Bills", "Vendors' bills: match, approve, pay",
              "payables:BillsScreen", "payables.read"),
    BooksPage("w", "Due soon", "Bills due this week, oldest first",
              "payables:DueBillsScreen", "payables.read"),
    BooksPage("p", "A/P aging", "What the practice owes, by age",
              "ap_reports:PayablesAgingScreen", "payables.read"),
    BooksPage("k", "Checks", "The check register: payments by date",
              "ap_reports:CheckRegisterScreen", "payables.read"),
    BooksPage("c", "Collections", "Payments taken in by week, a year as a chart",
              "collections:CollectionsScreen", "books.read"),
)  # fmt: skip


def _binding_id(page: BooksPage) -> str:
    return "books.open_" + page.name.lower().replace(" ", "_")


class BooksScreen(AreaScreen):
    AREA_TITLE = "Books"
    TOPICS = frozenset({changes.BOOKS})
    REFETCH_ON_RESUME = False  # the list is fixed; each screen fetches its own
    # The table names every letter; the key bar (80 columns) only the first five.
    BINDINGS = [
        Binding(p.key, f"open_page('{p.key}')", p.name, id=_binding_id(p), show=n < 5)
        for n, p in enumerate(PAGES)
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(
            plain("Press a letter, or Enter on a row, to open a screen of the books."),
            classes="toolbar",
        )
        yield RowTable(cursor_type="row", id="books-pages")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(RowTable)
        table.set_columns((Column("Key", 3), Column("Screen", 12), Column("What", 50, share=1)))
        for page in PAGES:
            if can(self.app.actor, page.permission):
                table.add_row(page.key, plain(page.name), plain(page.what), key=page.key)
        table.focus()

    def action_open_page(self, key: str) -> None:
        page = next((p for p in PAGES if p.key == key), None)
        if page is None:
            return
        if not can(self.app.actor, page.permission):
            self.show_refusal(f"{page.name}: {refusal(self.app.actor, page.permission)}")
            return
        module, name = page.screen.split(":")
        screen_class = getattr(importlib.import_module(f"moa_tui.screens.books.{module}"), name)
        self.app.push_screen(screen_class())

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        if event.row_key is not None and event.row_key.value:
            self.action_open_page(event.row_key.value)
