"""Supplies: stock levels against reorder points; every change is a stock movement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import StaffMember, StockMovement, SupplyItem
from .. import clock
from ..books import accounts
from ..core import get_or_refuse, reader, writer
from ..errors import ValidationError
from ..validate import check_limit, clean_text, parse_date, parse_money, parse_quantity
from . import valuation
from .counts import adjust_lot
from .usage import _fefo, take_first_expiring


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
    value_cents: int = 0  # at moving average cost
    last_cost_cents: int = 0

    @property
    def low(self) -> bool:
        return self.on_hand <= self.reorder_point


@dataclass(frozen=True)
class StockPage:
    rows: list[StockRow]
    next_after: tuple | None


def _row(i: SupplyItem) -> StockRow:
    return StockRow(
        i.id,
        i.version,
        i.sku,
        i.name,
        i.unit,
        i.on_hand,
        i.reorder_point,
        i.reorder_qty,
        i.value_cents,
        i.last_cost_cents,
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
    kind: str  # receive, use, adjust, transfer
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
        MovementRow(m.id, m.at, m.kind, m.quantity, m.on_hand_after, m.reason, m.staff.short_name)
        for m in found[:limit]
    ]
    return MovementPage(_row(item), rows, rows[-1].id if len(found) > limit else None)


@reader("stock.read")
def low_stock_count(actor: StaffMember) -> int:
    return SupplyItem.select().where(SupplyItem.on_hand <= SupplyItem.reorder_point).count()


def _parse_expiry(expiry) -> dt.date | None:
    if expiry is None or isinstance(expiry, dt.date):
        return expiry
    text = str(expiry).strip()
    return parse_date("expiry", text, today=clock.today(), label="Expiry date") if text else None


@writer("stock.write")
def receive_stock(
    actor: StaffMember,
    item_id: int,
    quantity: str | int,
    reason: str,
    unit_cost: str | None = None,
    lot_number: str = "",
    expiry: str | dt.date | None = None,
    location_id: int | None = None,
    credit_account: str = accounts.GRNI,
) -> StockRow:
    """Add a delivery received by hand (not against a purchase order) to a lot at a
    location, at *unit_cost* each ("$4.50"; blank: the item's last unit cost). The value
    is credited to GRNI, "received, not yet billed", unless *credit_account* says
    otherwise (AP, cash, bank, equity): the vendor's bill, entered later, clears GRNI.
    Refuses a quantity that is not a positive whole number, a bad cost or date, and what
    valuation.stock_in refuses."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    qty = parse_quantity("quantity", quantity)
    if credit_account not in valuation.RECEIVE_CREDITS:
        raise ValidationError.one(
            "credit_account", "Receive against GRNI, A/P, cash, bank or equity."
        )
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    if unit_cost is None or not str(unit_cost).strip():
        cost = item.last_cost_cents
    else:
        cost = parse_money("unit_cost", str(unit_cost), label="Unit cost")
    valuation.stock_in(
        item.id,
        qty,
        cost,
        lot_number=lot_number,
        expiry=_parse_expiry(expiry),
        location_id=location_id,
        staff=actor,
        source="by_hand",
        source_id=None,
        credit_account=credit_account,
        on=clock.today(),
        reason=reason,
    )
    return _row(SupplyItem.get_by_id(item.id))


@writer("stock.write")
def use_stock(actor: StaffMember, item_id: int, quantity: str | int, reason: str) -> StockRow:
    """Take units out of stock, first expiring first out, at moving average cost (posted
    to supplies expense). Refuses taking more than is on hand and unexpired."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    qty = parse_quantity("quantity", quantity)
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    take_first_expiring(actor, item, qty, reason)
    return _row(SupplyItem.get_by_id(item.id))


@writer("stock.write")
def adjust_stock(actor: StaffMember, item_id: int, counted: str | int, reason: str) -> StockRow:
    """Set the item's on-hand count to what was counted on the shelf; the difference is
    posted as an adjustment (inventory adjustments and shrinkage). Missing units come out
    of expired lots first, then first expiring first; found units go to the lot without a
    number at the default location. Refuses a count equal to the one on file."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    qty = parse_quantity("quantity", counted, allow_zero=True)
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    diff = qty - item.on_hand
    if diff == 0:
        raise ValidationError.one("quantity", f"The count is already {item.on_hand}.")
    if diff > 0:
        lot = valuation.lot_row(item, "", None, valuation.default_location())
        adjust_lot(actor, item, lot, lot.on_hand + diff, reason)
    else:
        missing = -diff
        for lot in _fefo(item, None):
            part = min(missing, lot.on_hand)
            adjust_lot(actor, item, lot, lot.on_hand - part, reason)
            missing -= part
            if not missing:
                break
    return _row(SupplyItem.get_by_id(item.id))
