"""Supplies used (by hand or at a visit), first-expiring-first-out, and transfers
between storage locations. Each use posts Dr supplies expense / Cr inventory at moving
average cost (valuation.py); a transfer moves units, never value.

Expired stock is REFUSED for use: first-expiring-first-out skips it, and a lot picked by
hand that has expired is refused with its date; expired units leave stock through a count
(counts.py: counted 0, reason "Expired, discarded"), an adjustment, not an expense."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Case

from ...db.models import Appointment, StaffMember, StockLocation, StockLot, SupplyItem
from .. import clock
from ..books import accounts
from ..core import get_or_refuse, writer
from ..errors import ValidationError
from ..validate import clean_text, parse_quantity
from ..wording import date_text, plural, quantity
from . import valuation


@dataclass(frozen=True)
class Used:
    item_id: int
    name: str
    quantity: int
    cost_cents: int
    lots: tuple[str, ...]  # "lot A12 (Exam 1)", the lots taken from
    on_hand: int


def _where(lot: StockLot) -> str:
    name = lot.lot_number or "no lot"
    return f"{name} ({lot.location.name})"


def _fefo(item: SupplyItem, location_id: int | None) -> list[StockLot]:
    """The item's lots with stock, first expiring first (no expiry last), then oldest."""
    query = (
        StockLot.select(StockLot, StockLocation)
        .join(StockLocation)
        .where((StockLot.item == item.id) & (StockLot.on_hand > 0))
    )
    if location_id is not None:
        query = query.where(StockLot.location == location_id)
    no_expiry_last = Case(None, [(StockLot.expiry.is_null(), 1)], 0)
    return list(query.order_by(no_expiry_last, StockLot.expiry, StockLot.id))


def take_first_expiring(
    staff: StaffMember,
    item: SupplyItem,
    qty: int,
    reason: str,
    *,
    location_id: int | None = None,
    source: str = "",
    source_id: int | None = None,
) -> Used:
    """Take *qty* units of *item* from its unexpired lots, first expiring first, and post
    their cost to supplies expense. Refuses, naming them, when only expired units would
    make up the quantity, and a location not on file."""
    at = None
    if location_id is not None:
        at = get_or_refuse(StockLocation, location_id, "stock location")
    today = clock.today()
    lots = _fefo(item, location_id)
    good = [lot for lot in lots if not valuation.expired(lot.expiry, today)]
    have = sum(lot.on_hand for lot in good)
    if have < qty:
        bad = [lot for lot in lots if valuation.expired(lot.expiry, today)]
        where = f" at {at.name}" if at else ""
        message = f"{item.name}: only {quantity(have, item.unit)} usable{where}"
        if bad:
            message += (
                f"; {plural(sum(b.on_hand for b in bad), 'unit')} expired (lot "
                f"{bad[0].lot_number or '(none)'} expired {date_text(bad[0].expiry)}): "
                "count them out instead"
            )
        raise ValidationError.one("quantity", message + ".")
    return _take_from(staff, item, good, qty, reason, source, source_id)


def _take_from(staff, item, lots, qty, reason, source, source_id) -> Used:
    left, cost, taken = qty, 0, []
    for lot in lots:
        if left == 0:
            break
        part = min(left, lot.on_hand)
        move, part_cost = valuation.take(
            item, lot, part, "use", reason, staff, source=source, source_id=source_id
        )
        cost += part_cost
        left -= part
        taken.append(_where(lot))
    valuation.post(
        staff,
        clock.today(),
        f"Used {qty} x {item.name}: {reason}",
        "stock_use",
        move.id,
        accounts.SUPPLIES_EXPENSE,
        accounts.INVENTORY,
        cost,
    )
    return Used(item.id, item.name, qty, cost, tuple(taken), item.on_hand)


@writer("stock.write")
def use_supplies(
    actor: StaffMember,
    item_id: int,
    qty: str | int,
    reason: str,
    location_id: int | None = None,
    lot_id: int | None = None,
) -> Used:
    """Use units by hand: from *lot_id* if given, else first-expiring-first-out (at
    *location_id* if given). The cost at moving average goes to supplies expense. Refuses
    more than is usable, an expired lot (with its date), a lot of another item."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    qty = parse_quantity("quantity", qty)
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    if lot_id is None:
        return take_first_expiring(actor, item, qty, reason, location_id=location_id)
    lot = get_or_refuse(StockLot, lot_id, "lot")
    if lot.item_id != item.id:
        raise ValidationError.one("lot", "That lot is of another item.")
    if valuation.expired(lot.expiry, clock.today()):
        raise ValidationError.one(
            "lot",
            f"Lot {lot.lot_number} expired {date_text(lot.expiry)}: expired stock is not "
            "used; count it out instead.",
        )
    if lot.on_hand < qty:
        raise ValidationError.one(
            "quantity", f"Only {quantity(lot.on_hand, item.unit)} in lot {_where(lot)}."
        )
    return _take_from(actor, item, [lot], qty, reason, "", None)


@writer("stock.write")
def use_at_visit(actor: StaffMember, appointment_id: int, item_id: int, qty: str | int) -> Used:
    """Supplies used at a visit (the check-out's "supplies used" step): first expiring
    first out, the visit named on the movement. Refuses a visit not yet arrived, a
    cancelled or no-show one, and what use_supplies refuses."""
    visit = get_or_refuse(Appointment, appointment_id, "visit")
    if visit.status in ("booked", "cancelled", "no_show", "rescheduled"):
        raise ValidationError.one("visit", "Supplies are recorded for a visit that took place.")
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    reason = f"Visit {date_text(visit.starts_at.date())} #{visit.id}"
    return take_first_expiring(
        actor,
        item,
        parse_quantity("quantity", qty),
        reason,
        source="appointment",
        source_id=visit.id,
    )


@dataclass(frozen=True)
class Moved:
    name: str
    quantity: int
    lot: str
    to: str


@writer("stock.write")
def transfer_stock(
    actor: StaffMember, lot_id: int, qty: str | int, to_location_id: int, reason: str = ""
) -> Moved:
    """Move units of one lot to another location: two movements (out, in), the item's
    count and value unchanged, nothing posted. Refuses the same location, a retired one,
    more than the lot holds."""
    qty = parse_quantity("quantity", qty)
    lot = get_or_refuse(StockLot, lot_id, "lot")
    item = SupplyItem.get_by_id(lot.item_id)
    to = valuation.active_location(to_location_id)
    if to.id == lot.location_id:
        raise ValidationError.one("location", f"That stock is already in {to.name}.")
    if lot.on_hand < qty:
        raise ValidationError.one(
            "quantity", f"Only {quantity(lot.on_hand, item.unit)} in lot {_where(lot)}."
        )
    came_from = lot.location.name
    reason = clean_text("reason", reason, max_len=150, label="Reason")
    note = f"{came_from} -> {to.name}" + (f": {reason}" if reason else "")
    there = valuation.lot_row(item, lot.lot_number, lot.expiry, to)
    valuation.record(item, lot, "transfer", -qty, 0, note, actor, unit_change=False)
    valuation.record(item, there, "transfer", qty, 0, note, actor, unit_change=False)
    return Moved(item.name, qty, lot.lot_number, to.name)
