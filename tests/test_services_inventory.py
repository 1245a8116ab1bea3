"""Supplies: every receive, use and count adjustment is one stock movement, and bad input
writes nothing."""

from __future__ import annotations

import pytest

from moa_tui.db.models import AuditEvent, StockMovement, SupplyItem
from moa_tui.services.errors import ServiceError, ValidationError
from moa_tui.services.supplies.inventory import (
    adjust_stock,
    low_stock_count,
    receive_stock,
    stock_page,
    use_stock,
)


@pytest.fixture
def item(desk) -> SupplyItem:
    """A demo item with a comfortable amount on hand."""
    found = (
        SupplyItem.select()
        .where(SupplyItem.on_hand >= 10)
        .order_by(SupplyItem.name, SupplyItem.id)
        .first()
    )
    assert found is not None
    return found


def _counts() -> tuple[int, int]:
    return StockMovement.select().count(), AuditEvent.select().where(
        AuditEvent.outcome == "ok"
    ).count()


def _state(item_id: int) -> dict:
    return SupplyItem.select().where(SupplyItem.id == item_id).dicts().get()


def _last_movement() -> StockMovement:
    return StockMovement.select().order_by(StockMovement.id.desc()).get()


def _last_audit() -> AuditEvent:
    return AuditEvent.select().order_by(AuditEvent.id.desc()).get()


def _check_one_movement(desk, item, counts, kind, delta, reason):
    on_hand = item.on_hand + delta
    assert _counts() == (counts[0] + 1, counts[1] + 1)
    move = _last_movement()
    assert move.item_id == item.id
    assert move.kind == kind
    assert move.quantity == delta
    assert move.on_hand_after == on_hand
    assert move.reason == reason
    assert move.staff_id == desk.id
    stored = SupplyItem.get_by_id(item.id)
    assert stored.on_hand == on_hand
    assert stored.version == item.version + 1
    event = _last_audit()
    assert event.action == f"stock.{kind}"
    assert (event.entity, event.entity_id, event.staff_id) == ("supply_item", item.id, desk.id)
    assert event.patient_id is None
    assert f"{delta:+d} -> {on_hand}" in event.detail


# --- the three movements -------------------------------------------------------------


def test_receive_stock(desk, item):
    counts = _counts()
    row = receive_stock(desk, item.id, "12", "PO 4471 delivered")
    assert row.on_hand == item.on_hand + 12
    assert row.version == item.version + 1
    _check_one_movement(desk, item, counts, "receive", 12, "PO 4471 delivered")


def test_receive_stock_with_thousands_separator_and_int(desk, item):
    row = receive_stock(desk, item.id, "1,200", "Annual order")
    assert row.on_hand == item.on_hand + 1200
    row = receive_stock(desk, item.id, 5, "Top-up")
    assert row.on_hand == item.on_hand + 1205


def test_use_stock(desk, item):
    counts = _counts()
    row = use_stock(desk, item.id, "3", "Room 2 restock")
    assert row.on_hand == item.on_hand - 3
    _check_one_movement(desk, item, counts, "use", -3, "Room 2 restock")


def test_use_everything_on_hand(desk, item):
    row = use_stock(desk, item.id, str(item.on_hand), "Recall: lot discarded")
    assert row.on_hand == 0
    assert row.low
    assert _last_movement().on_hand_after == 0


@pytest.mark.parametrize("delta", [-4, +7])
def test_adjust_stock_records_the_difference(desk, item, delta):
    counts = _counts()
    counted = item.on_hand + delta
    row = adjust_stock(desk, item.id, str(counted), "Shelf count")
    assert row.on_hand == counted
    _check_one_movement(desk, item, counts, "adjust", delta, "Shelf count")


def test_adjust_stock_to_zero(desk, item):
    counts = _counts()
    row = adjust_stock(desk, item.id, "0", "Expired, discarded")
    assert row.on_hand == 0
    _check_one_movement(desk, item, counts, "adjust", -item.on_hand, "Expired, discarded")


def test_movements_add_up_to_on_hand(desk, item):
    receive_stock(desk, item.id, "10", "Delivery")
    use_stock(desk, item.id, "4", "Used")
    adjust_stock(desk, item.id, "2", "Count")
    moves = list(item.movements.order_by(StockMovement.id))
    assert sum(m.quantity for m in moves) == SupplyItem.get_by_id(item.id).on_hand == 2
    assert [m.on_hand_after for m in moves[-3:]] == [item.on_hand + 10, item.on_hand + 6, 2]


# --- refusals: nothing written -------------------------------------------------------


def _refused(call, item, field: str) -> ValidationError:
    before, counts = _state(item.id), _counts()
    with pytest.raises(ValidationError) as err:
        call()
    assert list(err.value.errors) == [field]
    assert _state(item.id) == before
    assert _counts() == counts
    return err.value


def test_use_more_than_on_hand_is_refused(desk, item):
    err = _refused(
        lambda: use_stock(desk, item.id, str(item.on_hand + 1), "Too many"), item, "quantity"
    )
    assert f"only {item.on_hand} " in err.errors["quantity"]


BAD_QUANTITIES = ["-3", -3, "0", 0, "abc", "1.5", "", "   ", None, "+3", "3e2", "1 000", "２"]


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
@pytest.mark.parametrize("job", [receive_stock, use_stock], ids=["receive", "use"])
def test_bad_quantity_is_refused(desk, item, job, quantity):
    _refused(lambda: job(desk, item.id, quantity, "A reason"), item, "quantity")


@pytest.mark.parametrize("counted", ["-3", -3, "abc", "1.5", "", "   ", None])
def test_adjust_bad_count_is_refused(desk, item, counted):
    _refused(lambda: adjust_stock(desk, item.id, counted, "Shelf count"), item, "quantity")


def test_adjust_to_the_same_count_is_refused(desk, item):
    err = _refused(
        lambda: adjust_stock(desk, item.id, str(item.on_hand), "Shelf count"), item, "quantity"
    )
    assert "already" in err.errors["quantity"]


def test_negative_quantity_message(desk, item):
    err = _refused(lambda: receive_stock(desk, item.id, "-3", "Return"), item, "quantity")
    assert "negative" in err.errors["quantity"]


@pytest.mark.parametrize("reason", ["", "   ", None])
@pytest.mark.parametrize(
    "job, quantity",
    [(receive_stock, "5"), (use_stock, "1"), (adjust_stock, "0")],
    ids=["receive", "use", "adjust"],
)
def test_blank_reason_is_refused(desk, item, job, quantity, reason):
    err = _refused(lambda: job(desk, item.id, quantity, reason), item, "reason")
    assert "required" in err.errors["reason"]


def test_reason_with_escape_sequence_is_refused(desk, item):
    _refused(lambda: receive_stock(desk, item.id, "5", "\x1b]52;c;evil\x07"), item, "reason")


def test_unknown_item_is_refused(desk):
    counts = _counts()
    with pytest.raises(ServiceError, match="no longer exists"):
        receive_stock(desk, 10_000_000, "5", "Delivery")
    assert _counts() == counts


# --- stock_page ----------------------------------------------------------------------


def test_stock_page_low_only(desk):
    low = stock_page(desk, low_only=True, limit=1000).rows
    expected = {i.id for i in SupplyItem.select() if i.on_hand <= i.reorder_point}
    assert low and len(expected) < SupplyItem.select().count()
    assert {r.id for r in low} == expected
    assert all(r.on_hand <= r.reorder_point and r.low for r in low)
    assert len(low) == low_stock_count(desk)


def test_stock_page_low_only_follows_use(desk, item):
    assert item.id not in {r.id for r in stock_page(desk, low_only=True, limit=1000).rows}
    before = low_stock_count(desk)
    use_stock(desk, item.id, str(item.on_hand - item.reorder_point), "Big clinic day")
    low = stock_page(desk, low_only=True, limit=1000).rows
    assert item.id in {r.id for r in low}
    assert low_stock_count(desk) == before + 1


def test_stock_page_everything_in_name_order(desk):
    page = stock_page(desk, limit=1000)
    assert len(page.rows) == SupplyItem.select().count() == 60
    assert page.next_after is None
    keys = [(r.name, r.id) for r in page.rows]
    assert keys == sorted(keys)


@pytest.mark.parametrize("low_only", [False, True])
@pytest.mark.parametrize("limit", [7, 1])
def test_stock_keyset_paging_visits_every_item_once(desk, low_only, limit):
    ids, after, pages = [], None, 0
    while True:
        page = stock_page(desk, low_only=low_only, after=after, limit=limit)
        assert len(page.rows) <= limit
        ids.extend(r.id for r in page.rows)
        pages += 1
        assert pages < 500
        if page.next_after is None:
            break
        assert len(page.rows) == limit
        after = page.next_after
    whole = [r.id for r in stock_page(desk, low_only=low_only, limit=1000).rows]
    assert len(ids) == len(set(ids))
    assert ids == whole
    query = SupplyItem.select()
    if low_only:
        query = query.where(SupplyItem.on_hand <= SupplyItem.reorder_point)
    assert len(ids) == query.count()


def test_stock_keyset_paging_with_duplicate_names(desk):
    # Two items may share a name; paging must break the tie by id, not skip one.
    first = SupplyItem.select().order_by(SupplyItem.name).first()
    for n in range(5):
        SupplyItem.create(sku=f"DUP-{n}", name=first.name, unit="each", on_hand=1)
    ids, after = [], None
    while True:
        page = stock_page(desk, after=after, limit=2)
        ids.extend(r.id for r in page.rows)
        if page.next_after is None:
            break
        after = page.next_after
    assert sorted(ids) == sorted(i.id for i in SupplyItem.select())
