"""Supply items and their stock movements."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

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

    class Meta:
        indexes = ((("name", "id"), False),)


class StockMovement(BaseModel):
    KINDS = ("receive", "use", "adjust")

    item = ForeignKeyField(SupplyItem, backref="movements")
    kind = CharField(max_length=8)
    quantity = IntegerField()  # signed change in on-hand
    on_hand_after = IntegerField()
    reason = CharField(max_length=200)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)
