"""Intake items per visit type: the service and the screen."""

from __future__ import annotations

import pytest

from moa_tui.cli import make_app
from moa_tui.db.models import IntakeItem, TypeIntakeItem
from moa_tui.screens.scheduling.intake import IntakeScreen
from moa_tui.services import clock
from moa_tui.services.errors import ValidationError
from moa_tui.services.frontdesk.frontdesk import visit_desk
from moa_tui.services.frontdesk.intake import list_intake_items, save_intake_item
from moa_tui.services.scheduling.schedule import day_schedule
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle


def test_a_new_item_for_every_visit_is_due_at_check_in(desk):
    row = save_intake_item(
        find_staff("manager"),
        None,
        {"name": "Medication list reviewed", "every": "visit", "types": "all"},
    )
    assert row.every == "visit" and len(row.type_ids) == 5
    booked = next(r for r in day_schedule(desk, clock.today()) if r.status == "booked")
    assert "Medication list reviewed" in [name for _id, name in visit_desk(desk, booked.id).missing]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": ""}, "name"),
        ({"name": "X", "types": "Massage"}, "types"),
        ({"name": "X", "every": "daily"}, "every"),
        ({"name": "Privacy notice acknowledged"}, "name"),
    ],
)
def test_bad_items_are_refused_and_write_nothing(desk, data, field):
    before = (IntakeItem.select().count(), TypeIntakeItem.select().count())
    with pytest.raises(ValidationError) as refused:
        save_intake_item(find_staff("manager"), None, data)
    assert field in refused.value.errors
    assert (IntakeItem.select().count(), TypeIntakeItem.select().count()) == before


def test_front_desk_cannot_change_intake_items(desk):
    with pytest.raises(PermissionDenied):
        save_intake_item(desk, None, {"name": "X"})
    assert list_intake_items(desk)  # but may read them


async def test_manager_limits_an_item_to_one_visit_type(demo_db):
    item = IntakeItem.get(IntakeItem.name == "ID and insurance card copied")
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        table = app.screen.query_one("#intake-table")
        table.move_cursor(row=list(app.screen.rows).index(str(item.id)))
        await pilot.press("enter")
        await settle(pilot)
        types = app.screen.query_one("#types")
        types.value = "New patient"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
    linked = [t.appt_type.name for t in TypeIntakeItem.select().where(TypeIntakeItem.item == item)]
    assert linked == ["New patient"]
