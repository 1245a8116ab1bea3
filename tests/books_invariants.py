"""The books' invariants, checked after events by the books and supplies tests."""

from __future__ import annotations

from peewee import fn

from moa_tui.db.models import StockLot, SupplyItem
from moa_tui.services.books import accounts
from moa_tui.services.books.ledger import account_balance


def check_inventory() -> None:
    """INVENTORY (1200) equals the sum of the items' stock values (moving average cost),
    and each item's on hand equals the sum of its lots at every location, no lot below 0."""
    values = SupplyItem.select(fn.COALESCE(fn.SUM(SupplyItem.value_cents), 0)).scalar()
    assert account_balance(accounts.INVENTORY) == values
    by_lots = dict(
        StockLot.select(StockLot.item, fn.SUM(StockLot.on_hand)).group_by(StockLot.item).tuples()
    )
    for item_id, on_hand, value in SupplyItem.select(
        SupplyItem.id, SupplyItem.on_hand, SupplyItem.value_cents
    ).tuples():
        assert by_lots.get(item_id, 0) == on_hand, item_id
        assert value >= 0 and (on_hand > 0 or value == 0), item_id
    assert not StockLot.select().where(StockLot.on_hand < 0).exists()
