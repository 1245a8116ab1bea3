"""Sign-in, the idle lock, role-aware screens, the audit area, emergency access and staff
accounts, driven by key presses at 80x24."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.models import Appointment, AuditEvent, Patient, StaffMember
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.screens.security.audit import AuditScreen
from moa_tui.screens.security.signin import ChangePasswordScreen, LockScreen, LoginScreen
from moa_tui.screens.security.staff import StaffScreen
from moa_tui.services.patients.patients import open_patient, set_patient_restricted
from moa_tui.services.security.staff import create_staff, find_staff
from moa_tui.widgets.form import FormDialog

from .conftest import DEMO_PASSWORD
from .ui_helpers import move_to_row, settle, static_text

SIZE = (80, 24)


def signed_in(demo_db, user: str):
    return make_app(demo_db, actor=find_staff(user))


async def test_sign_in_screen_refuses_a_wrong_password_then_opens_the_schedule(demo_db):
    app = make_app(demo_db, "desk")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#username").value == "desk"
        assert app.screen.query_one("#password").has_focus
        # Area keys do nothing before sign-in.
        await pilot.press("f4")
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*"wrong password", "enter")
        await settle(pilot)
        assert "Wrong username or password" in static_text(app, "#dialog-message")
        assert app.screen.query_one("#password").value == ""
        await pilot.press(*DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert app.actor.username == "desk"


async def test_first_sign_in_forces_a_new_password(demo_db):
    create_staff(
        find_staff("admin"),
        {
            "username": "newbie",
            "full_name": "New Person",
            "role": "front_desk",
            "password": "temporary-pass-1",
        },
    )
    app = make_app(demo_db, "newbie")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"temporary-pass-1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChangePasswordScreen)
        await pilot.press("escape", "f2")  # cannot be skipped
        assert isinstance(app.screen, ChangePasswordScreen)
        await pilot.press(*"temporary-pass-1", "enter", *"short", "enter", *"short", "enter")
        await settle(pilot)
        assert "at least 10" in str(app.screen.query_one("#error-new").content)
        await pilot.press(*"temporary-pass-1", "enter", *"my own phrase 7", "enter")
        await pilot.press(*"my own phrase 7", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert not StaffMember.get(StaffMember.username == "newbie").must_change_password


async def test_idle_lock_hides_everything_until_the_same_password(demo_db):
    app = signed_in(demo_db, "desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", *"a")
        await settle(pilot)
        app.idle_seconds = 0
        app._check_idle()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        # Nothing of the patients list is on the lock screen.
        names = {w.__class__.__name__ for w in app.screen.query("*")}
        assert "PagedTable" not in names and "DataTable" not in names
        # No way around it by keys.
        for key in ("f2", "f4", "f1", "escape", "ctrl+p"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, LockScreen), key
        await pilot.press(*"not it", "enter")
        await settle(pilot)
        assert "Wrong" in static_text(app, "#dialog-message")
        await pilot.press(*DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, LockScreen)
        assert app.current_mode == "patients"


async def test_billing_sees_no_check_in_key_and_cannot_use_it(demo_db):
    app = signed_in(demo_db, "billing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "check_in" not in actions
        booked = next(r for r in app.screen.rows.values() if r.status == "booked")
        move_to_row(app, lambda cells: cells[2] == booked.patient)
        await pilot.press("c")
        await settle(pilot)
    assert Appointment.get_by_id(booked.id).status == "booked"


async def test_front_desk_has_no_audit_or_staff_area(demo_db):
    app = signed_in(demo_db, "desk")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await pilot.press("f8")
        await settle(pilot)
        assert app.current_mode == "schedule"
        assert "audit" not in app.area_keys() and "staff" not in app.area_keys()


async def test_manager_sees_who_opened_a_chart_and_verifies_the_chain(demo_db):
    patient = Patient.select().first()
    open_patient(find_staff("desk"), patient.id)
    app = signed_in(demo_db, "manager")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("slash", *patient.mrn, "enter")
        await settle(pilot)
        rows = list(app.screen.rows.values())
        assert rows and all(r.patient_id == patient.id for r in rows)
        assert any(r.action == "patient.open" and r.staff == "desk" for r in rows)
        await pilot.press("v")
        await settle(pilot)
        assert "intact" in static_text(app, "#message")
    # Reading the report is itself on the record, once.
    reports = AuditEvent.select().where(
        (AuditEvent.action == "audit.report") & (AuditEvent.patient_id == patient.id)
    )
    assert reports.count() == 1


async def test_restricted_record_asks_for_a_reason(demo_db):
    patient = Patient.select().first()
    set_patient_restricted(find_staff("manager"), patient.id, patient.version, True)
    app = signed_in(demo_db, "desk")
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(patient.id)
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        # Going back without a reason opens nothing.
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, (FormDialog, PatientChartScreen))
        app.open_patient(patient.id)
        await settle(pilot)
        await pilot.press(*"patient at the desk", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert "RESTRICTED" in static_text(app, "#chart-body")
    flagged = AuditEvent.select().where(AuditEvent.outcome == "emergency")
    # The chart and the clinical record it summarizes (issue 12 item 8), both read under
    # the one emergency access.
    details = [e.detail for e in flagged]
    assert details[0] == "emergency access: patient at the desk"
    assert details[1:] in ([], ["clinical record"]), details


async def test_admin_adds_and_deactivates_an_account(demo_db):
    app = signed_in(demo_db, "admin")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"casey", "enter", *"Casey Newhire", "enter", "enter", "enter")
        await pilot.press(*"welcome aboard 1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
        move_to_row(app, lambda cells: cells[0] == "casey")
        await pilot.press("d")
        await settle(pilot)
    casey = StaffMember.get(StaffMember.username == "casey")
    assert casey.must_change_password and not casey.active
