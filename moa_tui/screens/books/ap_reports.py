"""A/P aging (the A/R aging's buckets, by vendor) and the check register (payments by
date with their check numbers)."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services import clock
from ...services.billing.aging import BUCKETS, AgingReport
from ...services.books.ap_aging import ap_aging
from ...services.books.ap_payments import PaymentRow, check_register
from ...services.validate import format_money, step_date
from ...ui.text import plain
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView


class PayablesAgingScreen(RecordView):
    VIEW_TITLE = "A/P aging"
    COLUMNS = (Column("Vendor", 18, share=2), *(Column(b, 9) for b in BUCKETS),
               Column("Total", 10))  # fmt: skip
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="ap_aging.pop_screen")]

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="ap-aging-summary", classes="toolbar")
        yield PagedTable(id="ap-aging-table")

    def on_mount(self) -> None:
        self.query_one(PagedTable).set_columns(self.COLUMNS)
        self.query_one(PagedTable).focus()
        super().on_mount()

    def reload(self) -> None:
        self.call_service(ap_aging, then=self._show)

    def _show(self, report: AgingReport) -> None:
        money = [format_money(c).rjust(9) for c in report.totals]
        self.query_one("#ap-aging-summary", Static).update(plain(
            f"As of {report.as_of:%m/%d/%Y}, days from the bill's date · owed "
            f"{format_money(report.total)}"))  # fmt: skip
        rows = [(plain(r.name), *(format_money(c).rjust(9) for c in r.buckets),
                 format_money(r.total).rjust(10)) for r in report.rows]  # fmt: skip
        rows.append((plain("Total", "bold"), *money, format_money(report.total).rjust(10)))
        keys = [str(r.key) for r in report.rows] + ["total"]
        self.query_one(PagedTable).set_rows(rows, keys)


class CheckRegisterScreen(RecordView):
    """Payments by date with check numbers, a month at a time (- and + move it)."""

    VIEW_TITLE = "Check register"
    COLUMNS = (Column("Date", 10), Column("Check", 8), Column("Method", 6),
               Column("Vendor", 20, share=2), Column("Bill", 10), Column("Amount", 11))  # fmt: skip
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="check_register.pop_screen"),
        Binding("minus", "month(-1)", "Month before", id="check_register.before"),
        Binding("plus,equals_sign", "month(1)", "Month after", id="check_register.after"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.first = clock.today().replace(day=1)

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="register-summary", classes="toolbar")
        yield PagedTable(id="register-table")

    def on_mount(self) -> None:
        self.query_one(PagedTable).set_columns(self.COLUMNS)
        self.query_one(PagedTable).focus()
        super().on_mount()

    def _last(self) -> dt.date:
        nxt = (self.first + dt.timedelta(days=32)).replace(day=1)
        return nxt - dt.timedelta(days=1)

    def reload(self) -> None:
        self.call_service(check_register, self.first, self._last(), None, 1000, then=self._show)

    def _show(self, page) -> None:
        rows: list[PaymentRow] = page[0]
        total = sum(r.amount_cents for r in rows)
        self.query_one("#register-summary", Static).update(plain(
            f"{self.first:%B %Y} · {len(rows)} payment(s), {format_money(total)} · "
            "-/+: month"))  # fmt: skip
        self.query_one(PagedTable).set_rows(
            [(f"{r.paid_on:%m/%d/%Y}", plain(r.check_number), r.method_label, plain(r.vendor),
              plain(r.bill_number), format_money(r.amount_cents).rjust(11)) for r in rows],
            [str(r.id) for r in rows],
        )  # fmt: skip

    def action_month(self, step: int) -> None:
        moved = step_date(self.first, 32 * step if step > 0 else -1)
        if moved is not None:
            self.first = moved.replace(day=1)
            self.reload()
