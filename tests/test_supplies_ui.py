"""The supplies screens at 80x24 by keys alone: receive into a lot, an item's lots (move,
use, count), the near-expiry worklist (discard, days ahead), the locations (add, count
one), and the check-out's supplies-used step; the INVENTORY tie holds after each."""

from __future__ import annotations

from peewee import fn

from moa_tui.cli import make_app
from moa_tui.db.models import StockLocation, StockLot, StockMovement, SupplyItem
from moa_tui.screens.frontdesk.check_out import CheckOutScreen
from moa_tui.screens.frontdesk.flow_board import QueueScreen
from moa_tui.screens.supplies.count import CountScreen
from moa_tui.screens.supplies.expiry import NearExpiryScreen
from moa_tui.screens.supplies.locations import LocationsScreen
from moa_tui.screens.supplies.lots import ItemLotsScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.form import FormDialog

from .books_invariants import check_inventory
from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)


def _two_lots() -> SupplyItem:
    """An item kept in two lots, the first of them not expired."""
    held = (
        StockLot.select(StockLot.item)
        .where(StockLot.on_hand > 0)
        .group_by(StockLot.item)
        .having(fn.COUNT(StockLot.id) == 2)
    )
    for item in SupplyItem.select().where(SupplyItem.id.in_(held)).order_by(SupplyItem.id):
        first = StockLot.select().where(StockLot.item == item.id).order_by(StockLot.expiry).get()
        if first.expiry is None or first.expiry.year >= 2027:
            return item
    raise AssertionError("the demo has an item in two lots")


async def _open_stock(pilot, app, name: str) -> None:
    await pilot.press("f6")
    await settle(pilot)
    move_to_row(app, lambda row: row[1] == name)


def _message(app) -> str:
    return static_text(app, "#message")


async def test_receive_into_a_lot_at_a_cost(demo_db):
    gloves = SupplyItem.get(SupplyItem.name == "Exam gloves nitrile L")
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await _open_stock(pilot, app, gloves.name)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#cost").value = ""
        await pilot.press("1", "0", "enter", *"7.25", "enter", *"G-77", "enter")
        await pilot.press(*"12/31/2027", "ctrl+s")
        await settle(pilot)
        assert "on hand" in _message(app)
    lot = StockLot.get((StockLot.item == gloves.id) & (StockLot.lot_number == "G-77"))
    assert (lot.on_hand, str(lot.expiry), lot.location.name) == (10, "2027-12-31", "Supply room")
    move = StockMovement.select().order_by(StockMovement.id.desc()).get()
    assert (move.value_cents, move.reason) == (7250, "Delivery received")
    check_inventory()


async def test_an_items_lots_move_use_and_count(demo_db):
    item = _two_lots()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await _open_stock(pilot, app, item.name)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ItemLotsScreen)
        assert "moving average cost" in static_text(app, "#lots-summary")
        rows = table_rows(app)
        assert len(rows) == 2
        first = StockLot.select().where(StockLot.item == item.id).order_by(StockLot.expiry).get()
        # m: move 1 unit of the first lot to the location offered first.
        await pilot.press("m")
        await settle(pilot)
        app.screen.query_one("#quantity").value = "1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"Moved 1 of {item.name}" in _message(app)
        assert len(table_rows(app)) == 3
        assert StockLot.get_by_id(first.id).on_hand == first.on_hand - 1
        # u: use 1 from the lot under the cursor.
        await pilot.press("u", "1", "ctrl+s")
        await settle(pilot)
        assert f"Used 1 of {item.name}" in _message(app)
        # c: count the lots; the first is 1 short, the second as on file.
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CountScreen)
        first_row = app.screen.lots[0]
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*str(first_row.on_hand - 1), "enter")
        await settle(pilot)
        await pilot.press("enter", *str(app.screen.lots[1].on_hand), "enter")
        await settle(pilot)
        assert "2 of 3 lots counted, 1 difference" in static_text(app, "#count-summary")
        await pilot.press("p", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemLotsScreen)
        assert "2 lots counted; 1 difference (-1 units)" in _message(app)
    assert SupplyItem.get_by_id(item.id).on_hand == item.on_hand - 2
    check_inventory()


async def test_near_expiry_worklist_discard_and_days(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        assert "1 expired, 3 expiring (e)" in static_text(app, "#stock-summary")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, NearExpiryScreen)
        rows = table_rows(app)
        assert rows[0][1] == "EXPIRED" and {r[1] for r in rows[1:]} == {"soon"}
        expired = app.screen.selected()
        # Using it is refused, from the item's lots.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemLotsScreen)
        move_to_row(app, lambda row: row[0] == expired.lot_number and row[3] == expired.location)
        await pilot.press("u", "1", "ctrl+s")
        await settle(pilot)
        assert "expired stock is not used" in static_text(app, "#dialog-message")
        await pilot.press("escape", "escape")
        await settle(pilot)
        # d: discard it (counted out to 0, an adjustment).
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "1 difference" in _message(app)
        assert StockLot.get_by_id(expired.id).on_hand == 0
        assert "EXPIRED" not in {r[1] for r in table_rows(app)}
        # n: look 30 days ahead.
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#days").value = "30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "within 30 days" in static_text(app, "#expiry-summary")
        assert len(table_rows(app)) < len(rows) - 1
    check_inventory()


async def test_locations_add_and_count_one(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, LocationsScreen)
        await pilot.press("a", *"Exam 3", "enter")
        await settle(pilot)
        assert "Exam 3 added." in _message(app)
        assert "Exam 3" in [r[0] for r in table_rows(app)]
        move_to_row(app, lambda row: row[0] == "Lab fridge")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CountScreen)
        await pilot.press("p")
        await settle(pilot)
        assert "Nothing counted yet" in _message(app)
        for lot in app.screen.lots:
            await pilot.press("enter", *str(lot.on_hand), "enter")
            await settle(pilot)
        await pilot.press("p", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LocationsScreen)
        assert "every count matched" in _message(app)
    assert StockLocation.select().where(StockLocation.name == "Exam 3").exists()
    check_inventory()


async def test_supplies_used_at_check_out(demo_db):
    paper = SupplyItem.get(SupplyItem.name == "Exam table paper")
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        ready = next(r for r in app.screen.rows.values() if r.row.status == "ready_checkout")
        move_to_row(app, lambda row: row[1] == ready.row.patient)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CheckOutScreen)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"gloves", "enter", "ctrl+s")
        await settle(pilot)
        assert "items match: type more" in str(app.screen.query_one("#error-item").content)
        app.screen.query_one("#item").value = "table paper"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "1 x Exam table paper used at this visit." in _message(app)
    move = StockMovement.select().order_by(StockMovement.id.desc()).get()
    assert (move.item_id, move.source, move.source_id) == (paper.id, "appointment", ready.row.id)
    check_inventory()
