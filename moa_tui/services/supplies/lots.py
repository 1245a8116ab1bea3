"""Where the stock is: an item's lots at each location, the near-expiry worklist (expired
stock first), the storage locations and the near-expiry setting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Tuple

from ...db.models import StaffMember, StockLocation, StockLot, SupplyItem, SupplySettings
from .. import clock
from ..core import get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..validate import check_limit, clean_text
from . import valuation


@dataclass(frozen=True)
class LotRow:
    id: int
    item_id: int
    item: str
    unit: str
    lot_number: str
    expiry: dt.date | None
    location_id: int
    location: str
    on_hand: int
    expired: bool
    near: bool  # expires within the near-expiry days


@dataclass(frozen=True)
class ItemLots:
    item_id: int
    name: str
    unit: str
    on_hand: int
    value_cents: int  # at moving average cost
    rows: list[LotRow]


def settings_row() -> SupplySettings:
    row = SupplySettings.select().order_by(SupplySettings.id).first()
    return row or SupplySettings.create()


def _lot_row(lot: StockLot, item: SupplyItem, today: dt.date, days: int) -> LotRow:
    horizon = today + dt.timedelta(days=days)
    return LotRow(
        lot.id,
        item.id,
        item.name,
        item.unit,
        lot.lot_number,
        lot.expiry,
        lot.location_id,
        lot.location.name,
        lot.on_hand,
        valuation.expired(lot.expiry, today),
        lot.expiry is not None and lot.expiry <= horizon,
    )


@reader("stock.read")
def item_lots(actor: StaffMember, item_id: int, location_id: int | None = None) -> ItemLots:
    """An item's lots with stock at each location (at one, if given), first expiring
    first; an item has few, so all of them."""
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    query = (
        StockLot.select(StockLot, StockLocation)
        .join(StockLocation)
        .where((StockLot.item == item.id) & (StockLot.on_hand > 0))
    )
    if location_id is not None:
        query = query.where(StockLot.location == location_id)
    today, days = clock.today(), settings_row().near_expiry_days
    lots = sorted(query, key=lambda r: (r.expiry is None, r.expiry or today, r.id))
    return ItemLots(
        item.id,
        item.name,
        item.unit,
        item.on_hand,
        item.value_cents,
        [_lot_row(lot, item, today, days) for lot in lots],
    )


@reader("stock.read")
def location_lots(actor: StaffMember, location_id: int, limit: int = 500) -> list[LotRow]:
    """What is kept at one location (for counting it), by item name."""
    check_limit(limit)
    place = get_or_refuse(StockLocation, location_id, "storage location")
    query = (
        StockLot.select(StockLot, SupplyItem)
        .join(SupplyItem)
        .where((StockLot.location == place.id) & (StockLot.on_hand > 0))
        .order_by(SupplyItem.name, StockLot.expiry, StockLot.id)
        .limit(limit)
    )
    today, days = clock.today(), settings_row().near_expiry_days
    rows = []
    for lot in query:
        lot.location = place
        rows.append(_lot_row(lot, lot.item, today, days))
    return rows


@dataclass(frozen=True)
class ExpiryPage:
    days: int
    rows: list[LotRow]
    next_after: tuple | None  # (expiry, lot id) of the last row shown


@reader("stock.read")
def near_expiry(actor: StaffMember, after: tuple | None = None, limit: int = 100) -> ExpiryPage:
    """Stock expiring within the near-expiry days (setting, default 60), expired stock
    first, soonest first: a keyset page on (expiry, id)."""
    check_limit(limit)
    today = clock.today()
    days = settings_row().near_expiry_days
    horizon = today + dt.timedelta(days=days)
    query = (
        StockLot.select(StockLot, SupplyItem, StockLocation)
        .join(SupplyItem)
        .switch(StockLot)
        .join(StockLocation)
        .where(
            StockLot.expiry.is_null(False) & (StockLot.expiry <= horizon) & (StockLot.on_hand > 0)
        )
    )
    if after is not None:
        expiry, lot_id = after
        query = query.where(Tuple(StockLot.expiry, StockLot.id) > (expiry, lot_id))
    found = list(query.order_by(StockLot.expiry, StockLot.id).limit(limit + 1))
    rows = [_lot_row(lot, lot.item, today, days) for lot in found[:limit]]
    more = len(found) > limit
    return ExpiryPage(days, rows, (rows[-1].expiry, rows[-1].id) if more else None)


@reader("stock.read")
def near_expiry_count(actor: StaffMember) -> tuple[int, int]:
    """(lots expired, lots expiring within the setting's days) with stock on hand."""
    today = clock.today()
    horizon = today + dt.timedelta(days=settings_row().near_expiry_days)
    base = StockLot.select().where(StockLot.expiry.is_null(False) & (StockLot.on_hand > 0))
    gone = base.where(StockLot.expiry < today).count()
    soon = base.where((StockLot.expiry >= today) & (StockLot.expiry <= horizon)).count()
    return gone, soon


@writer("stock.write")
def set_near_expiry_days(actor: StaffMember, days: str | int, version: int | None = None) -> int:
    """How many days ahead the near-expiry worklist looks: 1 to 730."""
    text = str(days).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not 1 <= int(text) <= 730:
        raise ValidationError.one("days", "Days ahead: a whole number from 1 to 730.")
    row = settings_row()
    if version is not None and row.version != version:
        raise Conflict("The near-expiry setting was changed meanwhile; look again.")
    SupplySettings.update(near_expiry_days=int(text), version=SupplySettings.version + 1).where(
        SupplySettings.id == row.id
    ).execute()
    return int(text)


@dataclass(frozen=True)
class LocationRow:
    id: int
    name: str
    active: bool
    lots: int  # lots with stock kept there


@reader("stock.read")
def locations(actor: StaffMember) -> list[LocationRow]:
    """The storage locations, in use first, by name (a practice has a handful)."""
    rows = []
    for place in StockLocation.select().order_by(StockLocation.name).limit(200):
        held = (
            StockLot.select()
            .where((StockLot.location == place.id) & (StockLot.on_hand > 0))
            .count()
        )
        rows.append(LocationRow(place.id, place.name, place.active, held))
    return sorted(rows, key=lambda r: not r.active)


@writer("stock.write")
def add_location(actor: StaffMember, name: str) -> LocationRow:
    """A new storage location. Refuses a blank name or one already used."""
    name = " ".join(clean_text("name", name, max_len=40, required=True, label="Location").split())
    if StockLocation.select().where(StockLocation.name == name).exists():
        raise ValidationError.one("name", f"There is already a location called {name}.")
    place = StockLocation.create(name=name)
    return LocationRow(place.id, place.name, True, 0)


@writer("stock.write")
def retire_location(actor: StaffMember, location_id: int) -> LocationRow:
    """Stop using a location. Refuses one that still holds stock (transfer it first) and
    the last one in use."""
    place = get_or_refuse(StockLocation, location_id, "storage location")
    held = StockLot.select().where((StockLot.location == place.id) & (StockLot.on_hand > 0))
    if held.exists():
        raise ValidationError.one("location", f"{place.name} still holds stock: move it first.")
    in_use = StockLocation.select().where(StockLocation.active == True)  # noqa: E712
    if place.active and in_use.count() <= 1:
        raise ValidationError.one("location", "The last location in use cannot be retired.")
    StockLocation.update(active=False, version=StockLocation.version + 1).where(
        StockLocation.id == place.id
    ).execute()
    return LocationRow(place.id, place.name, False, 0)
