"""One vendor's bill: its lines, whether it matches its purchase order and receipts (and
if not, which line and by how much), approval for payment (the manager may override a
mismatch with a reason) and payments."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.books.ap_payments import discount_offer, pay_bill
from ...services.books.bills import BillDetail, BillLineRow, approve_bill, bill_detail
from ...services.validate import format_money
from ...ui.text import plain, plain_lines
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView


class BillScreen(RecordView):
    VIEW_TITLE = "Bill"
    COLUMNS = (
        Column("Line", 26, share=2),
        Column("Account", 7),
        Column("Qty", 5),
        Column("Price", 10),
        Column("Amount", 11),
    )
    ACTION_PERMISSIONS = {"approve": "payables.write", "pay": "payables.write"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="bill.pop_screen"),
        Binding("a", "approve", "Approve", id="bill.approve"),
        Binding("p", "pay", "Pay", id="bill.pay"),
    ]

    def __init__(self, bill_id: int) -> None:
        super().__init__()
        self.bill_id = bill_id
        self.detail: BillDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="bill-summary", classes="toolbar")
        yield Static("", id="bill-match")
        yield PagedTable(id="bill-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        super().on_mount()

    def reload(self) -> None:
        self.call_service(bill_detail, self.bill_id, then=self._show)

    def _show(self, d: BillDetail) -> None:
        self.detail = d
        b = d.bill
        self.set_title(f"{b.number or b.id} · {b.vendor}")
        self.query_one("#bill-summary", Static).update(plain(
            f"{b.state} · dated {b.bill_date:%m/%d/%Y} · due {b.due_date:%m/%d/%Y} "
            f"({b.terms_label}) · total {format_money(b.total_cents)} · "
            f"open {format_money(b.open_cents)}"
        ))  # fmt: skip
        if d.mismatches:
            lines = ["Does not match its order:", *(f"- {m}" for m in d.mismatches)]
            self.query_one("#bill-match", Static).update(plain_lines(lines, "bold red"))
        elif b.purchase_order_id:
            said = f"Override: {d.override_reason}" if d.override_reason else (
                f"Matches order PO-{b.purchase_order_id:05d} and its receipts.")  # fmt: skip
            self.query_one("#bill-match", Static).update(plain(said))
        self.query_one(PagedTable).set_rows(
            [self._cells(x) for x in d.lines], [str(x.id) for x in d.lines]
        )

    def _cells(self, x: BillLineRow) -> tuple:
        return (
            plain(x.description or "-"),
            x.account_code or "PO",
            str(x.quantity).rjust(5),
            format_money(x.unit_cents).rjust(10),
            format_money(x.amount_cents).rjust(11),
        )

    def _after(self, result) -> None:
        if result is not None:
            self.say("Saved.", "ok")
            self.reload()

    def action_approve(self) -> None:
        d = self.detail
        if d is None:
            return
        if not d.mismatches:
            self.call_service(approve_bill, self.bill_id, d.bill.version, then=self._approved,
                              group="write")  # fmt: skip
            return

        def submit(actor, values):
            return approve_bill(actor, self.bill_id, d.bill.version, values["reason"])

        self.app.push_screen(FormDialog("Approve a bill that does not match", [
            FieldSpec("reason", "Override reason", "", max_length=200)], submit,
            hint="The manager's reason is kept in the audit trail · Esc: cancel"),
            self._approved)  # fmt: skip

    def _approved(self, detail: BillDetail | None) -> None:
        if detail is not None:
            self.say(f"Approved: {format_money(detail.bill.total_cents)} posted to A/P.", "ok")
            self._show(detail)

    def action_pay(self) -> None:
        d = self.detail
        if d is None:
            return
        self.call_service(discount_offer, self.bill_id, then=self._ask_payment)

    def _ask_payment(self, discount: int) -> None:
        d = self.detail
        amount = d.bill.open_cents - discount
        hint = "Method: check, ACH or card · Esc: cancel"
        if discount:
            hint = f"Paid in full today takes the {format_money(discount)} discount · " + hint

        def submit(actor, values):
            return pay_bill(actor, self.bill_id, values)

        self.app.push_screen(FormDialog(f"Pay {d.bill.vendor}", [
            FieldSpec("paid_on", "Paid on", "t", max_length=20),
            FieldSpec("method", "Method", "check", max_length=6),
            FieldSpec("check_number", "Check number", "", max_length=20),
            FieldSpec("amount", "Amount", format_money(amount), max_length=14),
        ], submit, hint=hint), self._paid)  # fmt: skip

    def _paid(self, payment) -> None:
        if payment is not None:
            extra = (
                f" (discount {format_money(payment.discount_cents)})"
                if payment.discount_cents
                else ""
            )
            self.say(
                f"Paid {format_money(payment.amount_cents)} by {payment.method_label}{extra}.", "ok"
            )
            self.reload()
