"""Accounts payable (issue 13 item 2): vendors and contractors with payment terms, the
items each sells (last price, preferred vendor), vendors' bills and the payments made on
them; the three-way match tolerance. Money is integer cents; a bill's open balance is
total - paid - discount, both kept in the same transaction as the payment rows they sum."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from .base import BaseModel, utcnow
from .security import StaffMember
from .supplies import SupplyItem


class Vendor(BaseModel):
    TERMS = ("net30", "net15", "2/10net30", "receipt")

    name = CharField(max_length=80, unique=True)
    address = CharField(max_length=200, default="")
    phone = CharField(max_length=20, default="")
    tax_id = CharField(max_length=20, default="")
    terms = CharField(max_length=10, default="net30")
    contractor = BooleanField(default=False)
    active = BooleanField(default=True)
    version = IntegerField(default=1)


class VendorItem(BaseModel):
    """A supply item a vendor sells: its last price, and whether the vendor is the item's
    preferred one (at most one per item; the purchase orders built from the low-stock list
    go to it)."""

    vendor = ForeignKeyField(Vendor, backref="items")
    item = ForeignKeyField(SupplyItem, backref="+")
    last_price_cents = IntegerField(default=0)
    preferred = BooleanField(default=False)

    class Meta:
        indexes = ((("vendor", "item"), True), (("item", "preferred"), False))


class Bill(BaseModel):
    STATUSES = ("draft", "approved", "void")

    vendor = ForeignKeyField(Vendor, backref="bills")
    number = CharField(max_length=30, default="")  # the vendor's invoice number
    bill_date = DateField()
    due_date = DateField()
    terms = CharField(max_length=10)
    memo = CharField(max_length=200, default="")
    purchase_order_id = IntegerField(null=True)  # the order it bills (purchasing.py)
    total_cents = IntegerField(default=0)
    paid_cents = IntegerField(default=0)
    discount_cents = IntegerField(default=0)
    status = CharField(max_length=8, default="draft")
    override_reason = CharField(max_length=200, default="")
    approved_by = ForeignKeyField(StaffMember, null=True, backref="+")
    approved_at = DateTimeField(null=True)
    entry_id = IntegerField(null=True)  # the A/P journal entry of its approval
    created_by = ForeignKeyField(StaffMember, backref="+")
    created_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("status", "due_date", "id"), False), (("vendor", "bill_date"), False))


class BillLine(BaseModel):
    """One line of a bill: an expense account's amount, or an ordered item's quantity at a
    price (po_line_id set: matched against the order and its receipts)."""

    bill = ForeignKeyField(Bill, backref="lines", on_delete="CASCADE")
    account_code = CharField(max_length=10, default="")
    po_line_id = IntegerField(null=True)
    description = CharField(max_length=120, default="")
    quantity = IntegerField(default=1)
    unit_cents = IntegerField(default=0)
    amount_cents = IntegerField(default=0)


class VendorPayment(BaseModel):
    METHODS = ("check", "ach", "card")

    bill = ForeignKeyField(Bill, backref="payments")
    vendor = ForeignKeyField(Vendor, backref="+")
    paid_on = DateField()
    method = CharField(max_length=5)
    check_number = CharField(max_length=20, default="")
    amount_cents = IntegerField()  # out of the bank
    discount_cents = IntegerField(default=0)  # early-payment discount taken
    entry_id = IntegerField(null=True)
    staff = ForeignKeyField(StaffMember, backref="+")
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("paid_on", "id"), False),)


class PayablesSettings(BaseModel):
    """One row: how far a bill may differ from its order and receipts and still match."""

    tolerance_percent = IntegerField(default=2)  # whole percent of the ordered price
    tolerance_cents = IntegerField(default=100)  # or this many cents a unit, whichever is more
    version = IntegerField(default=1)
