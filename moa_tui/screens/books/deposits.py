"""A bank deposit (issue 13 item 5): the payments not yet deposited, all picked to begin
with; Space picks or leaves one, a all or none; x makes the deposit (its date and the
bank's reference); c and f save its slip (checks by number, cash, total) as CSV or PDF;
l picks an earlier deposit's slip."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...db import changes as topics
from ...services import clock
from ...services.books.deposits import (
    Waiting,
    WaitingList,
    by_method,
    make_deposit,
    recent_deposits,
    undeposited,
)
from ...services.books.report_files import export_statement
from ...services.validate import format_money
from ...ui.text import plain
from ...widgets.dialogs import PickDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import TitledScreen

COLUMNS = (Column("In", 3), Column("Taken", 10), Column("Method", 6), Column("Ref", 10),
           Column("From", 20, share=1), Column("Amount", 11))  # fmt: skip
METHODS = {"cash": "Cash", "check": "Check", "card": "Card", "": "Other"}


class DepositScreen(TitledScreen):
    VIEW_TITLE = "Deposit"
    TOPICS = frozenset({topics.BOOKS})
    REFETCH_ON_RESUME = False  # fetched on opening, after its own changes, or elsewhere's
    ACTION_PERMISSIONS = {"deposit": "books.post"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="books_deposit.back"),
        Binding("space", "pick", "Pick", id="books_deposit.pick"),
        Binding("a", "pick_all", "All/none", id="books_deposit.all"),
        Binding("x", "deposit", "Deposit", id="books_deposit.deposit"),
        Binding("c", "save('csv')", "CSV", id="books_deposit.csv"),
        Binding("f", "save('pdf')", "PDF", id="books_deposit.pdf"),
        Binding("l", "earlier", "Earlier", id="books_deposit.earlier"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.waiting: list[Waiting] = []
        self.more = False  # more wait than listed (the oldest MOST of each kind are)
        self.left_out: set[str] = set()  # keys not picked (all are, to begin with)
        self.slip_id: int | None = None  # the slip c and f save
        self.pending: str = ""  # said once the list is shown again

    def compose_body(self) -> ComposeResult:
        yield Static("", id="deposit-head", classes="toolbar", markup=False)
        yield PagedTable(id="deposit-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(COLUMNS)
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.call_service(undeposited, then=self._show, group="page")

    def _show(self, waiting: WaitingList) -> None:
        self.waiting = waiting.rows
        self.more = waiting.more
        self.left_out &= {w.key for w in waiting.rows}
        self._fill()
        if self.pending:
            self.say(self.pending, "ok")
            self.pending = ""
        elif self.more:
            self.say(
                "More wait than these: the oldest of each kind are listed; deposit them and"
                " the rest follow.",
                "warning",
            )
        else:
            self.say("Space: pick or leave · a: all/none · x: deposit · c/f: slip · l: earlier")

    def picked(self) -> list[Waiting]:
        return [w for w in self.waiting if w.key not in self.left_out]

    def _fill(self) -> None:
        self.set_title(f"{len(self.waiting):,}{'+' if self.more else ''} waiting")
        picked = self.picked()
        totals = by_method(picked)
        checks = sum(1 if w.cents > 0 else -1 for w in picked if w.method in ("check", ""))
        self.query_one("#deposit-head", Static).update(
            f"Picked {len(picked)}: cash {format_money(totals.get('cash', 0))} · "
            f"{checks} checks {format_money(totals.get('check', 0))} · cards "
            f"{format_money(totals.get('card', 0))} · total "
            f"{format_money(sum(totals.values()))}"
        )
        table = self.query_one(PagedTable)
        rows = [
            ("" if w.key in self.left_out else "✓", f"{w.day:%m/%d/%Y}", METHODS[w.method],
             plain(w.reference), plain(w.source), Text(format_money(w.cents), justify="right"))
            for w in self.waiting
        ]  # fmt: skip
        table.set_rows(rows, [w.key for w in self.waiting], keep=table.selected_key())

    def action_pick(self) -> None:
        key = self.query_one(PagedTable).selected_key()
        if not key:
            return
        self.left_out ^= {key}
        self._fill()
        self.query_one(PagedTable).action_cursor_down()

    def action_pick_all(self) -> None:
        self.left_out = set() if self.left_out else {w.key for w in self.waiting}
        self._fill()

    def action_deposit(self) -> None:
        keys = [w.key for w in self.picked()]
        if not keys:
            self.say("Pick the payments to deposit first (Space, or a for all).", "warning")
            return

        def submit(actor, values):
            return make_deposit(actor, values["day"], values["reference"], keys)

        def made(deposit_id) -> None:
            if deposit_id:
                self.slip_id = deposit_id
                self.left_out = set()
                self.pending = f"Deposit #{deposit_id} made: f saves its slip as PDF, c as CSV."
                self.reload()

        specs = [
            FieldSpec("day", "Deposit date", f"{clock.today():%m/%d/%Y}", max_length=20),
            FieldSpec("reference", "Bank ref.", placeholder="deposit ticket no.",
                      max_length=40),
        ]  # fmt: skip
        title = f"Deposit {len(keys)} payment(s)"
        self.app.push_screen(FormDialog(title, specs, submit), made)

    def action_earlier(self) -> None:
        def chosen(deposits) -> None:
            if not deposits:
                self.say("No deposit has been made yet.")
                return
            rows = [(str(d.id), (f"#{d.id}", f"{d.deposited_on:%m/%d/%Y}", plain(d.bank_reference),
                                 format_money(d.total_cents)))
                    for d in deposits]  # fmt: skip
            columns = [("No.", 6), ("Date", 10), ("Reference", 20), ("Total", 12)]
            self.app.push_screen(PickDialog("Which deposit's slip", columns, rows), picked)

        def picked(key) -> None:
            if key:
                self.slip_id = int(key)
                self.say(f"Deposit #{key}: f saves its slip as PDF, c as CSV.")

        self.call_service(recent_deposits, then=chosen)

    def action_save(self, fmt: str) -> None:
        deposit_id = self.slip_id
        if deposit_id is None:
            self.say("Make a deposit first (x), or pick an earlier one (l).", "warning")
            return

        def save(actor, path: str, overwrite: bool) -> str:
            written = export_statement(actor, "deposit_slip", fmt, path, overwrite,
                                       deposit_id=deposit_id)  # fmt: skip
            return f"Saved {written}."

        def saved(said) -> None:
            if said:
                self.say(said, "ok")

        name = f"deposit-{deposit_id}.{fmt}"
        self.app.push_screen(ExportDialog(f"Deposit slip ({fmt.upper()})", name, save), saved)
