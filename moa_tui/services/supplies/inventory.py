"""Supplies: stock levels against reorder points; every change is a stock movement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import StaffMember, StockMovement, SupplyItem
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ValidationError
from ..validate import check_limit, clean_text, parse_quantity
from ..wording import quantity


@dataclass(frozen=True)
class StockRow:
    id: int
    version: int
    sku: str
    name: str
    unit: str
    on_hand: int
    reorder_point: int
    reorder_qty: int

    @property
    def low(self) -> bool:
        return self.on_hand <= self.reorder_point


@dataclass(frozen=True)
class StockPage:
    rows: list[StockRow]
    next_after: tuple | None


def _row(i: SupplyItem) -> StockRow:
    return StockRow(
        i.id, i.version, i.sku, i.name, i.unit, i.on_hand, i.reorder_point, i.reorder_qty
    )


@reader("stock.read")
def stock_page(
    actor: StaffMember,
    low_only: bool = False,
    after: tuple | None = None,
    limit: int = 100,
    search: str = "",
) -> StockPage:
    """Items by name, one keyset page at a time; *low_only* keeps those at or below their
    reorder point; *search* keeps those whose name contains it or whose SKU starts with it
    (case does not matter)."""
    check_limit(limit)
    query = SupplyItem.select()
    search = clean_text("search", search, max_len=80, label="Search")
    if search:
        query = query.where(SupplyItem.name.contains(search) | SupplyItem.sku.startswith(search))
    if low_only:
        query = query.where(SupplyItem.on_hand <= SupplyItem.reorder_point)
    if after:
        name, item_id = after
        query = query.where(
            (SupplyItem.name > name) | ((SupplyItem.name == name) & (SupplyItem.id > item_id))
        )
    rows = [_row(i) for i in query.order_by(SupplyItem.name, SupplyItem.id).limit(limit + 1)]
    next_after = (rows[limit - 1].name, rows[limit - 1].id) if len(rows) > limit else None
    return StockPage(rows[:limit], next_after)


@dataclass(frozen=True)
class MovementRow:
    id: int
    at: dt.datetime  # UTC
    kind: str  # receive, use, adjust
    quantity: int  # signed change
    on_hand_after: int
    reason: str
    staff: str


@dataclass(frozen=True)
class MovementPage:
    item: StockRow
    rows: list[MovementRow]
    next_after: int | None  # the last id shown, when there are older ones


@reader("stock.read")
def item_movements(
    actor: StaffMember, item_id: int, after: int | None = None, limit: int = 100
) -> MovementPage:
    """An item's stock movements, newest first, a keyset page at a time (*after* is the
    last id already shown): who received, used or adjusted how many, and why."""
    check_limit(limit)
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    query = (
        StockMovement.select(StockMovement, StaffMember)
        .join(StaffMember)
        .where(StockMovement.item == item.id)
    )
    if after is not None:
        query = query.where(StockMovement.id < after)
    found = list(query.order_by(StockMovement.id.desc()).limit(limit + 1))
    rows = [
        MovementRow(
            m.id, m.at, m.kind, m.quantity, m.on_hand_after, m.reason, m.staff.short_name
        )
        for m in found[:limit]
    ]
    return MovementPage(_row(item), rows, rows[-1].id if len(found) > limit else None)


@reader("stock.read")
def low_stock_count(actor: StaffMember) -> int:
    return SupplyItem.select().where(SupplyItem.on_hand <= SupplyItem.reorder_point).count()


def _move(actor: StaffMember, item_id: int, kind: str, delta: int, reason: str) -> StockRow:
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    after = item.on_hand + delta
    if after < 0:
        raise ValidationError.one(
            "quantity", f"{item.name}: only {quantity(item.on_hand, item.unit)} on hand."
        )
    if delta == 0:
        raise ValidationError.one("quantity", f"The count is already {item.on_hand}.")
    # The on-hand count is updated from its current value in SQL, inside the write lock,
    # so two terminals changing the same item both count.
    SupplyItem.update(on_hand=SupplyItem.on_hand + delta, version=SupplyItem.version + 1).where(
        SupplyItem.id == item.id
    ).execute()
    StockMovement.create(
        item=item,
        kind=kind,
        quantity=delta,
        on_hand_after=after,
        reason=reason,
        staff=actor,
        at=clock.now_utc(),
    )
    audit(
        actor,
        f"stock.{kind}",
        entity="supply_item",
        entity_id=item.id,
        detail=f"{item.sku} {delta:+d} -> {after}: {reason}",
    )
    return _row(SupplyItem.get_by_id(item.id))


@writer("stock.write")
def receive_stock(actor: StaffMember, item_id: int, quantity: str | int, reason: str) -> StockRow:
    """Add a delivery to stock. Refuses a quantity that is not a positive whole number."""
    return _move(actor, item_id, "receive", parse_quantity("quantity", quantity), reason)


@writer("stock.write")
def use_stock(actor: StaffMember, item_id: int, quantity: str | int, reason: str) -> StockRow:
    """Take units out of stock. Refuses taking more than is on hand."""
    return _move(actor, item_id, "use", -parse_quantity("quantity", quantity), reason)


@writer("stock.write")
def adjust_stock(actor: StaffMember, item_id: int, counted: str | int, reason: str) -> StockRow:
    """Set the on-hand count to what was counted on the shelf; the difference is recorded
    as an adjustment."""
    qty = parse_quantity("quantity", counted, allow_zero=True)
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    return _move(actor, item_id, "adjust", qty - item.on_hand, reason)
