"""A collected co-pay looks collected: the check-in screen at 80x24 by keys alone."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.models import AccountEntry
from moa_tui.screens.frontdesk.check_in import CheckInScreen
from moa_tui.screens.frontdesk.receipt import ReceiptScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services.frontdesk.frontdesk import record_eligibility, visit_desk
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.form import FormDialog

from .ui_helpers import move_to_row, settle, static_text

SIZE = (80, 24)


async def test_collected_copay_shows_collected_and_p_offers_only_what_is_due(demo_db):
    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        appt, view = next(
            (r, v)
            for r in app.screen.rows.values()
            if r.status == "booked" and (v := visit_desk(desk, r.id)).copay_cents == 2000
        )
        move_to_row(app, lambda row: row[2] == appt.patient and row[0] == f"{appt.starts_at:%H:%M}")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "Co-pay     $20.00 · not collected (p)" in static_text(app, "#visit-body")
        # One line says what is left; Enter still checks in.
        warning = static_text(app, "#message")
        assert "co-pay $20.00 not collected" in warning and "Enter checks in" in warning
        assert "\n" not in warning and len(warning) <= 80

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+s")  # $20.00 in cash, as offered
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        body = static_text(app, "#visit-body")
        receipt = AccountEntry.get(
            (AccountEntry.appointment == appt.id) & (AccountEntry.kind == "payment")
        ).receipt_no
        assert "Co-pay     $20.00 · collected $20.00 · nothing due" in body
        assert f"Paid today $20.00 for this visit (receipt {receipt})" in body
        assert "co-pay" not in static_text(app, "#message")

        # Nothing is due now: p says so and opens no payment.
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "Nothing due: the $20.00 co-pay is collected." in static_text(app, "#message")
        payments = AccountEntry.select().where(
            (AccountEntry.appointment == appt.id) & (AccountEntry.kind == "payment")
        )
        assert payments.count() == 1
    assert view.copay_due_cents == 2000


async def test_manager_checks_in_unverified_insurance_with_a_reason(demo_db):
    """Check-in -> insurance not verified -> the manager's reason -> checked in, by keys."""
    from moa_tui.db.models import Appointment

    manager = find_staff("manager")
    app = make_app(demo_db, actor=manager)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        appt = next(
            r
            for r in app.screen.rows.values()
            if r.status == "booked" and visit_desk(manager, r.id).payer
        )
        # The payer said "inactive" this morning: not verified for this visit.
        record_eligibility(manager, appt.id, "inactive", "portal", "X1")
        move_to_row(app, lambda row: row[2] == appt.patient and row[0] == f"{appt.starts_at:%H:%M}")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "NOT VERIFIED for this visit" in static_text(app, "#visit-body")

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # the override asks why
        assert Appointment.get_by_id(appt.id).status == "booked"
        await pilot.press(*"card at home")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        done = Appointment.get_by_id(appt.id)
        assert done.status != "booked"
        assert done.checkin_override == "card at home"


async def test_desk_cannot_override_unverified_insurance(demo_db):
    """Without the override permission the refusal is said on the check-in screen."""
    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        appt = next(
            r
            for r in app.screen.rows.values()
            if r.status == "booked" and visit_desk(desk, r.id).payer
        )
        # The payer said "inactive" this morning: not verified for this visit.
        record_eligibility(desk, appt.id, "inactive", "portal", "X1")
        move_to_row(app, lambda row: row[2] == appt.patient and row[0] == f"{appt.starts_at:%H:%M}")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "not verified" in static_text(app, "#message")


async def test_enter_before_the_visit_has_loaded_says_so_and_checks_in_nothing(demo_db):
    """An Enter typed while the check-in screen is still fetching the visit is not lost in
    silence: the line says to press it again, and nothing is checked in."""
    from moa_tui.db.models import Appointment

    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        appt = next(r for r in app.screen.rows.values() if r.status == "booked")
        screen = CheckInScreen(appt.id)
        screen.call_service = lambda *args, **kwargs: None  # the fetch never answers
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "still loading" in static_text(app, "#message")
        assert Appointment.get_by_id(appt.id).status == "booked"
