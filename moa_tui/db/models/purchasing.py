"""Purchase orders, their lines and the receipts against them (issue 13 item 3). A line's
received and billed quantities are kept with the receipt and bill rows that sum to them,
in the same transaction."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .payables import Vendor
from .security import StaffMember
from .supplies import SupplyItem


class PurchaseOrder(BaseModel):
    STATUSES = ("draft", "sent", "partial", "received", "closed", "cancelled")

    vendor = ForeignKeyField(Vendor, backref="orders")
    status = CharField(max_length=10, default="draft")
    ordered_on = DateField(null=True)
    memo = CharField(max_length=200, default="")
    created_by = ForeignKeyField(StaffMember, backref="+")
    created_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("status", "id"), False),)


class PurchaseOrderLine(BaseModel):
    order = ForeignKeyField(PurchaseOrder, backref="lines", on_delete="CASCADE")
    item = ForeignKeyField(SupplyItem, backref="+")
    quantity = IntegerField()
    unit_cents = IntegerField()
    received_qty = IntegerField(default=0)
    billed_qty = IntegerField(default=0)

    class Meta:
        indexes = ((("order", "item"), True),)


class Receipt(BaseModel):
    order = ForeignKeyField(PurchaseOrder, backref="receipts")
    received_on = DateField()
    note = CharField(max_length=200, default="")
    staff = ForeignKeyField(StaffMember, backref="+")
    at = DateTimeField(default=utcnow)


class ReceiptLine(BaseModel):
    receipt = ForeignKeyField(Receipt, backref="lines")
    line = ForeignKeyField(PurchaseOrderLine, backref="receipts")
    quantity = IntegerField()
    unit_cents = IntegerField()
    over_reason = CharField(max_length=200, default="")  # said when more came than ordered
    movement_id = IntegerField(null=True)
