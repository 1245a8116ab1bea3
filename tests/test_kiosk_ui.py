"""The self check-in kiosk and the waiting-room display, driven by keys at 80x24."""

from __future__ import annotations

import time

from moa_tui.cli import make_kiosk_app
from moa_tui.db.models import Appointment, Patient
from moa_tui.kiosk import KioskScreen, StaffExitScreen, WaitingRoomScreen
from moa_tui.screens.security.signin import LoginScreen
from moa_tui.services import clock
from moa_tui.services.scheduling.schedule import day_schedule
from moa_tui.services.security.staff import find_staff

from .conftest import DEMO_PASSWORD
from .ui_helpers import settle, static_text

SIZE = (80, 24)


def unique_booked_patient():
    desk = find_staff("desk")
    for row in day_schedule(desk, clock.today()):
        if row.status != "booked":
            continue
        p = Patient.get_by_id(row.patient_id)
        same = Patient.select().where((Patient.last_key == p.last_key) & (Patient.dob == p.dob))
        if same.count() == 1:
            return row, p
    raise AssertionError("no unique patient booked today")


def everything_shown(app) -> str:
    return "\n".join(str(w.content) for w in app.screen.query("Static"))


async def test_a_patient_checks_in_at_the_kiosk(demo_db):
    row, patient = unique_booked_patient()
    others = [p for p in Patient.select().where(Patient.id != patient.id).limit(200)]
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KioskScreen)
        # A burst of keys, as from a fast typist: each lands in its own field.
        await pilot.press(*patient.last_name, "enter", *f"{patient.dob:%m/%d/%Y}", "enter", "enter")
        await settle(pilot)
        shown = everything_shown(app)
        assert patient.first_name in shown and f"{row.starts_at:%M}" in shown
        assert not any(f"{p.first_name} {p.last_name}" in shown for p in others)
        await pilot.press("y")
        await settle(pilot)
        assert "Please have a seat" in static_text(app, "#kiosk-text")
    assert Appointment.get_by_id(row.id).status == "arrived"


async def test_no_match_gets_one_neutral_message(demo_db):
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"Nobody", "enter", *"01/01/1970", "enter", "enter")
        await settle(pilot)
        assert "please see the front desk" in static_text(app, "#dialog-message").lower()


async def test_the_kiosk_cannot_be_left_without_a_staff_password(demo_db):
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("f2", "f4", "ctrl+p", "f1", "escape"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, KioskScreen), key
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, StaffExitScreen)
        # The kiosk's own account does not open it, nor does a wrong password.
        await pilot.press(*"kiosk", "enter", *DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffExitScreen)
        assert app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KioskScreen)
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press(*"manager", "enter", *DEMO_PASSWORD, "enter")
        await settle(pilot)
    assert app.return_code == 0


async def test_the_kiosk_forgets_everything_after_a_minute_idle(demo_db):
    row, patient = unique_booked_patient()
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*patient.last_name, "enter", *f"{patient.dob:%m/%d/%Y}", "enter", "enter")
        await settle(pilot)
        assert patient.first_name in everything_shown(app)
        app._last_input = time.monotonic() - 61
        app._check_idle()
        await settle(pilot)
        assert patient.first_name not in everything_shown(app)
        assert app.screen.query_one("#last_name").value == ""
    assert Appointment.get_by_id(row.id).status == "booked"


async def test_the_kiosk_starts_at_a_sign_in_for_its_own_account(demo_db):
    app = make_kiosk_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#username").value == "kiosk"
        await pilot.press(*DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskScreen)


async def test_waiting_room_shows_tickets_only(demo_db):
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"), waiting_room=True)
    names = {p.last_name for p in Patient.select()}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WaitingRoomScreen)
        board = static_text(app, "#board")
        assert "Please wait" in board or "Being seen" in board
        assert not any(name in board for name in names)
