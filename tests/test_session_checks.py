"""The signed-in account is checked on every service call, not once at sign-in: a
deactivation, a lock or a new role made on another connection stops the open terminal at
its next call, which is refused, audited as refused, and signs the terminal out."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing

import pytest

from moa_tui.cli import make_app
from moa_tui.db.database import db
from moa_tui.db.models import AuditEvent, Patient, StaffMember, SupplyItem
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.screens.security.signin import LoginScreen
from moa_tui.services import clock
from moa_tui.services.core import SessionEnded
from moa_tui.services.patients.patients import open_patient, search_patients
from moa_tui.services.security.staff import find_staff, set_staff_active
from moa_tui.services.supplies.inventory import receive_stock

from .conftest import DEMO_PASSWORD
from .ui_helpers import settle, static_text


def _elsewhere(path, sql: str, *params) -> None:
    """Another terminal's connection (its own sqlite3 connection to the same file)."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(sql, params)
        conn.commit()


def _refusals(staff_id: int) -> list[AuditEvent]:
    with db.connection_context():
        return list(
            AuditEvent.select()
            .where((AuditEvent.staff == staff_id) & (AuditEvent.outcome == "refused"))
            .order_by(AuditEvent.id)
        )


def _one_item_and_patient() -> tuple[int, int]:
    with db.connection_context():
        return SupplyItem.select().first().id, Patient.select().first().id


CHANGES = {
    "deactivated": ("UPDATE staff_member SET active = 0 WHERE username = 'desk'", "deactivated"),
    "locked": (
        "UPDATE staff_member SET locked_until = '2026-11-18 23:00:00' WHERE username = 'desk'",
        "locked",
    ),
    "demoted": ("UPDATE staff_member SET role = 'clinician' WHERE username = 'desk'", "role"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_on_another_connection_stops_the_next_call(demo_db, change):
    desk = find_staff("desk")
    item_id, patient_id = _one_item_and_patient()
    # Works while the account is as it signed in.
    receive_stock(desk, item_id, "2", "delivery")
    before = len(_refusals(desk.id))

    sql, words = CHANGES[change]
    _elsewhere(demo_db, sql)

    for call in (
        lambda: receive_stock(desk, item_id, "2", "delivery"),
        lambda: open_patient(desk, patient_id),
        lambda: search_patients(desk, "a"),
    ):
        with pytest.raises(SessionEnded, match=words):
            call()
    refusals = _refusals(desk.id)[before:]
    assert [e.action for e in refusals] == ["receive_stock", "open_patient", "search_patients"]
    # Nothing was written for the refused account but the refusals themselves.
    with db.connection_context():
        assert (
            not AuditEvent.select()
            .where(
                (AuditEvent.staff == desk.id)
                & (AuditEvent.action == "patient.open")
                & (AuditEvent.at >= clock.now_utc() - dt.timedelta(minutes=1))
            )
            .exists()
        )


def test_the_role_in_force_is_the_stored_one(demo_db):
    """A demoted account signing in again gets its new role's permissions only."""
    desk = find_staff("desk")
    _elsewhere(demo_db, "UPDATE staff_member SET role = 'billing' WHERE username = 'desk'")
    again = find_staff("desk")
    item_id, _ = _one_item_and_patient()
    with pytest.raises(Exception, match="Billing staff cannot change stock"):
        receive_stock(again, item_id, "1", "delivery")
    with pytest.raises(SessionEnded):
        receive_stock(desk, item_id, "1", "delivery")


async def test_the_open_terminal_is_signed_out_with_the_reason(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        manager = find_staff("manager")
        with db.connection_context():
            desk = StaffMember.get(StaffMember.username == "desk")
        set_staff_active(manager, desk.id, desk.version, False)
        # The next thing the desk does that reaches a service (F4 fetches the patients
        # list) signs the terminal out.
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
        hint = static_text(app, ".hint")
        assert "deactivated" in hint
        # The app's own line breaks are line breaks, not a control picture.
        assert "\u240a" not in hint and "\n" in hint
        # No area key works until someone signs in again.
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        # Once reactivated, the same terminal signs in again to freshly built areas.
        with db.connection_context():
            desk = StaffMember.get(StaffMember.username == "desk")
        set_staff_active(manager, desk.id, desk.version, True)
        await pilot.press(*DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert app.actor.username == "desk"
