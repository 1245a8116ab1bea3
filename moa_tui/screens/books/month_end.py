"""Month end (issue 13 item 6): the month's checklist, x closes it (the lock date: no
posting on or before its last day), o reopens to an earlier date with a reason (the
manager's; audited); d picks another month, [ and ] the month before and after. Enter on
an item opens where it is worked: the unbilled visits or the claims ready to send (the
Claims area), the bills, the day sheet of the first day whose drawer is off, the deposit,
the trial balance."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...db import changes as topics
from ...services import clock
from ...services.books.ledger import set_lock_date
from ...services.books.month_end import CheckItem, MonthEnd, month_end_checklist
from ...services.validate import parse_date
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import TitledScreen


class MonthEndScreen(TitledScreen):
    VIEW_TITLE = "Month end"
    TOPICS = frozenset({topics.BOOKS})
    ACTION_PERMISSIONS = {"close": "books.post", "reopen": "books.post"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="books_month_end.back"),
        Binding("d", "month", "Month", id="books_month_end.month"),
        Binding(
            "left_square_bracket",
            "step(-1)",
            "Month before",
            id="books_month_end.before",
            show=False,
        ),
        Binding(
            "right_square_bracket", "step(1)", "Month after", id="books_month_end.after", show=False
        ),
        Binding("x", "close", "Close month", id="books_month_end.close"),
        Binding("o", "reopen", "Reopen", id="books_month_end.reopen"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.month = clock.today().replace(day=1) - dt.timedelta(days=1)
        self.state: MonthEnd | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="month-end-head", classes="toolbar", markup=False)
        yield PagedTable(id="month-end-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns((Column("To do", 20), Column("Left", 6), Column("What", 44, share=1)))
        table.focus()

    def reload(self) -> None:
        self.call_service(month_end_checklist, self.month, then=self._show, group="page")

    def _show(self, state: MonthEnd) -> None:
        self.state = state
        self.month = state.month_end
        locked = f"{state.lock_date:%m/%d/%Y}" if state.lock_date else "nothing closed"
        status = "closed" if state.closed else "open"
        self.set_title(f"{state.month_end:%m/%Y}")
        self.query_one("#month-end-head", Static).update(
            f"Month ending {state.month_end:%m/%d/%Y}: {status} (books closed through {locked})"
        )
        self.query_one(PagedTable).set_rows(
            [(plain(i.label), Text(str(i.count), justify="right"), plain(i.hint))
             for i in state.items],
            [i.label for i in state.items],
        )  # fmt: skip
        self.say("Ready to close: x" if state.ready and not state.closed else
                 "Enter: work on it · d or [ ]: another month · x: close · o: reopen")  # fmt: skip

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        key = self.query_one(PagedTable).selected_key()
        item = next((i for i in (self.state.items if self.state else ()) if i.label == key), None)
        if item is not None:
            self.open_item(item)

    def open_item(self, item: CheckItem) -> None:
        """The screen where *item* is worked (the Claims area for visits and claims)."""
        if item.target in ("unbilled", "claims"):
            self.app.call_later(self.app.show_claims, "unbilled" if item.target == "unbilled"
                                else "ready")  # fmt: skip
            return
        if item.target == "bills":
            from .payables import BillsScreen

            screen = BillsScreen("open")
        elif item.target == "day_sheet":
            from .day_sheet import DaySheetScreen

            screen = DaySheetScreen(item.day or self.month)
        elif item.target == "deposits":
            from .deposits import DepositScreen

            screen = DepositScreen()
        elif item.target == "statements":
            from .statements import StatementsScreen

            screen = StatementsScreen()
        else:
            return
        self.app.push_screen(screen)

    def action_month(self) -> None:
        def submit(actor, values):
            return parse_date("month", values["month"], today=clock.today(), label="Month")

        def chosen(day) -> None:
            if day:
                self.month = day
                self.reload()

        spec = FieldSpec("month", "A day in it", f"{self.month:%m/%d/%Y}", max_length=20)
        self.app.push_screen(FormDialog("Month end: which month", [spec], submit), chosen)

    def action_step(self, months: int) -> None:
        """The month before or after (the last day of it, as the checklist reads it)."""
        first = self.month.replace(day=1)
        self.month = first - dt.timedelta(days=1) if months < 0 else (
            first + dt.timedelta(days=32)).replace(day=1)  # fmt: skip
        self.reload()

    def action_close(self) -> None:
        if self.state is None:
            return
        end = self.state.month_end
        self.call_service(set_lock_date, end, then=self._done)

    def action_reopen(self) -> None:
        def submit(actor, values):
            day = parse_date("day", values["day"], today=clock.today(), label="Closed through")
            return set_lock_date(actor, day, values["reason"]) or "open"

        specs = [
            FieldSpec("day", "Closed through", placeholder="an earlier day", max_length=20),
            FieldSpec("reason", "Reason", placeholder="why (required)", max_length=160),
        ]
        self.app.push_screen(FormDialog("Reopen the books", specs, submit), self._done)

    def _done(self, day) -> None:
        if day:
            shown = f"{day:%m/%d/%Y}" if not isinstance(day, str) else "nothing"
            self.say(f"The books are closed through {shown}.", "ok")
            self.reload()
