"""Purchasing (issue 13 items 3, 7): orders from the low-stock list to the preferred
vendor at the last price, sent as PDF and text through the safe export path, received in
part (back-ordered) with stock_in crediting GRNI, over-receipt refused unless a reason is
given, and the vendor's bill matched to the order and receipts before it is approved.
Both backends."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from moa_tui.db.database import db
from moa_tui.db.models import (
    AuditEvent,
    JournalEntry,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    SupplyItem,
)
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.bills import approve_bill, bill_detail, bill_from_order
from moa_tui.services.books.ledger import account_balance
from moa_tui.services.books.vendors import save_vendor, set_vendor_item, vendor_items
from moa_tui.services.errors import ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff
from moa_tui.services.supplies.matching import set_match_tolerance
from moa_tui.services.supplies.purchasing import (
    end_order,
    order_detail,
    order_list,
    orders_from_low_stock,
    send_order,
    set_order_line,
)
from moa_tui.services.supplies.receiving import receive_order

from .books_invariants import assert_payables_tie
from .conftest import FROZEN_NOW


@pytest.fixture(autouse=True)
def _clock_stopped_again(desk, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


@pytest.fixture
def manager(desk):
    return find_staff("manager")


def gloves() -> SupplyItem:
    return SupplyItem.get(SupplyItem.name == "Exam gloves nitrile M")


@pytest.fixture
def gloves_low(manager):
    """Gloves at their reorder point, sold by Acme at $8.50 a box (preferred)."""
    item = gloves()
    with db.atomic():
        SupplyItem.update(on_hand=2, reorder_point=5, reorder_qty=10).where(
            SupplyItem.id == item.id
        ).execute()
    v = save_vendor(manager, dict(name="Acme Medical Supply", terms="net 30"))
    set_vendor_item(manager, v.id, item.id, "8.50", preferred=True)
    return v


def sent_order(manager, tmp_path) -> int:
    made = orders_from_low_stock(manager, [gloves().id])
    (order_id,) = made.orders
    send_order(manager, order_id, str(tmp_path / "po"))
    return order_id


def test_low_stock_makes_a_draft_for_the_preferred_vendor(manager, gloves_low):
    made = orders_from_low_stock(manager)
    low = SupplyItem.select().where(SupplyItem.on_hand <= SupplyItem.reorder_point).count()
    assert made.items + len(made.without_vendor) == low and len(made.orders) >= 2
    (acme,) = [o for o in made.orders if order_detail(manager, o).order.vendor_id == gloves_low.id]
    detail = order_detail(manager, acme)
    (line,) = detail.lines
    assert (detail.order.vendor, detail.order.status_label) == ("Acme Medical Supply", "Draft")
    assert (line.name, line.quantity, line.unit_cents) == ("Exam gloves nitrile M", 10, 850)
    again = orders_from_low_stock(manager)
    assert again.items == 0  # gloves are on an order already
    changed = set_order_line(manager, detail.order.id, gloves().id, "12", "8.25")
    assert (changed.lines[0].quantity, changed.order.total_cents) == (12, 9_900)
    assert vendor_items(manager, gloves_low.id)[0].preferred


def test_sending_writes_pdf_and_text_and_locks_the_draft(manager, gloves_low, tmp_path):
    order_id = sent_order(manager, tmp_path)
    pdf = PdfReader(str(tmp_path / "po.pdf"))
    text = pdf.pages[0].extract_text()
    assert f"PO-{order_id:05d}" in text and "Exam gloves nitrile M" in text and "$85.00" in text
    with open(tmp_path / "po.txt", encoding="utf-8") as f:
        assert "Acme Medical Supply" in f.read()
    assert order_detail(manager, order_id).order.status == "sent"
    with pytest.raises(ValidationError, match="can no longer be edited"):
        set_order_line(manager, order_id, gloves().id, "1", "1")
    assert AuditEvent.select().where(AuditEvent.action == "purchasing.order.send").count() == 1


def test_an_empty_draft_is_not_sent(manager, gloves_low, tmp_path):
    made = orders_from_low_stock(manager, [gloves().id])
    set_order_line(manager, made.orders[0], gloves().id, "0", "0")
    with pytest.raises(ValidationError, match="no items"):
        send_order(manager, made.orders[0], str(tmp_path / "nothing"))
    assert not (tmp_path / "nothing.pdf").exists()


def test_receive_part_then_more_refused_then_over_with_a_reason(manager, gloves_low, tmp_path):
    order_id = sent_order(manager, tmp_path)
    (line,) = order_detail(manager, order_id).lines
    desk = find_staff("desk")
    on_hand, inventory, grni = (
        gloves().on_hand,
        account_balance(acct.INVENTORY),
        account_balance(acct.GRNI),
    )
    got = receive_order(desk, order_id, {line.id: "6"})
    assert got.order.order.status_label == "Part recd" and got.order.lines[0].back_ordered == 4
    assert gloves().on_hand == on_hand + 6
    assert account_balance(acct.INVENTORY) == inventory + 5_100
    assert account_balance(acct.GRNI) == grni - 5_100
    receipts, entries = Receipt.select().count(), JournalEntry.select().count()
    with pytest.raises(ValidationError, match="2 more than the 4 still to come"):
        receive_order(desk, order_id, {line.id: "6"})
    assert (Receipt.select().count(), JournalEntry.select().count()) == (receipts, entries)
    assert gloves().on_hand == on_hand + 6
    done = receive_order(desk, order_id, {line.id: "6"}, over_reason="Vendor sent a spare case")
    assert done.order.order.status == "received" and gloves().on_hand == on_hand + 12
    assert AuditEvent.select().where(AuditEvent.action == "purchasing.over_receipt").count() == 1
    assert_payables_tie()


def test_the_bill_matches_or_says_which_line_and_by_how_much(manager, gloves_low, tmp_path):
    order_id = sent_order(manager, tmp_path)
    (line,) = order_detail(manager, order_id).lines
    receive_order(manager, order_id, {line.id: "6"})
    header = dict(number="A-77", bill_date="t")
    too_many = bill_from_order(manager, order_id, header, {line.id: ("10", "8.50")})
    assert too_many.mismatches == (
        "line 1 (Exam gloves nitrile M) bills 10, but 6 received are not yet billed "
        "(4 more than received)",
    )
    ap = account_balance(acct.AP)
    with pytest.raises(ValidationError, match="does not match its order: line 1"):
        approve_bill(manager, too_many.bill.id)
    assert account_balance(acct.AP) == ap
    pricey = bill_from_order(manager, order_id, header, {line.id: ("6", "9.00")})
    assert (
        "ordered at $8.50 (+$0.50, 5.9%; tolerance 2% or $0.10 a unit)"
        in (
            set_match_tolerance(manager, "2", "0.10") and bill_detail(manager, pricey.bill.id)
        ).mismatches[0]
    )
    set_match_tolerance(manager, "2", "1.00")
    fine = bill_from_order(manager, order_id, header, {line.id: ("6", "9.00")})
    assert fine.mismatches == ()
    adj = account_balance(acct.INVENTORY_ADJ)
    approve_bill(manager, fine.bill.id)
    assert account_balance(acct.AP) == ap - 5_400
    assert account_balance(acct.INVENTORY_ADJ) == adj + 300  # price variance: 6 x $0.50
    assert PurchaseOrderLine.get_by_id(line.id).billed_qty == 6
    assert vendor_items(manager, gloves_low.id)[0].last_price_cents == 900
    assert_payables_tie()


def test_the_manager_may_override_a_mismatch_with_a_reason(manager, gloves_low, tmp_path):
    order_id = sent_order(manager, tmp_path)
    (line,) = order_detail(manager, order_id).lines
    receive_order(manager, order_id, {line.id: "4"})
    b = bill_from_order(manager, order_id, dict(number="B-1"), {line.id: ("5", "8.50")})
    done = approve_bill(manager, b.bill.id, override_reason="Fifth box arrived loose, counted")
    assert done.bill.status == "approved" and done.override_reason.startswith("Fifth")
    event = AuditEvent.get(AuditEvent.action == "payables.bill.override")
    assert "bills 5, but 4 received" in event.detail
    assert_payables_tie()


def test_receiving_is_refused_on_a_draft_and_ordering_needs_the_manager(manager, gloves_low):
    made = orders_from_low_stock(manager, [gloves().id])
    (line,) = order_detail(manager, made.orders[0]).lines
    with pytest.raises(ValidationError, match="nothing is expected"):
        receive_order(manager, made.orders[0], {line.id: "1"})
    with pytest.raises(PermissionDenied):
        orders_from_low_stock(find_staff("desk"))
    cancelled = end_order(manager, made.orders[0], "Ordered elsewhere")
    assert cancelled.order.status == "cancelled"
    rows, _ = order_list(manager, open_only=True)
    assert made.orders[0] not in [r.id for r in rows]
    assert PurchaseOrder.select().count() == 1  # the desk's try made nothing


def test_stock_received_by_hand_is_cleared_by_its_bill_on_grni(manager, gloves_low):
    """A delivery received by hand (no order) credits GRNI; the vendor's bill for it, a
    plain bill with a line on GRNI, clears it, so GRNI does not grow with every hand
    receipt. A GRNI line worth more than the hand receipts not yet billed is refused."""
    from moa_tui.services.books.bills import create_bill
    from moa_tui.services.supplies.inventory import receive_stock

    grni, ap = account_balance(acct.GRNI), account_balance(acct.AP)
    receive_stock(find_staff("desk"), gloves().id, 5, "Delivered without an order", "8.00")
    assert account_balance(acct.GRNI) == grni - 4_000
    assert_payables_tie()

    def grni_bill(number: str, amount: str):
        line = dict(account=acct.GRNI, description="Gloves", amount=amount)
        return create_bill(manager, gloves_low.id, dict(number=number, bill_date="t"), [line])

    with pytest.raises(ValidationError, match=r"not yet billed comes to \$40.00"):
        grni_bill("H-1", "40.01")
    first = grni_bill("H-1", "30.00")
    second = grni_bill("H-2", "20.00")
    approve_bill(manager, first.bill.id)
    assert account_balance(acct.GRNI) == grni - 1_000
    assert account_balance(acct.AP) == ap - 3_000
    assert_payables_tie()
    # Each draft fitted what was open when written; together they bill $10.00 too much.
    entries = JournalEntry.select().count()
    with pytest.raises(ValidationError, match=r"not yet billed comes to \$10.00"):
        approve_bill(manager, second.bill.id)
    assert JournalEntry.select().count() == entries
    approve_bill(manager, grni_bill("H-3", "10.00").bill.id)
    assert account_balance(acct.GRNI) == grni
    assert_payables_tie()


def test_a_unit_billed_ahead_of_its_receipt_is_cleared_when_it_comes(manager, gloves_low,
                                                                     tmp_path):  # fmt: skip
    """Billed for 5 with 4 received (the manager's override): GRNI holds the fifth as a
    debit, billed and not yet received, and its receipt clears it; nothing is left on
    GRNI for the order, and no unit is left to bill."""
    order_id = sent_order(manager, tmp_path)
    (line,) = order_detail(manager, order_id).lines
    grni, adj = account_balance(acct.GRNI), account_balance(acct.INVENTORY_ADJ)
    receive_order(manager, order_id, {line.id: "4"})
    b = bill_from_order(manager, order_id, dict(number="B-5"), {line.id: ("5", "8.50")})
    approve_bill(manager, b.bill.id, override_reason="Fifth box follows")
    assert account_balance(acct.GRNI) == grni + 850  # a debit: billed, not yet received
    assert account_balance(acct.INVENTORY_ADJ) == adj  # no variance: it is on the order
    assert_payables_tie()
    receive_order(manager, order_id, {line.id: "1"})
    assert account_balance(acct.GRNI) == grni
    po_line = PurchaseOrderLine.get_by_id(line.id)
    assert po_line.received_qty == po_line.billed_qty == 5
    assert_payables_tie()
