"""Inventory depth (issue 13 item 4): lots and locations, moving-average value, use first
expiring first (expired stock refused), transfers, cycle counts, the near-expiry worklist;
after every stock event the INVENTORY account equals the sum of the items' values and
each item's on hand equals the sum of its lots (tests/books_invariants.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moa_tui.db.database import db, write_transaction
from moa_tui.db.models import (
    Appointment,
    AuditEvent,
    StockLocation,
    StockLot,
    StockMovement,
    SupplyItem,
)
from moa_tui.services.books import accounts
from moa_tui.services.books.ledger import account_balance
from moa_tui.services.errors import NotFound, ValidationError
from moa_tui.services.supplies.counts import record_count
from moa_tui.services.supplies.inventory import adjust_stock, receive_stock, use_stock
from moa_tui.services.supplies.lots import (
    add_location,
    item_lots,
    locations,
    near_expiry,
    near_expiry_count,
    retire_location,
    set_near_expiry_days,
)
from moa_tui.services.supplies.usage import transfer_stock, use_at_visit, use_supplies
from moa_tui.services.supplies.valuation import cost_out, stock_in

from .books_invariants import check_inventory

TODAY = dt.date(2026, 11, 18)  # the frozen clinic clock's day


@pytest.fixture
def fresh(desk) -> SupplyItem:
    """A new item with nothing on hand (no earlier value to blur the arithmetic)."""
    return SupplyItem.create(sku="T-0001", name="Test swabs", unit="box of 10")


def _place(name: str) -> int:
    return StockLocation.get(StockLocation.name == name).id


def _lots(item_id: int) -> list[tuple]:
    return [
        (lot.lot_number, lot.expiry, lot.location.name, lot.on_hand)
        for lot in StockLot.select().where(StockLot.item == item_id).order_by(StockLot.id)
    ]


def _value(item_id: int) -> int:
    return SupplyItem.get_by_id(item_id).value_cents


def _written() -> tuple[int, int, int]:
    return (
        StockMovement.select().count(),
        StockLot.select().count(),
        account_balance(accounts.INVENTORY),
    )


def test_demo_stock_has_costs_lots_and_locations(desk):
    check_inventory()
    assert account_balance(accounts.INVENTORY) > 0
    names = {r.name for r in locations(desk)}
    assert {"Supply room", "Exam 1", "Exam 2", "Lab fridge"} <= names
    gone, soon = near_expiry_count(desk)
    assert gone >= 1 and soon >= 3
    held = SupplyItem.select().where(SupplyItem.on_hand > 0)
    assert held.count() > 20
    assert held.where(SupplyItem.value_cents <= 0).count() == 0
    assert SupplyItem.select().where(SupplyItem.last_cost_cents <= 0).count() == 0


def test_receive_posts_inventory_against_grni_at_a_lot_and_location(desk, fresh):
    grni = account_balance(accounts.GRNI)
    receive_stock(
        desk,
        fresh.id,
        "10",
        "Delivery",
        unit_cost="4.50",
        lot_number="A1",
        expiry="12/31/2027",
        location_id=_place("Exam 1"),
    )
    assert _lots(fresh.id) == [("A1", dt.date(2027, 12, 31), "Exam 1", 10)]
    assert _value(fresh.id) == 4500
    assert account_balance(accounts.GRNI) == grni - 4500  # a credit
    move = StockMovement.select().order_by(StockMovement.id.desc()).get()
    assert (move.kind, move.quantity, move.value_cents, move.source) == (
        "receive",
        10,
        4500,
        "by_hand",
    )
    check_inventory()


def test_stock_in_inside_another_services_transaction(desk, fresh):
    """What receiving against a purchase order does: stock_in in its own transaction,
    crediting the account it names; a refusal leaves nothing."""
    with write_transaction():
        move_id = stock_in(
            fresh.id,
            4,
            250,
            lot_number="B7",
            expiry=dt.date(2027, 3, 1),
            location_id=None,
            staff=desk,
            source="po_receipt",
            source_id=77,
            credit_account=accounts.AP,
            on=TODAY,
        )
    move = StockMovement.get_by_id(move_id)
    assert (move.source, move.source_id, move.value_cents) == ("po_receipt", 77, 1000)
    assert _lots(fresh.id) == [("B7", dt.date(2027, 3, 1), "Supply room", 4)]
    check_inventory()
    before = _written()
    with pytest.raises(ValidationError) as err:
        with write_transaction():
            stock_in(
                fresh.id,
                4,
                250,
                lot_number="B7",
                expiry=dt.date(2027, 4, 1),
                location_id=None,
                staff=desk,
                source="po_receipt",
                source_id=78,
                credit_account=accounts.AP,
                on=TODAY,
            )
    assert "on file with 03/01/2027" in str(err.value)
    assert _written() == before


def test_moving_average_cost_and_the_last_unit_takes_the_rest(desk, fresh):
    receive_stock(desk, fresh.id, "3", "Delivery", unit_cost="1.00")
    receive_stock(desk, fresh.id, "3", "Delivery", unit_cost="2.01")
    assert _value(fresh.id) == 903
    expense = account_balance(accounts.SUPPLIES_EXPENSE)
    used = use_supplies(desk, fresh.id, "1", "Room 1")
    assert used.cost_cents == cost_out(903, 6, 1) == 151  # 150.5 rounds half up
    used = use_supplies(desk, fresh.id, "5", "Room 1")
    assert used.cost_cents == 903 - 151  # the last units take what is left
    assert _value(fresh.id) == 0
    assert account_balance(accounts.SUPPLIES_EXPENSE) == expense + 903
    check_inventory()


def test_use_takes_the_first_expiring_lot_and_skips_expired(desk, fresh):
    for lot, expiry, qty in (
        ("LATE", "12/31/2027", 5),
        ("OLD", "11/01/2026", 5),
        ("SOON", "12/01/2026", 2),
        ("", "", 3),
    ):
        receive_stock(desk, fresh.id, qty, "Delivery", unit_cost="1", lot_number=lot, expiry=expiry)
    used = use_supplies(desk, fresh.id, "4", "Room 2")
    assert used.lots == ("SOON (Supply room)", "LATE (Supply room)")
    assert [row[3] for row in _lots(fresh.id)] == [3, 5, 0, 3]
    check_inventory()
    # 6 usable left (3 LATE + 3 without a date); the 5 expired are not used, and say so.
    with pytest.raises(ValidationError) as err:
        use_stock(desk, fresh.id, "7", "Room 2")
    assert "only 6 boxes of 10 usable; 5 units expired (lot OLD expired 11/01/2026)" in str(
        err.value
    )


def test_using_an_expired_lot_by_hand_is_refused(desk, fresh):
    receive_stock(
        desk, fresh.id, 5, "Delivery", unit_cost="1", lot_number="OLD", expiry="11/01/2026"
    )
    lot = StockLot.get(StockLot.item == fresh.id)
    before = _written()
    with pytest.raises(ValidationError) as err:
        use_supplies(desk, fresh.id, "1", "Room 2", lot_id=lot.id)
    assert "expired 11/01/2026" in err.value.errors["lot"]
    assert _written() == before


def test_using_at_a_location_not_on_file_is_refused_as_such(desk, fresh):
    """A location id nobody has (a stale screen, a forged call) is refused by name, not
    an unexpected error from the lookup that named it in the shortage message (found by
    test_fuzz_services: location_id=-1)."""
    receive_stock(desk, fresh.id, 5, "Delivery", unit_cost="1")
    before = _written()
    for location_id in (-1, 0, 987_654):
        with pytest.raises(NotFound, match="stock location"):
            use_supplies(desk, fresh.id, "1", "Room 2", location_id=location_id)
    assert _written() == before


def test_transfer_moves_units_not_value(desk, fresh):
    receive_stock(
        desk, fresh.id, 8, "Delivery", unit_cost="3", lot_number="T1", expiry="06/30/2027"
    )
    lot = StockLot.get(StockLot.item == fresh.id)
    inventory = account_balance(accounts.INVENTORY)
    moved = transfer_stock(desk, lot.id, "3", _place("Lab fridge"), "Cold storage")
    assert (moved.quantity, moved.to) == (3, "Lab fridge")
    assert _lots(fresh.id) == [
        ("T1", dt.date(2027, 6, 30), "Supply room", 5),
        ("T1", dt.date(2027, 6, 30), "Lab fridge", 3),
    ]
    assert _value(fresh.id) == 2400
    assert SupplyItem.get_by_id(fresh.id).on_hand == 8
    assert account_balance(accounts.INVENTORY) == inventory
    check_inventory()
    for args, field in (
        ((lot.id, "3", lot.location_id), "location"),
        ((lot.id, "9", _place("Exam 1")), "quantity"),
    ):
        before = _written()
        with pytest.raises(ValidationError) as err:
            transfer_stock(desk, *args)
        assert list(err.value.errors) == [field]
        assert _written() == before


def test_cycle_count_posts_differences_as_adjustments(desk, fresh):
    receive_stock(desk, fresh.id, 10, "Delivery", unit_cost="2", lot_number="C1")
    receive_stock(
        desk, fresh.id, 10, "Delivery", unit_cost="2", lot_number="C2", location_id=_place("Exam 2")
    )
    c1, c2 = (
        lot.id for lot in StockLot.select().where(StockLot.item == fresh.id).order_by(StockLot.id)
    )
    adj = account_balance(accounts.INVENTORY_ADJ)
    result = record_count(desk, {c1: "7", c2: "11"}, "Quarterly count")
    assert (result.rows, result.changed, result.units) == (2, 2, -2)
    assert result.value_cents == -600 + 200
    assert account_balance(accounts.INVENTORY_ADJ) == adj + 400  # shrinkage, a debit
    assert [row[3] for row in _lots(fresh.id)] == [7, 11]
    check_inventory()
    # One bad line: nothing written for the good one either.
    before = _written()
    with pytest.raises(ValidationError) as err:
        record_count(desk, {c1: "5", c2: "eleven"}, "Recount")
    assert list(err.value.errors) == [f"count_{c2}"]
    assert "C2 at Exam 2" in str(err.value)
    assert _written() == before
    with pytest.raises(ValidationError):
        record_count(desk, {c1: "5"}, "  ")
    assert _written() == before


def test_item_count_by_hand_goes_through_the_same_path(desk, fresh):
    receive_stock(desk, fresh.id, 4, "Delivery", unit_cost="5")
    adjust_stock(desk, fresh.id, "6", "Found a box")
    assert _value(fresh.id) == 3000  # found units at the average cost
    adjust_stock(desk, fresh.id, "1", "Damaged")
    assert _value(fresh.id) == 500
    check_inventory()


def test_supplies_used_at_a_visit(desk):
    visit = (
        Appointment.select()
        .where(Appointment.status.in_(("arrived", "roomed", "with_provider", "checked_out")))
        .order_by(Appointment.id)
        .first()
    )
    item = SupplyItem.get(SupplyItem.name == "Exam table paper")
    expense = account_balance(accounts.SUPPLIES_EXPENSE)
    used = use_at_visit(desk, visit.id, item.id, "1")
    move = StockMovement.select().order_by(StockMovement.id.desc()).get()
    assert (move.source, move.source_id, move.kind) == ("appointment", visit.id, "use")
    assert account_balance(accounts.SUPPLIES_EXPENSE) == expense + used.cost_cents > expense
    check_inventory()
    booked = Appointment.select().where(Appointment.status == "booked").first()
    with pytest.raises(ValidationError):
        use_at_visit(desk, booked.id, item.id, "1")


def test_near_expiry_worklist_expired_first_and_its_setting(desk):
    page = near_expiry(desk)
    assert page.days == 60
    expiries = [r.expiry for r in page.rows]
    assert expiries == sorted(expiries)
    assert page.rows[0].expired and not page.rows[-1].expired
    assert all(r.expiry <= TODAY + dt.timedelta(days=60) for r in page.rows)
    first = near_expiry(desk, limit=1)
    assert near_expiry(desk, after=first.next_after).rows == page.rows[1:]
    set_near_expiry_days(desk, "30")
    assert len(near_expiry(desk).rows) < len(page.rows)
    with pytest.raises(ValidationError):
        set_near_expiry_days(desk, "0")
    lots = item_lots(desk, page.rows[0].item_id)
    assert lots.rows[0].expired and lots.value_cents > 0


def test_locations_add_and_retire(desk, fresh):
    place = add_location(desk, "Exam 3")
    with pytest.raises(ValidationError):
        add_location(desk, "exam 3".replace("e", "E", 1))
    receive_stock(desk, fresh.id, 1, "Delivery", unit_cost="1", location_id=place.id)
    with pytest.raises(ValidationError) as err:
        retire_location(desk, place.id)
    assert "still holds stock" in str(err.value)
    lot = StockLot.get(StockLot.item == fresh.id)
    transfer_stock(desk, lot.id, "1", _place("Supply room"))
    assert not retire_location(desk, place.id).active
    with pytest.raises(ValidationError):
        receive_stock(desk, fresh.id, 1, "Delivery", unit_cost="1", location_id=place.id)
    assert AuditEvent.select().where(AuditEvent.action == "stock.transfer").count() == 2


# --- random sequences keep the tie -----------------------------------------------------

_LOTS = (("H1", "01/31/2027"), ("H2", "11/10/2026"), ("", ""))  # H2 has expired
_PLACES = ("Supply room", "Exam 1", "Lab fridge")
_op = st.one_of(
    st.tuples(
        st.just("receive"),
        st.integers(1, 40),
        st.integers(0, 5000),
        st.integers(0, 2),
        st.integers(0, 2),
    ),
    st.tuples(st.just("use"), st.integers(1, 30)),
    st.tuples(st.just("transfer"), st.integers(0, 9), st.integers(1, 20), st.integers(0, 2)),
    st.tuples(st.just("count"), st.integers(0, 9), st.integers(0, 50)),
    st.tuples(st.just("adjust"), st.integers(0, 60)),
)


def _apply(desk, item_id: int, op: tuple) -> None:
    kind, *args = op
    lots = list(StockLot.select().where(StockLot.item == item_id).order_by(StockLot.id))
    if kind == "receive":
        qty, cents, lot, place = args
        number, expiry = _LOTS[lot]
        receive_stock(
            desk,
            item_id,
            qty,
            "Delivery",
            unit_cost=f"{cents / 100:.2f}",
            lot_number=number,
            expiry=expiry,
            location_id=_place(_PLACES[place]),
        )
    elif kind == "use":
        use_stock(desk, item_id, args[0], "Used")
    elif kind == "adjust":
        adjust_stock(desk, item_id, args[0], "Count")
    elif lots and kind == "transfer":
        pick, qty, place = args
        transfer_stock(desk, lots[pick % len(lots)].id, qty, _place(_PLACES[place]))
    elif lots:
        pick, counted = args
        record_count(desk, {lots[pick % len(lots)].id: counted}, "Cycle count")


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(ops=st.lists(_op, min_size=1, max_size=12))
def test_random_stock_sequences_keep_inventory_tied(desk, ops):
    with db.atomic() as txn:  # each example leaves the database as it found it
        item = SupplyItem.create(sku="H-0001", name="Hypothesis gauze", unit="each")
        for op in ops:
            before = _written()
            try:
                _apply(desk, item.id, op)
            except ValidationError:
                assert _written() == before  # a refusal writes nothing
            check_inventory()
            held = SupplyItem.get_by_id(item.id)
            assert held.on_hand >= 0 and held.value_cents >= 0
        txn.rollback()
