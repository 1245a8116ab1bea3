"""The books' statements (issue 13 item 5): t trial balance, l profit and loss (beside
the period before), b balance sheet, g an account's ledger detail (keyset paged, running
balance); d changes the date or period; c and f save what is shown as CSV or PDF through
the one export dialog. The rows are report_files' layouts, the same as the files'."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...db import changes as topics
from ...services import clock
from ...services.books.report_files import (
    balance_sheet_layout,
    export_statement,
    ledger_detail_layout,
    profit_and_loss_layout,
    trial_balance_layout,
)
from ...services.books.reports import (
    balance_sheet,
    ledger_detail,
    profit_and_loss,
    trial_balance,
)
from ...services.validate import parse_date
from ...ui.text import plain
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import TitledScreen

NAMES = {
    "trial_balance": "Trial balance",
    "profit_and_loss": "Profit and loss",
    "balance_sheet": "Balance sheet",
    "ledger_detail": "General ledger",
}
MONEY = 14
COLUMNS = {
    "trial_balance": (Column("Acct", 5), Column("Name", 30, share=1),
                      Column("Debit", MONEY), Column("Credit", MONEY)),
    "profit_and_loss": (Column("Acct", 5), Column("Name", 30, share=1),
                        Column("This period", MONEY), Column("Prior period", MONEY)),
    "balance_sheet": (Column("Acct", 5), Column("Name", 40, share=1), Column("Amount", MONEY)),
    "ledger_detail": (Column("Date", 10), Column("Entry", 6), Column("Memo", 16, share=1),
                      Column("Debit", 11), Column("Credit", 11), Column("Balance", 12)),
}  # fmt: skip


def _cells(row: tuple[str, ...], money_from: int) -> tuple:
    return tuple(
        Text(cell, justify="right") if i >= money_from else plain(cell)
        for i, cell in enumerate(row)
    )


class StatementsScreen(TitledScreen):
    VIEW_TITLE = "Statements"
    TOPICS = frozenset({topics.BOOKS})
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="books_statements.back"),
        Binding("t", "show('trial_balance')", "Trial", id="books_statements.trial_balance"),
        Binding("l", "show('profit_and_loss')", "P&L", id="books_statements.profit_and_loss"),
        Binding("b", "show('balance_sheet')", "Balance", id="books_statements.balance_sheet"),
        Binding("g", "ledger", "Ledger", id="books_statements.ledger"),
        Binding("d", "dates", "Dates", id="books_statements.dates"),
        Binding("c", "save('csv')", "CSV", id="books_statements.csv"),
        Binding("f", "save('pdf')", "PDF", id="books_statements.pdf"),
    ]

    def __init__(self) -> None:
        super().__init__()
        today = clock.today()
        self.kind = "trial_balance"
        self.as_of = today
        self.start, self.end = today.replace(day=1), today
        self.code = ""
        self.after: tuple[dt.date, int] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="statement-head", classes="toolbar", markup=False)
        yield PagedTable(id="statement-table")

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus()

    def _params(self) -> dict:
        if self.kind in ("trial_balance", "balance_sheet"):
            return {"as_of": self.as_of}
        if self.kind == "profit_and_loss":
            return {"start": self.start, "end": self.end}
        return {"code": self.code, "start": self.start, "end": self.end}

    def reload(self) -> None:
        self.set_title(NAMES[self.kind])
        kind, params = self.kind, self._params()
        if kind == "trial_balance":
            job, layout = trial_balance, trial_balance_layout
        elif kind == "balance_sheet":
            job, layout = balance_sheet, balance_sheet_layout
        elif kind == "profit_and_loss":
            job, layout = profit_and_loss, profit_and_loss_layout
        else:
            self.call_service(ledger_detail, **params, then=self._first_page, group="page")
            return
        self.call_service(job, *params.values(), then=lambda r: self._show(layout(r)),
                          group="page")  # fmt: skip

    def _table(self) -> PagedTable:
        table = self.query_one(PagedTable)
        table.reset()
        table.clear(columns=True)
        table.set_columns(COLUMNS[self.kind])
        return table

    def _show(self, layout) -> None:
        self.query_one("#statement-head", Static).update(f"{layout.title}: {layout.subtitle}")
        money_from = 2
        self._table().set_rows(
            [_cells(r, money_from) for r in layout.rows], [str(i) for i in range(len(layout.rows))]
        )
        self.say("t trial balance · l P&L · b balance sheet · g ledger · d dates")

    def _first_page(self, page) -> None:
        layout = ledger_detail_layout(page)
        self.query_one("#statement-head", Static).update(f"{layout.title}: {layout.subtitle}")
        table = self._table()
        rows = [_cells(r, 3) for r in layout.rows]
        keys = ["open", *(str(x.line_id) for x in page.lines)]
        table.add_page(rows, keys, page.more)
        self._remember(page)
        self.say(f"{len(page.lines)} lines" + (" (more below)" if page.more else ""))

    def _remember(self, page) -> None:
        last = page.lines[-1] if page.lines else None
        self.after = (last.on, last.line_id) if last else None

    def _more(self, page) -> None:
        rows = [_cells(r, 3) for r in ledger_detail_layout(page).rows[1:]]
        self.query_one(PagedTable).add_page(rows, [str(x.line_id) for x in page.lines], page.more)
        self._remember(page)

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.kind == "ledger_detail" and self.after is not None:
            self.call_service(ledger_detail, **self._params(), after=self.after,
                              then=self._more, group="page")  # fmt: skip

    def action_show(self, kind: str) -> None:
        self.kind = kind
        self.reload()

    def _ask(self, title: str, specs: list[FieldSpec]) -> None:
        def submit(actor, values):
            today = clock.today()
            got = {}
            for name in ("as_of", "start", "end"):
                if name in values:
                    got[name] = parse_date(name, values[name], today=today, label="Date")
            if "code" in values:
                got["code"] = values["code"].strip()
                ledger_detail(actor, got["code"], limit=1)  # an unknown account: refused here
            return got

        def chosen(got) -> None:
            if got:
                for name, value in got.items():
                    setattr(self, name, value)
                if "code" in got:
                    self.kind = "ledger_detail"
                self.reload()

        self.app.push_screen(FormDialog(title, specs, submit), chosen)

    def _period_specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("start", "From", f"{self.start:%m/%d/%Y}", max_length=20),
            FieldSpec("end", "To", f"{self.end:%m/%d/%Y}", max_length=20),
        ]

    def action_ledger(self) -> None:
        self._ask(
            "General ledger: which account and period",
            [
                FieldSpec("code", "Account", self.code, placeholder="e.g. 1000", max_length=16),
                *self._period_specs(),
            ],  # fmt: skip
        )

    def action_dates(self) -> None:
        if self.kind in ("trial_balance", "balance_sheet"):
            specs = [FieldSpec("as_of", "As of", f"{self.as_of:%m/%d/%Y}", max_length=20)]
            self._ask(f"{NAMES[self.kind]}: as of which day", specs)
        elif self.kind == "ledger_detail":
            self.action_ledger()
        else:
            self._ask("Profit and loss: which period", self._period_specs())

    def action_save(self, fmt: str) -> None:
        kind, params = self.kind, self._params()

        def save(actor, path: str, overwrite: bool) -> str:
            written = export_statement(actor, kind, fmt, path, overwrite, **params)
            return f"Saved {written}."

        def saved(said) -> None:
            if said:
                self.say(said, "ok")

        name = f"{kind.replace('_', '-')}-{clock.today():%Y-%m-%d}.{fmt}"
        title = f"{NAMES[kind]} ({fmt.upper()})"
        self.app.push_screen(ExportDialog(title, name, save), saved)
