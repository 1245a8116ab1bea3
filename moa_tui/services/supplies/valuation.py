"""Where every stock change goes through: lots at locations, the item's value at moving
average cost, the stock movement, the audit event and the ledger posting.

Valuation: MOVING AVERAGE COST. Each item keeps the value of all its stock in cents
(``SupplyItem.value_cents``). Stock in adds quantity x unit cost; stock out costs
round(value x quantity / on hand), and the last unit out takes whatever value is left, so
the INVENTORY account (1200) always equals the sum of the items' values to the cent.

The functions here run inside the caller's already-open write transaction (a service's
own, or another area's: receiving against a purchase order calls ``stock_in``); they do
not open or commit one, so the stock change and its journal entry land together or not
at all. Stock already on hand before costs were kept has value 0 and costs nothing out.
"""

from __future__ import annotations

import datetime as dt

from ...db import changes
from ...db.models import StaffMember, StockLocation, StockLot, StockMovement, SupplyItem
from .. import clock
from ..books import accounts
from ..books.ledger import post_journal
from ..core import audit, get_or_refuse
from ..errors import ValidationError
from ..validate import check_cents, check_date, clean_text
from ..wording import date_text, quantity

MAX_QUANTITY = 1_000_000
DEFAULT_LOCATION = "Supply room"
# Accounts a receipt by hand may credit: received, not yet billed (the default: the
# vendor's bill, matched later, clears it), or paid on the spot.
RECEIVE_CREDITS = (accounts.GRNI, accounts.AP, accounts.CASH, accounts.BANK, accounts.EQUITY)


def cost_out(value_cents: int, on_hand: int, qty: int) -> int:
    """The moving-average cost of taking *qty* of *on_hand* units worth *value_cents*:
    round half up; all of it when the last units go."""
    if qty >= on_hand:
        return value_cents
    return (2 * value_cents * qty + on_hand) // (2 * on_hand)


def cost_in_at_average(item: SupplyItem, qty: int) -> int:
    """The value of *qty* units found (a count above the books) at the item's average
    cost, or its last unit cost when none is on hand."""
    if item.on_hand > 0:
        return (2 * item.value_cents * qty + item.on_hand) // (2 * item.on_hand)
    return item.last_cost_cents * qty


def check_quantity(qty, field: str = "quantity") -> int:
    if isinstance(qty, bool) or not isinstance(qty, int) or not 0 < qty <= MAX_QUANTITY:
        raise ValidationError.one(field, "Quantity must be a whole number from 1 to 1,000,000.")
    return qty


def expired(expiry: dt.date | None, today: dt.date) -> bool:
    """Stock may be used through its expiry date, not after."""
    return expiry is not None and expiry < today


def default_location() -> StockLocation:
    """Where stock goes when no location is named: "Supply room", else the first one."""
    found = StockLocation.get_or_none(StockLocation.name == DEFAULT_LOCATION)
    if found is None or not found.active:
        found = (
            StockLocation.select()
            .where(StockLocation.active == True)  # noqa: E712
            .order_by(StockLocation.id)
            .first()
        )
    return found or StockLocation.create(name=DEFAULT_LOCATION)


def active_location(location_id: int | None) -> StockLocation:
    if location_id is None:
        return default_location()
    place = get_or_refuse(StockLocation, location_id, "storage location")
    if not place.active:
        raise ValidationError.one("location", f"{place.name} is no longer in use.")
    return place


def lot_row(item: SupplyItem, lot_number: str, expiry, place: StockLocation) -> StockLot:
    """The row holding *item*'s lot *lot_number* at *place*, made if new. A lot's expiry is
    one date wherever it is kept: a different one for a known lot number is refused. Stock
    with an expiry but no lot number is kept as lot "EXP yyyy-mm-dd"."""
    lot_number = clean_text("lot_number", lot_number or "", max_len=30, label="Lot number")
    if expiry is not None:
        expiry = check_date("expiry", expiry, label="Expiry date")
        if not lot_number:
            lot_number = f"EXP {expiry:%Y-%m-%d}"
    known = (
        StockLot.select()
        .where((StockLot.item == item.id) & (StockLot.lot_number == lot_number))
        .order_by(StockLot.id)
        .first()
    )
    if known is not None and known.expiry != expiry:
        on_file = date_text(known.expiry) if known.expiry else "no expiry date"
        raise ValidationError.one(
            "expiry", f"Lot {lot_number or '(none)'} of {item.name} is on file with {on_file}."
        )
    row = StockLot.get_or_none(
        (StockLot.item == item.id)
        & (StockLot.lot_number == lot_number)
        & (StockLot.location == place.id)
    )
    if row is None:
        row = StockLot.create(
            item=item, lot_number=lot_number, expiry=expiry, location=place, on_hand=0
        )
    return row


def record(
    item: SupplyItem,
    lot: StockLot,
    kind: str,
    qty: int,
    value: int,
    reason: str,
    staff: StaffMember,
    *,
    source: str = "",
    source_id: int | None = None,
    unit_change: bool = True,
) -> StockMovement:
    """Apply a signed change of *qty* units (of *lot*) and *value* cents to *item*, and
    record the movement and its audit event. A transfer's halves change the lot only
    (``unit_change=False``). Counts are updated from their current values in SQL."""
    if lot.on_hand + qty < 0:
        raise ValidationError.one(
            "quantity", f"{item.name}: only {quantity(lot.on_hand, item.unit)} in that lot."
        )
    item_delta = qty if unit_change else 0
    SupplyItem.update(
        on_hand=SupplyItem.on_hand + item_delta,
        value_cents=SupplyItem.value_cents + value,
        version=SupplyItem.version + 1,
    ).where(SupplyItem.id == item.id).execute()
    StockLot.update(on_hand=StockLot.on_hand + qty).where(StockLot.id == lot.id).execute()
    item.on_hand += item_delta
    item.value_cents += value
    item.version += 1
    lot.on_hand += qty
    move = StockMovement.create(
        item=item,
        kind=kind,
        quantity=qty,
        on_hand_after=item.on_hand,
        reason=reason,
        staff=staff,
        at=clock.now_utc(),
        lot=lot,
        value_cents=value,
        source=source,
        source_id=source_id,
    )
    where = f" lot {lot.lot_number}" if lot.lot_number else ""
    audit(
        staff,
        f"stock.{kind}",
        entity="supply_item",
        entity_id=item.id,
        detail=f"{item.sku}{where} {qty:+d} -> {item.on_hand}: {reason}",
    )
    return move


def post(
    staff: StaffMember,
    on: dt.date,
    memo: str,
    source: str,
    source_id: int | None,
    debit: str,
    credit: str,
    cents: int,
) -> int | None:
    """Post Dr *debit* / Cr *credit* for *cents* (negative swaps them); nothing for 0
    (stock without a recorded cost moves no money)."""
    if cents == 0:
        return None
    if cents < 0:
        debit, credit, cents = credit, debit, -cents
    return post_journal(
        on=on,
        memo=memo[:200],
        source=source,
        source_id=source_id,
        lines=[(debit, cents), (credit, -cents)],
        staff=staff,
    )


def stock_in(
    item_id: int,
    quantity: int,
    unit_cost_cents: int,
    *,
    lot_number: str | None,
    expiry: dt.date | None,
    location_id: int | None,
    staff: StaffMember,
    source: str,
    source_id: int | None,
    credit_account: str,
    on: dt.date,
    reason: str = "",
) -> int:
    """Add *quantity* units at *unit_cost_cents* each to a lot at a location (the default
    location when None), raise the item's moving-average value by quantity x unit cost,
    and post Dr INVENTORY / Cr *credit_account* for it. Call inside an open write
    transaction (it opens none). *source*/*source_id* name the caller's event (e.g.
    "po_receipt", its id) on the movement; the journal entry's source is "stock_receipt",
    its id the movement's. Returns the movement id. Refuses a quantity outside 1 to
    1,000,000, a negative cost, an unknown or retired location, a known lot number with
    another expiry date, and whatever the ledger refuses (a closed period)."""
    check_quantity(quantity)
    unit_cost_cents = check_cents("unit_cost", unit_cost_cents, label="Unit cost")
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    place = active_location(location_id)
    lot = lot_row(item, lot_number or "", expiry, place)
    amount = quantity * unit_cost_cents
    reason = clean_text("reason", reason, max_len=200, label="Reason") or "Received"
    move = record(
        item,
        lot,
        "receive",
        quantity,
        amount,
        reason,
        staff,
        source=clean_text("source", source or "", max_len=20, label="Source"),
        source_id=source_id,
    )
    if unit_cost_cents:
        SupplyItem.update(last_cost_cents=unit_cost_cents).where(SupplyItem.id == item.id).execute()
    post(
        staff,
        on,
        f"Received {quantity} x {item.name}",
        "stock_receipt",
        move.id,
        accounts.INVENTORY,
        credit_account,
        amount,
    )
    changes.bump({changes.STOCK})  # whichever area's service called it
    return move.id


def take(
    item: SupplyItem,
    lot: StockLot,
    qty: int,
    kind: str,
    reason: str,
    staff: StaffMember,
    *,
    source: str = "",
    source_id: int | None = None,
) -> tuple[StockMovement, int]:
    """Take *qty* units of *lot* out at moving average cost: (movement, cost in cents).
    The caller posts the cost (use: to supplies expense; a count: to adjustments)."""
    check_quantity(qty)
    cost = cost_out(item.value_cents, item.on_hand, qty)
    move = record(item, lot, kind, -qty, -cost, reason, staff, source=source, source_id=source_id)
    return move, cost
