"""The receipt on screen (saved as a PDF on request) and the dialog that collects a payment."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...services.frontdesk.payments import (
    PAYMENT_METHODS,
    Receipt,
    collect_payment,
    receipt_text,
    save_receipt_pdf,
)
from ...services.validate import format_money
from ...ui.calls import ServiceCaller
from ...ui.text import plain_lines
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.message_line import MessageLine


class ReceiptScreen(ServiceCaller, ModalScreen[None]):
    """The receipt on screen; `f` saves it as a PDF to hand over or print."""

    SCREEN_NAME = "Receipt"

    BINDINGS = [
        Binding("escape,enter", "dismiss", "Close", id="receipt.close"),
        Binding("f", "pdf", "Save PDF", id="receipt.pdf"),
    ]

    def __init__(self, receipt: Receipt) -> None:
        super().__init__()
        self.receipt = receipt

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(plain_lines(receipt_text(self.receipt).splitlines()))
            yield MessageLine(id="dialog-message")
            yield Static("f: save as PDF · Enter/Esc: close", classes="hint")

    def action_pdf(self) -> None:
        receipt = self.receipt

        def save(actor, path, overwrite):
            return save_receipt_pdf(actor, receipt, path, overwrite)

        self.app.push_screen(
            ExportDialog("Save the receipt as PDF", f"receipt-{receipt.number}.pdf", save),
            lambda where: where and self._saved(where),
        )

    def _saved(self, where: str) -> None:
        self.query_one("#dialog-message", MessageLine).say(f"Saved {where}", "ok")


def payment_dialog(
    patient_id: int, appointment_id: int | None, amount: int, description: str
) -> FormDialog:
    def submit(actor, values):
        return collect_payment(
            actor,
            patient_id,
            values["amount"],
            values["method"],
            values["reference"],
            appointment_id,
            description,
        )

    return FormDialog(
        f"Collect {description.lower()}",
        [
            FieldSpec("amount", "Amount", format_money(amount).lstrip("$"), max_length=12),
            FieldSpec("method", "Paid by", options=[(v, k) for k, v in PAYMENT_METHODS.items()]),
            FieldSpec(
                "reference", "Check no/ref", placeholder="check number or card ref", max_length=40
            ),
        ],
        submit,
    )
