"""What GRNI (2010, received, not yet billed) holds for stock received by hand, not on a
purchase order (supplies/inventory.receive_stock): the vendor's bill for such a delivery
is a plain bill with a line on GRNI, which clears it; a bill from an order clears its own
receipts (bills._posting_lines). Without the first, hand receipts would leave GRNI
growing with nothing to clear it."""

from __future__ import annotations

from peewee import fn

from ...db.models import Account, Bill, BillLine, JournalEntry, JournalLine, StockMovement
from ..errors import ValidationError
from ..validate import format_money
from . import accounts as acct


def hand_received_unbilled() -> int:
    """What stock received by hand (not on an order) against GRNI is worth, less what
    approved bills have cleared from GRNI by a line on it: what such bills may still
    clear. Inside the caller's transaction."""
    grni = Account.select(Account.id).where(Account.code == acct.GRNI)
    received = (
        JournalLine.select(fn.COALESCE(fn.SUM(JournalLine.amount), 0))
        .join(JournalEntry)
        .join(StockMovement, on=(JournalEntry.source_id == StockMovement.id))
        .where(
            (JournalEntry.source == "stock_receipt")
            & (StockMovement.source != "po_receipt")
            & JournalLine.account.in_(grni)
        )
        .scalar()
    )
    billed = (
        BillLine.select(fn.COALESCE(fn.SUM(BillLine.amount_cents), 0))
        .join(Bill)
        .where(
            (Bill.status == "approved")
            & BillLine.po_line_id.is_null()
            & (BillLine.account_code == acct.GRNI)
        )
        .scalar()
    )
    return -int(received) - int(billed)


def check_hand_receipts(lines: list[tuple[str, int]], field: str = "lines") -> None:
    """Refuse bill lines on GRNI worth more than the stock received by hand that is not
    yet billed (GRNI would hold a debit that no receipt ever clears)."""
    cents = sum(amount for code, amount in lines if code == acct.GRNI)
    if not cents:
        return
    open_cents = hand_received_unbilled()
    if cents > open_cents:
        raise ValidationError.one(
            field, f"Stock received by hand and not yet billed comes to "
            f"{format_money(max(open_cents, 0))}; the bill's {acct.GRNI} lines come to "
            f"{format_money(cents)} (bill the difference to an expense account)."
        )  # fmt: skip
