"""Paying vendors' bills (issue 13 item 2): by check, ACH or card, in part or in full; a
2/10 Net 30 bill paid in full within ten days of its date takes the 2% discount. Posts
Dr AP (what the payment settles), Cr BANK (what left the bank), Cr PURCHASE_DISCOUNTS (the
discount), in the payment's own transaction. The check register lists payments by date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import Bill, StaffMember, Vendor, VendorPayment
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ValidationError
from ..validate import (
    check_date,
    check_limit,
    clean_text,
    format_money,
    parse_date,
    parse_money,
)
from . import accounts as acct
from .ledger import post_journal
from .vendors import PAYABLES_TOPICS, discount_for

METHODS = {"check": "Check", "ach": "ACH", "card": "Card"}
PAYMENT_FIELDS = ("paid_on", "method", "check_number", "amount")


@dataclass(frozen=True)
class PaymentRow:
    id: int
    paid_on: dt.date
    vendor: str
    bill_id: int
    bill_number: str
    method: str
    check_number: str
    amount_cents: int
    discount_cents: int

    @property
    def method_label(self) -> str:
        return METHODS.get(self.method, self.method)


def _row(p: VendorPayment, vendor: str, number: str) -> PaymentRow:
    return PaymentRow(p.id, p.paid_on, vendor, p.bill_id, number, p.method, p.check_number,
                      p.amount_cents, p.discount_cents)  # fmt: skip


def _method(value) -> str:
    text = str(value or "").strip().lower()
    for code, label in METHODS.items():
        if text in (code, label.lower()):
            return code
    raise ValidationError.one("method", "Method is check, ACH or card.")


def check_payment(values: dict) -> dict:
    """The payment's fields cleaned (amount in cents), or every bad one named at once."""
    errors: dict[str, str] = {}
    out: dict = {}
    day = values.get("paid_on") or "t"
    checks = {
        "paid_on": lambda: check_date("paid_on", day, label="Paid on")
        if isinstance(day, dt.date)
        else parse_date("paid_on", str(day), today=clock.today(), label="Paid on"),
        "method": lambda: _method(values.get("method")),
        "check_number": lambda: clean_text("check_number", values.get("check_number"),
                                           max_len=20, label="Check number"),
        "amount": lambda: parse_money("amount", str(values.get("amount") or "")),
    }  # fmt: skip
    for name, check in checks.items():
        try:
            out[name] = check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if out.get("method") == "check" and "check_number" in out and not out["check_number"]:
        errors["check_number"] = "A check payment needs the check number."
    if out.get("amount") == 0:
        errors["amount"] = "Amount must be more than $0.00."
    if errors:
        raise ValidationError(errors)
    return out


@writer("payables.write", changes=PAYABLES_TOPICS)
def pay_bill(actor: StaffMember, bill_id: int, values: dict) -> PaymentRow:
    """Record a payment of an approved bill: paid_on, method (check, ACH, card), check
    number (a check needs one) and amount. On a 2/10 Net 30 bill paid within ten days of
    its date, an amount equal to the open balance less the 2% discount settles the bill
    and takes the discount. Refuses a payment larger than the open balance, a bill not yet
    approved or already paid, and a check number already used."""
    v = check_payment(values)
    bill = get_or_refuse(Bill, bill_id, "bill")
    label = f"Bill {bill.number or bill.id}"
    if bill.status != "approved":
        raise ValidationError.one(
            "bill", f"{label} is {bill.status}; only an approved bill is paid."
        )
    open_cents = bill.total_cents - bill.paid_cents - bill.discount_cents
    if open_cents <= 0:
        raise ValidationError.one("bill", f"{label} is paid already.")
    if v["amount"] > open_cents:
        raise ValidationError.one(
            "amount",
            f"{format_money(v['amount'])} is more than {label}'s open balance of "
            f"{format_money(open_cents)}.",
        )
    if v["paid_on"] < bill.bill_date:
        raise ValidationError.one(
            "paid_on", f"{label} is dated {bill.bill_date:%m/%d/%Y}; a payment cannot be earlier."
        )
    if v["method"] == "check" and VendorPayment.get_or_none(
        (VendorPayment.method == "check") & (VendorPayment.check_number == v["check_number"])
    ):
        raise ValidationError.one("check_number", f"Check {v['check_number']} was written already.")
    discount = 0
    if bill.paid_cents == 0:
        offer = discount_for(bill.terms, bill.bill_date, v["paid_on"], open_cents)
        if offer and v["amount"] == open_cents - offer:
            discount = offer
    payment = VendorPayment.create(
        bill=bill, vendor=bill.vendor_id, paid_on=v["paid_on"], method=v["method"],
        check_number=v["check_number"], amount_cents=v["amount"], discount_cents=discount,
        staff=actor, at=clock.now_utc(),
    )  # fmt: skip
    lines = [(acct.AP, v["amount"] + discount), (acct.BANK, -v["amount"])]
    if discount:
        lines.append((acct.PURCHASE_DISCOUNTS, -discount))
    entry = post_journal(
        on=v["paid_on"], memo=f"Payment of bill {bill.number} to {bill.vendor.name}"[:200],
        source="vendor_payment", source_id=payment.id, lines=lines, staff=actor,
    )  # fmt: skip
    VendorPayment.update(entry_id=entry).where(VendorPayment.id == payment.id).execute()
    Bill.update(
        paid_cents=Bill.paid_cents + v["amount"], discount_cents=Bill.discount_cents + discount,
        version=Bill.version + 1,
    ).where(Bill.id == bill.id).execute()  # fmt: skip
    audit(actor, "payables.pay", entity="bill", entity_id=bill.id,
          detail=f"{v['method']} {v['check_number']} {v['amount']} cents"
          + (f", discount {discount}" if discount else ""))  # fmt: skip
    return _row(VendorPayment.get_by_id(payment.id), bill.vendor.name, bill.number)


@reader("payables.read")
def discount_offer(actor: StaffMember, bill_id: int, paid_on: dt.date | None = None) -> int:
    """The early-payment discount a payment in full on *paid_on* (today) would take."""
    bill = get_or_refuse(Bill, bill_id, "bill")
    day = check_date("paid_on", paid_on or clock.today(), label="Paid on")
    if bill.status != "approved" or bill.paid_cents:
        return 0
    return discount_for(bill.terms, bill.bill_date, day, bill.total_cents - bill.discount_cents)


@reader("payables.read")
def check_register(
    actor: StaffMember, start: dt.date, end: dt.date, after: tuple | None = None, limit: int = 200
) -> tuple[list[PaymentRow], tuple | None]:
    """Payments made from *start* to *end* (inclusive) by date, with check numbers, a
    keyset page at a time."""
    check_limit(limit)
    start = check_date("start", start, label="From")
    end = check_date("end", end, label="To")
    query = (
        VendorPayment.select(VendorPayment, Vendor.name, Bill.number)
        .join(Vendor, on=VendorPayment.vendor == Vendor.id)
        .switch(VendorPayment)
        .join(Bill, on=VendorPayment.bill == Bill.id)
        .where((VendorPayment.paid_on >= start) & (VendorPayment.paid_on <= end))
    )
    if after:
        day, pid = after
        query = query.where(
            (VendorPayment.paid_on > day)
            | ((VendorPayment.paid_on == day) & (VendorPayment.id > pid))
        )
    found = list(query.order_by(VendorPayment.paid_on, VendorPayment.id).limit(limit + 1).objects())
    rows = [_row(p, p.name, p.number) for p in found[:limit]]
    return rows, ((rows[-1].paid_on, rows[-1].id) if len(found) > limit else None)
