"""Sign-in screens at 80x24: the kiosk's staff exit cannot lock anyone out, and a second
Enter while a password is being checked is one attempt, not two."""

from __future__ import annotations

import threading

import pytest

from moa_tui.cli import make_app, make_kiosk_app
from moa_tui.db.models import AuditEvent, StaffMember
from moa_tui.kiosk import KioskScreen, StaffExitScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.screens.security.signin import ChangePasswordScreen, LockScreen, LoginScreen
from moa_tui.services.security import security
from moa_tui.services.security.security import authenticate
from moa_tui.services.security.staff import find_staff

from .conftest import DEMO_PASSWORD
from .ui_helpers import settle, static_text

SIZE = (80, 24)


def _attempts(action: str = "signin") -> int:
    return AuditEvent.select().where(AuditEvent.action == action).count()


class HeldHasher:
    """The real hasher, but each verify waits until the test lets it go: the first Enter
    is still being checked when the second one arrives."""

    def __init__(self, real):
        self.real = real
        self.go = threading.Event()
        self.verifies = 0

    def verify(self, stored, password):
        self.verifies += 1
        self.go.wait(10)
        return self.real.verify(stored, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def held(monkeypatch):
    hasher = HeldHasher(security._hasher)
    monkeypatch.setattr(security, "_hasher", hasher)
    yield hasher
    hasher.go.set()


async def test_five_wrong_passwords_at_the_kiosk_lock_no_one(demo_db, sign_in_waits):
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, StaffExitScreen)
        await pilot.press(*"manager", "enter")
        for attempt in range(6):
            await pilot.press(*f"guess number {attempt}", "enter")
            await settle(pilot)
            assert static_text(app, "#dialog-message") == "Wrong username or password."
            assert app.screen.query_one("#password").value == ""
        assert isinstance(app.screen, StaffExitScreen) and app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KioskScreen)
    manager = StaffMember.get(StaffMember.username == "manager")
    assert manager.failed_attempts == 0 and manager.locked_until is None
    assert sign_in_waits == [1, 2, 4, 8]  # slowed instead
    assert authenticate("manager", DEMO_PASSWORD).username == "manager"  # at the desk


async def test_a_second_enter_at_the_kiosk_exit_is_one_attempt(demo_db, held):
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        before = _attempts()
        await pilot.press(*"manager", "enter", *"a wrong guess", "enter", "enter", "enter")
        held.go.set()
        await settle(pilot)
        assert _attempts() == before + 1 and held.verifies == 1
        assert "Wrong username or password" in static_text(app, "#dialog-message")


async def test_a_second_enter_at_sign_in_is_one_attempt(demo_db, held):
    app = make_app(demo_db, "desk")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        before = _attempts()
        await pilot.press(*"a wrong guess", "enter", "enter")
        assert static_text(app, "#dialog-message") == "Checking…"
        held.go.set()
        await settle(pilot)
        assert _attempts() == before + 1 and held.verifies == 1
        await pilot.press(*DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)


async def test_a_second_enter_at_the_lock_screen_is_one_attempt(demo_db, held):
    held.go.set()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.idle_seconds = 0
        app._check_idle()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        held.go.clear()
        before = _attempts()
        await pilot.press(*"a wrong guess", "enter", "enter")
        held.go.set()
        await settle(pilot)
        assert _attempts() == before + 1 and held.verifies == 1


async def test_a_second_enter_when_changing_the_password_is_one_change(demo_db, held):
    held.go.set()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ChangePasswordScreen)
        held.go.clear()
        before = _attempts("password.change")
        await pilot.press(*"a wrong guess", "enter", *"fresh meadow lantern", "enter")
        await pilot.press(*"fresh meadow lantern", "enter", "enter")
        held.go.set()
        await settle(pilot)
        assert _attempts("password.change") == before + 1 and held.verifies == 1
    assert StaffMember.get(StaffMember.username == "desk").failed_attempts == 1


async def test_a_weak_new_password_shows_zxcvbn_advice_by_the_field(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*DEMO_PASSWORD, "enter", *"Passw0rd!!", "enter", *"Passw0rd!!", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChangePasswordScreen)
        advice = str(app.screen.query_one("#error-new").content)
        assert "commonly used password" in advice and "Add another word" in advice
