"""Vendors' bills (issue 13 item 2): entered as drafts with their lines (an expense
account's amount, or an ordered item's quantity and price), approved for payment, which
posts the A/P entry in the same transaction:

    Dr each expense account (a plain bill; a line on GRNI for stock received by hand,
       not on an order, up to what such receipts are worth and is not yet billed), or
    Dr GRNI at the ordered price for the received units billed (a bill from a purchase
       order), the difference between the billed and the ordered price to INVENTORY_ADJ
       (purchase price variance: the stock already went in at the ordered price, so the
       INVENTORY account keeps equal to the value of the stock on hand),
    Cr AP the bill's total.

A bill from an order must match the order and its receipts (supplies/matching.py) before it
is approved, unless the manager overrides with a reason (audited)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ...db.models import (
    Account,
    Bill,
    BillLine,
    PurchaseOrder,
    PurchaseOrderLine,
    StaffMember,
    SupplyItem,
    Vendor,
)
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..security.security import can
from ..supplies.matching import bill_mismatches
from ..validate import (
    check_date,
    check_limit,
    clean_text,
    parse_date,
    parse_money,
    parse_quantity,
)
from . import accounts as acct
from .grni import check_hand_receipts
from .ledger import post_journal
from .vendors import PAYABLES_TOPICS, due_date, set_last_price, terms_label

BILL_FIELDS = ("number", "bill_date", "memo")
MAX_LINES = 50


@dataclass(frozen=True)
class BillLineRow:
    id: int
    account_code: str
    po_line_id: int | None
    description: str
    quantity: int
    unit_cents: int
    amount_cents: int


@dataclass(frozen=True)
class BillRow:
    id: int
    version: int
    vendor_id: int
    vendor: str
    number: str
    bill_date: dt.date
    due_date: dt.date
    terms: str
    total_cents: int
    paid_cents: int
    discount_cents: int
    status: str  # draft, approved, void
    purchase_order_id: int | None

    @property
    def open_cents(self) -> int:
        return self.total_cents - self.paid_cents - self.discount_cents

    @property
    def state(self) -> str:
        """What the desk reads: Draft, Open, Part paid, Paid, Void."""
        if self.status != "approved":
            return self.status.capitalize()
        if self.open_cents == 0:
            return "Paid"
        return "Part paid" if self.paid_cents else "Open"

    @property
    def terms_label(self) -> str:
        return terms_label(self.terms)


@dataclass(frozen=True)
class BillDetail:
    bill: BillRow
    lines: tuple[BillLineRow, ...]
    memo: str
    override_reason: str
    mismatches: tuple[str, ...]  # why it does not match its order (empty: it matches)


def bill_row(b: Bill, vendor_name: str | None = None) -> BillRow:
    return BillRow(
        b.id, b.version, b.vendor_id, vendor_name or b.vendor.name, b.number, b.bill_date,
        b.due_date, b.terms, b.total_cents, b.paid_cents, b.discount_cents, b.status,
        b.purchase_order_id,
    )  # fmt: skip


def _detail(b: Bill) -> BillDetail:
    lines = tuple(
        BillLineRow(
            x.id,
            x.account_code,
            x.po_line_id,
            x.description,
            x.quantity,
            x.unit_cents,
            x.amount_cents,
        )  # fmt: skip
        for x in BillLine.select().where(BillLine.bill == b.id).order_by(BillLine.id)
    )
    found = tuple(bill_mismatches(b)) if b.purchase_order_id and b.status == "draft" else ()
    return BillDetail(bill_row(b), lines, b.memo, b.override_reason, found)


def _header(vendor: Vendor, values: dict) -> dict:
    errors: dict[str, str] = {}
    out: dict = {}
    try:
        out["number"] = clean_text("number", values.get("number"), max_len=30, label="Bill number")
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        out["memo"] = clean_text("memo", values.get("memo"), max_len=200, label="Memo")
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        day = values.get("bill_date") or "t"
        out["bill_date"] = (
            check_date("bill_date", day, label="Bill date")
            if isinstance(day, dt.date)
            else parse_date("bill_date", str(day), today=clock.today(), label="Bill date")
        )
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    if not vendor.active:
        raise ValidationError.one("vendor", f"{vendor.name} is inactive; activate it first.")
    out["terms"] = vendor.terms
    out["due_date"] = due_date(out["bill_date"], vendor.terms)
    return out


def _expense_account(field: str, code) -> str:
    text = clean_text(field, str(code or ""), max_len=16, required=True, label="Account")
    account = Account.get_or_none(Account.code == text)
    if account is None or not account.active:
        raise ValidationError.one(field, f"There is no active account {text}.")
    if account.type != "expense" and account.code != acct.GRNI:
        raise ValidationError.one(
            field, f"{account.code} {account.name} is not an expense account; a bill's line "
            f"goes to an expense account, or to {acct.GRNI} for stock received by hand "
            "(stock on an order is billed from the order)."
        )  # fmt: skip
    return account.code


def _expense_lines(lines: list[dict]) -> list[dict]:
    if not isinstance(lines, list | tuple) or not lines:
        raise ValidationError.one("lines", "A bill needs at least one line.")
    if len(lines) > MAX_LINES:
        raise ValidationError.one("lines", f"A bill has at most {MAX_LINES} lines.")
    out = []
    for n, line in enumerate(lines, 1):
        if not isinstance(line, dict):
            raise ValidationError.one("lines", f"Line {n} is not a bill line.")
        code = _expense_account(f"line{n}.account", line.get("account"))
        desc = clean_text(f"line{n}.description", line.get("description"), max_len=120,
                          label=f"Line {n} description")  # fmt: skip
        cents = parse_money(f"line{n}.amount", str(line.get("amount") or ""),
                            label=f"Line {n} amount")  # fmt: skip
        if cents == 0:
            raise ValidationError.one(
                f"line{n}.amount", f"Line {n} amount must be more than $0.00."
            )
        out.append(dict(account_code=code, description=desc, quantity=1, unit_cents=cents,
                        amount_cents=cents))  # fmt: skip
    return out


@writer("payables.write", changes=PAYABLES_TOPICS)
def create_bill(actor: StaffMember, vendor_id: int, values: dict, lines: list[dict]) -> BillDetail:
    """A draft bill from *vendor_id*: number, bill date (due date from the vendor's
    terms), memo, and lines of {account (an expense account's code), description, amount}.
    Refuses a bill with no line, a line of $0 or on an account that is not an active
    expense account."""
    vendor = get_or_refuse(Vendor, vendor_id, "vendor")
    head = _header(vendor, values)
    rows = _expense_lines(lines)
    check_hand_receipts([(r["account_code"], r["amount_cents"]) for r in rows])
    total = sum(r["amount_cents"] for r in rows)
    bill = Bill.create(vendor=vendor, created_by=actor, total_cents=total, **head)
    for r in rows:
        BillLine.create(bill=bill, **r)
    audit(actor, "payables.bill.add", entity="bill", entity_id=bill.id,
          detail=f"{vendor.name} {head['number']} {bill.total_cents} cents")  # fmt: skip
    return _detail(bill)


@writer("payables.write", changes=PAYABLES_TOPICS)
def bill_from_order(
    actor: StaffMember, order_id: int, values: dict, lines: dict[int, tuple[str, str]]
) -> BillDetail:
    """A draft bill for a purchase order, as the vendor's invoice reads: *lines* maps an
    order line's id to (quantity, unit price) billed. Lines left out are not billed."""
    order = get_or_refuse(PurchaseOrder, order_id, "purchase order")
    if order.status in ("draft", "cancelled"):
        raise ValidationError.one("order", f"Order {order.id} was never sent; it cannot be billed.")
    head = _header(order.vendor, values)
    if not isinstance(lines, dict) or not lines:
        raise ValidationError.one("lines", "A bill needs at least one line.")
    rows = []
    for line_id, pair in lines.items():
        line = PurchaseOrderLine.get_or_none(
            (PurchaseOrderLine.id == line_id) & (PurchaseOrderLine.order == order.id)
        ) if isinstance(line_id, int) and 0 < line_id < 2**63 else None  # fmt: skip
        if line is None or not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValidationError.one("lines", "A bill line is not a line of this order.")
        item = SupplyItem.get_by_id(line.item_id)
        qty = parse_quantity(f"qty{line.id}", pair[0], allow_zero=True)
        if qty == 0:
            continue
        unit = parse_money(f"price{line.id}", str(pair[1] or ""), label=f"{item.name} price")
        rows.append(dict(po_line_id=line.id, description=item.name[:120], quantity=qty,
                         unit_cents=unit, amount_cents=qty * unit))  # fmt: skip
    if not rows:
        raise ValidationError.one("lines", "A bill needs at least one line with a quantity.")
    total = sum(r["amount_cents"] for r in rows)
    if total > 100_000_000:
        raise ValidationError.one("lines", "A bill cannot be more than $1,000,000.00.")
    bill = Bill.create(vendor=order.vendor_id, created_by=actor, total_cents=total,
                       purchase_order_id=order.id, **head)  # fmt: skip
    for r in rows:
        BillLine.create(bill=bill, **r)
    audit(actor, "payables.bill.add", entity="bill", entity_id=bill.id,
          detail=f"order {order.id} {head['number']} {total} cents")  # fmt: skip
    return _detail(bill)


def _posting_lines(bill: Bill) -> list[tuple[str, int]]:
    """The A/P entry's lines; updates the order lines' billed quantities (the caller's
    transaction)."""
    debits: dict[str, int] = defaultdict(int)
    for line in BillLine.select().where(BillLine.bill == bill.id):
        if line.po_line_id is None:
            debits[line.account_code] += line.amount_cents
            continue
        po_line = PurchaseOrderLine.get_by_id(line.po_line_id)
        # Units ordered (or received) and not yet billed clear GRNI, at the price they
        # went into stock; a price difference, and units billed past both the order and
        # the receipts (under an override), are purchase price variance. Units billed
        # ahead of their receipt (an override) leave GRNI holding a debit, "billed, not
        # yet received", that their receipt's credit clears.
        expected = max(po_line.quantity, po_line.received_qty)
        matched = max(0, min(line.quantity, expected - po_line.billed_qty))
        grni = matched * po_line.unit_cents
        debits[acct.GRNI] += grni
        debits[acct.INVENTORY_ADJ] += line.amount_cents - grni
        PurchaseOrderLine.update(billed_qty=PurchaseOrderLine.billed_qty + matched).where(
            PurchaseOrderLine.id == po_line.id
        ).execute()
        set_last_price(bill.vendor_id, po_line.item_id, line.unit_cents)
    lines = [(code, cents) for code, cents in sorted(debits.items()) if cents]
    lines.append((acct.AP, -bill.total_cents))
    return lines


@writer("payables.write", changes=PAYABLES_TOPICS)
def approve_bill(
    actor: StaffMember, bill_id: int, version: int | None = None, override_reason: str = ""
) -> BillDetail:
    """Approve a draft bill for payment and post it to A/P. A bill from a purchase order
    that does not match the order and its receipts is refused with every mismatch named,
    unless the manager overrides it with a reason (audited)."""
    bill = get_or_refuse(Bill, bill_id, "bill")
    if version is not None and bill.version != version:
        raise Conflict(
            f"Bill {bill.number or bill.id} was changed by someone else; it has been reloaded."
        )
    if bill.status != "draft":
        raise ValidationError.one(
            "bill", f"Bill {bill.number or bill.id} is {bill.status} already."
        )
    reason = clean_text("override_reason", override_reason, max_len=200, label="Reason")
    found = bill_mismatches(bill) if bill.purchase_order_id else []
    check_hand_receipts(
        BillLine.select(BillLine.account_code, BillLine.amount_cents)
        .where((BillLine.bill == bill.id) & BillLine.po_line_id.is_null())
        .tuples(),
        "bill",
    )
    if found and not reason:
        raise ValidationError.one(
            "bill", "The bill does not match its order: " + "; ".join(found) + "."
        )
    if found and not can(actor, "payables.override"):
        raise ValidationError.one(
            "bill", "Only the office manager may approve a bill that does not match."
        )
    entry = post_journal(
        on=bill.bill_date, memo=f"Bill {bill.number} from {bill.vendor.name}"[:200],
        source="vendor_bill", source_id=bill.id, lines=_posting_lines(bill), staff=actor,
    )  # fmt: skip
    Bill.update(
        status="approved", approved_by=actor, approved_at=clock.now_utc(), entry_id=entry,
        override_reason=reason if found else "", version=Bill.version + 1,
    ).where(Bill.id == bill.id).execute()  # fmt: skip
    if found:
        audit(actor, "payables.bill.override", entity="bill", entity_id=bill.id,
              detail=f"{reason} (mismatch: {'; '.join(found)})")  # fmt: skip
    audit(actor, "payables.bill.approve", entity="bill", entity_id=bill.id,
          detail=f"{bill.total_cents} cents, entry {entry}")  # fmt: skip
    return _detail(Bill.get_by_id(bill.id))


@reader("payables.read")
def bill_detail(actor: StaffMember, bill_id: int) -> BillDetail:
    return _detail(get_or_refuse(Bill, bill_id, "bill"))


@reader("payables.read")
def bill_list(
    actor: StaffMember, open_only: bool = False, after: tuple | None = None, limit: int = 100
) -> tuple[list[BillRow], tuple | None]:
    """Bills by due date (drafts and open ones first when *open_only*), a keyset page at a
    time: (rows, the key to pass as *after* for the next page or None)."""
    check_limit(limit)
    query = Bill.select(Bill, Vendor).join(Vendor)
    if open_only:
        query = query.where(
            (Bill.status == "draft")
            | ((Bill.status == "approved")
               & (Bill.total_cents - Bill.paid_cents - Bill.discount_cents > 0))
        )  # fmt: skip
    if after:
        day, bill_id = after
        query = query.where((Bill.due_date > day) | ((Bill.due_date == day) & (Bill.id > bill_id)))
    found = list(query.order_by(Bill.due_date, Bill.id).limit(limit + 1))
    rows = [bill_row(b, b.vendor.name) for b in found[:limit]]
    return rows, ((rows[-1].due_date, rows[-1].id) if len(found) > limit else None)


@reader("payables.read")
def bills_due(actor: StaffMember, days: int = 7) -> list[BillRow]:
    """The "due this week" worklist: approved bills with money open that are due within
    *days* of today, or overdue, soonest first (a 2/10 bill's discount date counts as due)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 366:
        raise ValidationError.one("days", "Days ahead is 0 to 366.")
    today = clock.today()
    until = today + dt.timedelta(days=days)
    ten = dt.timedelta(days=10)
    query = (
        Bill.select(Bill, Vendor)
        .join(Vendor)
        .where(
            (Bill.status == "approved")
            & (Bill.total_cents - Bill.paid_cents - Bill.discount_cents > 0)
            & (
                (Bill.due_date <= until)
                # a 2/10 Net 30 bill whose discount can still be taken this week
                | (
                    (Bill.terms == "2/10net30")
                    & (Bill.paid_cents == 0)
                    & (Bill.bill_date >= today - ten)
                    & (Bill.bill_date <= until - ten)
                )
            )
        )  # fmt: skip
        .order_by(Bill.due_date, Bill.id)
        .limit(1000)
    )
    return [bill_row(b, b.vendor.name) for b in query]
