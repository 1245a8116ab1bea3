"""The desk's workflows driven by real key presses at 80x24."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.db.models import (
    Appointment,
    AuditEvent,
    Claim,
    ClaimStatusChange,
    Patient,
    StockMovement,
    SupplyItem,
)
from moa_tui.screens.frontdesk.check_in import CheckInScreen
from moa_tui.screens.frontdesk.check_out import CheckOutScreen
from moa_tui.screens.frontdesk.flow_board import QueueScreen
from moa_tui.screens.help import HelpScreen
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.patients.form import PatientFormScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services import clock
from moa_tui.services.billing.claims import STATUS_LABELS
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import ConfirmDialog
from moa_tui.widgets.form import FormDialog

from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)


async def test_find_patient_and_open_chart(demo_db):
    target = Patient.select().order_by(Patient.id).first()
    query = f"{target.last_name[:3]} {target.first_name[:2]}".lower()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.press(*query)
        await settle(pilot)
        names = [row[1] for row in table_rows(app)]
        assert f"{target.last_name}, {target.first_name}" in names
        assert all(n.lower().startswith(target.last_name[:3].lower()) for n in names)
        move_to_row(app, lambda row: row[0] == target.mrn)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        body = static_text(app, "#chart-body")
        assert f"MRN {target.mrn}" in body and target.last_name in body
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PatientChartScreen)
    opened = AuditEvent.select().where(
        (AuditEvent.action == "patient.open") & (AuditEvent.patient_id == target.id)
    )
    assert opened.count() == 1


async def test_check_in_then_walk_through_queue(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        booked = [r for r in app.screen.rows.values() if r.status == "booked"]
        assert booked, "the demo day has booked appointments"
        appt = booked[0]
        move_to_row(app, lambda row: row[2] == appt.patient and row[0] == f"{appt.starts_at:%H:%M}")
        await pilot.press("c")
        await settle(pilot)
        # The check-in screen shows insurance, forms due and the co-pay; Enter checks in.
        assert isinstance(app.screen, CheckInScreen)
        assert "Insurance" in static_text(app, "#visit-body")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.rows[str(appt.id)].status == "arrived"
        assert "checked in" in static_text(app, "#message")

        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert str(appt.id) in app.screen.rows
        assert "Exam" in static_text(app, "#queue-rooms")
        for expected in ("intake_done", "roomed", "with_provider", "ready_checkout"):
            move_to_row(app, lambda row: row[1] == appt.patient)
            await pilot.press("a")
            await settle(pilot)
            if expected == "roomed":
                # Rooming asks which free room: Enter takes the first one offered.
                assert isinstance(app.screen, FormDialog)
                await pilot.press("enter")
                await settle(pilot)
            assert app.screen.rows[str(appt.id)].row.status == expected
        # Check-out: book the follow-up in two weeks, then Enter checks the patient out.
        move_to_row(app, lambda row: row[1] == appt.patient)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CheckOutScreen)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")  # "t+2w" is offered
        await settle(pilot)
        await pilot.press("enter")  # the first open slot around then
        await settle(pilot)
        if isinstance(app.screen, ConfirmDialog):  # a type that needs an authorization
            assert "authorization" in app.screen.question
            await pilot.press("y")
            await settle(pilot)
        assert "Follow-up booked" in static_text(app, "#message")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.rows[str(appt.id)].row.status == "checked_out"
        # A finished visit has no next step: refused with a message, nothing changes.
        move_to_row(app, lambda row: row[1] == appt.patient)
        await pilot.press("a")
        await settle(pilot)
        assert "no next step" in static_text(app, "#message")
    stored = Appointment.get_by_id(appt.id)
    assert stored.status == "checked_out"
    follow_up = Appointment.select().where(
        (Appointment.patient == stored.patient)
        & (Appointment.status == "booked")
        & (
            Appointment.starts_at
            >= dt.datetime.combine(stored.starts_at.date(), dt.time.min) + dt.timedelta(days=12)
        )
    )
    assert follow_up.count() >= 1
    assert stored.room.startswith("Exam")
    assert (
        stored.arrived_at
        <= stored.intake_done_at
        <= stored.roomed_at
        <= stored.with_provider_at
        <= stored.ready_checkout_at
        <= stored.checked_out_at
    )


async def test_queue_leaves_out_no_shows_and_cancellations(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        statuses = {b.row.status for b in app.screen.rows.values()}
        assert statuses and statuses <= {
            "arrived",
            "intake_done",
            "roomed",
            "with_provider",
            "ready_checkout",
            "checked_out",
        }
    today = clock.today()
    skipped = Appointment.select().where(Appointment.status.in_(["no_show", "cancelled"]))
    assert any(a.starts_at.date() == today for a in skipped)


async def test_schedule_day_navigation(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        today = clock.today()
        await pilot.press("right")
        await settle(pilot)
        assert app.screen.day == today.replace(day=today.day + 1)
        assert all(r.starts_at.date() == app.screen.day for r in app.screen.rows.values())
        await pilot.press("g")
        await pilot.press(*"t-2", "enter")
        await settle(pilot)
        assert app.screen.day == today.replace(day=today.day - 2)
        await pilot.press("g")
        await pilot.press(*"02/30/2026", "enter")
        await settle(pilot)
        assert "no such date" in str(app.screen.query_one("#error-date").content)
        await pilot.press("escape", "t")
        await settle(pilot)
        assert app.screen.day == today
        await pilot.press("p")
        await settle(pilot)
        providers = {r.provider_id for r in app.screen.rows.values()}
        assert len(providers) == 1


async def test_check_in_refuses_a_future_day(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
        await settle(pilot)
        row = next(r for r in app.screen.rows.values() if r.status == "booked")
        move_to_row(app, lambda cells: cells[2] == row.patient)
        await pilot.press("c")
        await settle(pilot)
        assert "Only today's appointments" in static_text(app, "#message")
    assert Appointment.get_by_id(row.id).status == "booked"


async def test_change_claim_status_with_note(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        first = next(iter(app.screen.rows.values()))
        move_to_row(app, lambda row: row[0] == str(first.id))
        await pilot.press("u")
        await settle(pilot)
        # Without a note the change is refused beside the note field.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Note is required" in str(app.screen.query_one("#error-note").content)
        assert Claim.get_by_id(first.id).status == first.status
        # Choose the new status from the list by keyboard, then give the reason.
        target = "submitted" if first.status != "submitted" else "accepted"
        options = [key for key in STATUS_LABELS if key != first.status]
        app.screen.query_one("#status").focus()
        await pilot.press("down")  # opens the list on the current choice
        await settle(pilot)
        await pilot.press(*["down"] * options.index(target), "enter")
        await settle(pilot)
        assert app.screen.query_one("#note").has_focus
        await pilot.press(*"Sent to clearinghouse", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog), static_text(app, "#dialog-message")
        assert "now" in static_text(app, "#message")
    claim = Claim.get_by_id(first.id)
    assert claim.status in ("submitted", "accepted") and claim.status != first.status
    change = (
        ClaimStatusChange.select()
        .where(ClaimStatusChange.claim == first.id)
        .order_by(ClaimStatusChange.id.desc())
        .first()
    )
    assert change.note == "Sent to clearinghouse"


async def test_claims_filters_and_open(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        everything = len(app.screen.rows)
        await pilot.press("s")  # first status in the list: Draft
        await settle(pilot)
        assert {r.status for r in app.screen.rows.values()} <= {"draft"}
        assert len(app.screen.rows) < everything
        assert f"{len(app.screen.rows)} claims" in static_text(app, "#claims-totals")
        await pilot.press("x")
        await settle(pilot)
        assert len(app.screen.rows) == everything, app.screen.filter
        await pilot.press("o")
        await settle(pilot)
        amounts = [r.total_cents for r in app.screen.rows.values()]
        assert amounts == sorted(amounts, reverse=True)
        await pilot.press("enter")
        await settle(pilot)
        assert "Ln Code" in static_text(app, "#claim-body")
        await pilot.press("escape")


async def test_receive_a_box_of_gloves(demo_db):
    gloves = SupplyItem.get(SupplyItem.name == "Exam gloves nitrile M")
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        move_to_row(app, lambda row: row[1] == gloves.name)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"-1", "ctrl+s")
        await settle(pilot)
        assert "cannot be negative" in str(app.screen.query_one("#error-quantity").content)
        app.screen.query_one("#quantity").value = ""
        app.screen.query_one("#quantity").focus()
        await pilot.press("1", "ctrl+s")  # at the item's last unit cost, into the supply room
        await settle(pilot)
        assert "on hand" in static_text(app, "#message")
    assert SupplyItem.get_by_id(gloves.id).on_hand == gloves.on_hand + 1
    last = (
        StockMovement.select()
        .where(StockMovement.item == gloves.id)
        .order_by(StockMovement.id.desc())
        .first()
    )
    assert (last.kind, last.quantity, last.reason) == ("receive", 1, "Delivery received")


async def test_register_patient_refuses_bad_fields_then_saves(demo_db):
    before = Patient.select().count()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, PatientFormScreen)
        await pilot.press(*"Testperson", "enter", *"Quinn", "enter", *"12/01/2030", "ctrl+s")
        await settle(pilot)
        assert "in the future" in str(app.screen.query_one("#error-dob").content)
        assert Patient.select().count() == before
        app.screen.query_one("#dob").value = "04/17/1962"
        app.screen.query_one("#phone_mobile").value = "555-12"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(app.screen.query_one("#error-dob").content) == ""
        assert "10 digits" in str(app.screen.query_one("#error-phone_mobile").content)
        app.screen.query_one("#phone_mobile").value = "315-555-0142"
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, PatientFormScreen):
            # The demo's fictional phone numbers repeat: a possible duplicate is shown once.
            assert "already registered" in static_text(app, "#message")
            assert Patient.select().count() == before
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert "Testperson, Quinn" in static_text(app, "#chart-body")
    assert Patient.select().count() == before + 1


async def test_help_lists_the_screen_keys(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = dict((d, k) for k, d in app.screen._keys)
        assert {"Check in", "Prev day", "Next day", "Go to date", "Schedule", "Stock"} <= set(keys)
        await pilot.press("escape")
        assert isinstance(app.screen, ScheduleScreen)


async def test_command_palette_offers_screen_actions(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Receive", "Use", "Adjust", "Low only", "Go to Claims", "Quit"} <= set(titles)
        await pilot.press("ctrl+p")
        await pilot.press(*"low only", "enter")
        await settle(pilot)
        assert app.screen.low_only is True
        assert all(r.low for r in app.screen.rows.values())
