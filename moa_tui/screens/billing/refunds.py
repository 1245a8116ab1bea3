"""A payer refund and a write-off of part of a balance, from one claim (issue 11 item 7):
f refunds part of what the payer paid (an overpayment), o writes off an amount of the
open balance; both with a reason, billing or above only (posting.refund_payer and
posting.write_off: posted money is never edited, each is a new posting)."""

from __future__ import annotations

from textual.binding import Binding

from ...services.billing.posting import ClaimMoney, refund_payer, write_off
from ...services.validate import format_money
from ...widgets.form import FieldSpec, FormDialog

# Kept off the 80-column footer, shown in help and the command palette.
REFUND_BINDINGS = [
    Binding("f", "refund", "Refund payer", show=False, id="claim.refund"),
    Binding("o", "write_off_part", "Write off part", show=False, id="claim.write_off_part"),
]
REFUND_PERMISSIONS = {"refund": "billing.writeoff", "write_off_part": "billing.writeoff"}


def refund_dialog(claim_id: int, version: int, paid_cents: int) -> FormDialog:
    def submit(actor, values):
        return refund_payer(actor, claim_id, version, values["amount"], values["reason"])

    return FormDialog(
        f"Refund the payer on claim {claim_id} (paid {format_money(paid_cents)})",
        [
            FieldSpec("amount", "Amount", placeholder="e.g. 20.00", max_length=14),
            FieldSpec("reason", "Reason", placeholder="e.g. overpaid", max_length=200),
        ],
        submit,
    )


def write_off_part_dialog(claim_id: int, version: int, balance_cents: int) -> FormDialog:
    def submit(actor, values):
        return write_off(actor, claim_id, version, values["amount"], values["reason"])

    return FormDialog(
        f"Write off part of claim {claim_id}'s {format_money(balance_cents)}",
        [
            FieldSpec("amount", "Amount", placeholder="e.g. 5.00", max_length=14),
            FieldSpec("reason", "Reason", placeholder="e.g. small balance", max_length=200),
        ],
        submit,
    )


class RefundActions:
    """The actions behind REFUND_BINDINGS, for the claim screen (self.detail: ClaimDetail)."""

    def action_refund(self) -> None:
        if self.detail:
            r = self.detail.row
            self.app.push_screen(refund_dialog(r.id, r.version, self.detail.paid_cents),
                                 self._money_posted)  # fmt: skip

    def action_write_off_part(self) -> None:
        if self.detail:
            r = self.detail.row
            self.app.push_screen(write_off_part_dialog(r.id, r.version, r.balance_cents),
                                 self._money_posted)  # fmt: skip

    def _money_posted(self, money: ClaimMoney | None) -> None:
        if money:
            self.say(f"Posted: balance {format_money(money.balance_cents)}.", "ok")
            self.reload()
