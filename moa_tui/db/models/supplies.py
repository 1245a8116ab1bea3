"""Supply items, where their stock is (lots at storage locations) and its movements.

Stock is valued at moving average cost: ``SupplyItem.value_cents`` is the whole stock's
value; the INVENTORY account always equals the sum of the items' values (services/supplies/
valuation.py). ``on_hand`` equals the sum of the item's ``StockLot.on_hand``."""

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


class SupplyItem(BaseModel):
    sku = CharField(max_length=20, unique=True)
    name = CharField(max_length=80)
    unit = CharField(max_length=20, default="each")
    on_hand = IntegerField(default=0)
    reorder_point = IntegerField(default=0)
    reorder_qty = IntegerField(default=0)
    version = IntegerField(default=1)
    value_cents = IntegerField(default=0)  # the stock on hand at moving average cost
    last_cost_cents = IntegerField(default=0)  # unit cost of the last receipt

    class Meta:
        indexes = ((("name", "id"), False),)


class StockLocation(BaseModel):
    """A place stock is kept: "Supply room", "Exam 1", "Lab fridge"."""

    name = CharField(max_length=40, unique=True)
    active = BooleanField(default=True)
    version = IntegerField(default=1)


class StockLot(BaseModel):
    """Units of one lot of an item at one location. A lot number '' is stock received
    without one; a lot's expiry is the same at every location (kept on each row so the
    near-expiry worklist reads one index)."""

    item = ForeignKeyField(SupplyItem, backref="lots")
    lot_number = CharField(max_length=30, default="")
    expiry = DateField(null=True)
    location = ForeignKeyField(StockLocation, backref="lots")
    on_hand = IntegerField(default=0)

    class Meta:
        indexes = (
            (("item", "lot_number", "location"), True),
            (("expiry", "id"), False),
        )


class StockMovement(BaseModel):
    KINDS = ("receive", "use", "adjust", "transfer")

    item = ForeignKeyField(SupplyItem, backref="movements")
    kind = CharField(max_length=8)
    quantity = IntegerField()  # signed change in on-hand (a transfer: of the lot's row)
    on_hand_after = IntegerField()
    reason = CharField(max_length=200)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)
    lot = ForeignKeyField(StockLot, null=True, backref="movements")
    value_cents = IntegerField(default=0)  # signed change in the item's stock value
    source = CharField(max_length=20, default="")  # e.g. "appointment", "po_receipt"
    source_id = IntegerField(null=True)

    class Meta:
        # An item's use by month (supplies/usage_chart.py), summed from the index alone.
        indexes = ((("item", "kind", "at", "quantity"), False),)


class SupplySettings(BaseModel):
    """One row: how many days ahead the near-expiry worklist looks."""

    near_expiry_days = IntegerField(default=60)
    version = IntegerField(default=1)
