"""Cycle counts: what was counted on the shelf, lot by lot at each location; every
difference posts as an adjustment with the reason given (Dr/Cr inventory adjustments and
shrinkage vs inventory), all of a count in one transaction or none of it."""

from __future__ import annotations

from dataclasses import dataclass

from ...db.models import StaffMember, StockLot, SupplyItem
from .. import clock
from ..books import accounts
from ..core import get_or_refuse, writer
from ..errors import ValidationError
from ..validate import clean_text, parse_quantity
from ..wording import plural
from . import valuation


@dataclass(frozen=True)
class CountResult:
    rows: int  # lots counted
    changed: int  # lots whose count differed
    units: int  # signed: found (+) or missing (-)
    value_cents: int  # signed change in stock value, posted to inventory adjustments

    @property
    def summary(self) -> str:
        if not self.changed:
            return f"{plural(self.rows, 'lot')} counted; every count matched."
        return (
            f"{plural(self.rows, 'lot')} counted; {plural(self.changed, 'difference')} "
            f"({self.units:+d} units) posted to inventory adjustments."
        )


def adjust_lot(
    staff: StaffMember, item: SupplyItem, lot: StockLot, counted: int, reason: str
) -> tuple[int, int]:
    """Set *lot*'s count to *counted*: missing units go out at moving average cost,
    found units come in at it (or at the last unit cost when none is on hand); the value
    posts against inventory adjustments. Returns (units, cents), both signed."""
    diff = counted - lot.on_hand
    if diff == 0:
        return 0, 0
    if diff < 0:
        move, cost = valuation.take(item, lot, -diff, "adjust", reason, staff)
        value = -cost
    else:
        value = valuation.cost_in_at_average(item, diff)
        move = valuation.record(item, lot, "adjust", diff, value, reason, staff)
    valuation.post(
        staff,
        clock.today(),
        f"Count of {item.name}: {diff:+d}. {reason}",
        "stock_adjust",
        move.id,
        accounts.INVENTORY,
        accounts.INVENTORY_ADJ,
        value,
    )
    return diff, value


@writer("stock.write")
def record_count(actor: StaffMember, counts: dict[int, str | int], reason: str) -> CountResult:
    """A cycle count: *counts* maps lot rows (StockLot ids: an item's lots, or all lots
    at a location) to what was counted. Refuses a blank reason, a count that is not a
    whole number (naming the lot), an unknown lot, an empty count; nothing is written
    unless every line is good."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    if not counts:
        raise ValidationError.one("counts", "Nothing was counted.")
    lots = []
    for lot_id, typed in counts.items():
        lot = get_or_refuse(StockLot, lot_id, "lot")
        try:
            counted = parse_quantity("quantity", typed, allow_zero=True)
        except ValidationError as exc:
            where = lot.lot_number or "no lot"
            raise ValidationError.one(
                f"count_{lot_id}", f"{where} at {lot.location.name}: {exc.errors['quantity']}"
            ) from None
        lots.append((lot, counted))
    changed = units = value = 0
    items: dict[int, SupplyItem] = {}
    for lot, counted in sorted(lots, key=lambda pair: pair[0].id):
        item = items.get(lot.item_id) or items.setdefault(
            lot.item_id, SupplyItem.get_by_id(lot.item_id)
        )
        diff, cents = adjust_lot(actor, item, lot, counted, reason)
        changed += diff != 0
        units += diff
        value += cents
    return CountResult(len(lots), changed, units, value)
