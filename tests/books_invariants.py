"""The books' invariants, checked after events by the books and supplies tests."""

from __future__ import annotations

from peewee import fn

from moa_tui.db.models import StockLot, SupplyItem
from moa_tui.services.books import accounts
from moa_tui.services.books.ledger import account_balance


def check_inventory() -> None:
    """INVENTORY (1200) equals the sum of the items' stock values (moving average cost),
    and each item's on hand equals the sum of its lots at every location, no lot below 0."""
    values = SupplyItem.select(fn.COALESCE(fn.SUM(SupplyItem.value_cents), 0)).scalar()
    assert account_balance(accounts.INVENTORY) == values
    by_lots = dict(
        StockLot.select(StockLot.item, fn.SUM(StockLot.on_hand)).group_by(StockLot.item).tuples()
    )
    for item_id, on_hand, value in SupplyItem.select(
        SupplyItem.id, SupplyItem.on_hand, SupplyItem.value_cents
    ).tuples():
        assert by_lots.get(item_id, 0) == on_hand, item_id
        assert value >= 0 and (on_hand > 0 or value == 0), item_id
    assert not StockLot.select().where(StockLot.on_hand < 0).exists()


def open_bills_cents() -> int:
    """What the approved bills still owe (total - paid - discount taken)."""
    from moa_tui.db.models import Bill

    return sum(
        b.total_cents - b.paid_cents - b.discount_cents
        for b in Bill.select().where(Bill.status == "approved")
    )


def received_not_billed_cents() -> int:
    """The value at the ordered price of the units received on purchase orders and not
    yet billed, plus what was received by hand against GRNI (stock's r with no order: no
    bill ever clears it here)."""
    from moa_tui.db.models import (
        Account,
        JournalEntry,
        JournalLine,
        PurchaseOrderLine,
        StockMovement,
    )

    on_orders = sum(
        (x.received_qty - x.billed_qty) * x.unit_cents for x in PurchaseOrderLine.select()
    )
    by_hand = (
        JournalLine.select(JournalLine.amount)
        .join(JournalEntry)
        .join(StockMovement, on=(JournalEntry.source_id == StockMovement.id))
        .join_from(JournalLine, Account)
        .where(
            (Account.code == accounts.GRNI)
            & (JournalEntry.source == "stock_receipt")
            & (StockMovement.source != "po_receipt")
        )
        .tuples()
    )
    return on_orders - sum(amount for (amount,) in by_hand)


def assert_payables_tie() -> None:
    """A/P ties (issue 13 item 2): the AP account (credit-normal) is what the open bills
    owe; GRNI is the value of what was received and not yet billed; each bill's payment
    rows sum to the totals kept on the bill."""
    from moa_tui.db.models import Bill, VendorPayment

    assert -account_balance(accounts.AP) == open_bills_cents()
    assert -account_balance(accounts.GRNI) == received_not_billed_cents()
    for b in Bill.select():
        paid, discount = (
            VendorPayment.select(
                fn.SUM(VendorPayment.amount_cents), fn.SUM(VendorPayment.discount_cents)
            )
            .where(VendorPayment.bill == b.id)
            .tuples()
            .get()
        )
        assert (b.paid_cents, b.discount_cents) == (paid or 0, discount or 0)
        assert b.paid_cents + b.discount_cents <= b.total_cents
