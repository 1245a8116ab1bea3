"""Referrals and authorizations by keyboard at 80x24 (issue 12 item 6): from a chart, R
lists the patient's referrals, n adds one (a wrong NPI is named beside the field), l writes
its letter prefilled, a lists the authorizations and n adds one; the Patients area's Ctrl+R
lists the office's open referrals; booking a visit that needs an authorization asks first."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, TextArea

from moa_tui.cli import make_app
from moa_tui.db.models import Appointment, AppointmentType, Coverage, Patient, Referral
from moa_tui.screens.comms.letters import LetterScreen
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.records.open_referrals import OpenReferralsScreen
from moa_tui.screens.records.referrals import (
    PatientAuthorizationsScreen,
    PatientReferralsScreen,
)
from moa_tui.screens.scheduling.booking import BookingScreen
from moa_tui.services.records.referrals import save_referral
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import ConfirmDialog
from moa_tui.widgets.form import FormDialog

from .conftest import FROZEN_NOW
from .ui_helpers import settle, static_text, table_rows

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def _insured_without_visits() -> Patient:
    plan = (
        Coverage.select()
        .where(Coverage.ends.is_null())
        .where(Coverage.patient.not_in(Appointment.select(Appointment.patient)))
        .join(Patient)
        .where(~Patient.restricted)
        .order_by(Coverage.patient)
        .first()
    )
    return Patient.get_by_id(plan.patient_id)


async def _type(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")


def _field_error(app, name: str) -> str:
    return static_text(app, f"#error-{name}")


async def test_a_referral_from_the_chart_with_its_npi_checked_and_its_letter(demo_db):
    patient = _insured_without_visits()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(patient.id))
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, PatientReferralsScreen)
        assert "No referrals yet" in str(app.screen.query_one("#message").content)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        # Direction (out) and status (draft) as offered; then the other provider.
        await pilot.press("enter", "enter")
        await _type(pilot, "Dr. Sam Ortho")
        await _type(pilot, "1234567890")  # the check digit is wrong
        await _type(pilot, "555-201-3344")
        await _type(pilot, "555-201-3345")
        await _type(pilot, "Knee pain")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "fails the check digit" in _field_error(app, "other_npi")
        assert Referral.select().where(Referral.patient == patient.id).count() == 0
        app.screen.query_one("#other_npi", Input).value = "1234567893"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientReferralsScreen)
        [row] = table_rows(app)
        assert row[1:4] == ["Out", "Draft", "Dr. Sam Ortho"]
        assert "Saved the referral." in str(app.screen.query_one("#message").content)
        saved = Referral.get(Referral.patient == patient.id)
        assert (saved.other_npi, saved.other_fax) == ("1234567893", "5552013345")
        # The referral letter, prefilled from it: to the other provider, by fax.
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LetterScreen)
        assert app.screen.query_one("#letter-addressee", Input).value == "Dr. Sam Ortho"
        assert app.screen.query_one("#letter-via", Input).value == "fax"
        text = app.screen.query_one("#letter-text", TextArea).text
        assert "for Knee pain" in text and f"{patient.first_name} {patient.last_name}" in text


async def test_an_authorization_is_added_and_shows_its_visits(demo_db):
    patient = _insured_without_visits()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientReferralsScreen(patient.id, "Test, Patient"))
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PatientAuthorizationsScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await _type(pilot, "AU-77")
        await _type(pilot, "6")
        await pilot.press("enter")  # from today
        await _type(pilot, "t-1")  # expires before it starts
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "cannot expire before it starts" in _field_error(app, "expires_on")
        app.screen.query_one("#expires_on", Input).value = "t+90"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientAuthorizationsScreen)
        [row] = table_rows(app)
        assert row[0] == "AU-77" and row[2:4] == ["0 of 6", "0"] and row[5] == "Active"


async def test_the_open_referrals_list_from_the_patients_area(demo_db):
    desk = find_staff("desk")
    patient = _insured_without_visits()
    save_referral(desk, patient.id, None, None, {
        "other_name": "Dr. Early", "reason": "oldest open", "referred_on": "t-900",
        "status": "sent",
    })  # fmt: skip
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, OpenReferralsScreen)
        rows = table_rows(app)
        open_count = Referral.select().where(Referral.is_open).count()
        assert len(rows) == open_count >= 2
        assert rows[0][4] == "Dr. Early"  # the oldest first
        assert all(r[2] in ("Draft", "Sent", "Received", "Scheduled") for r in rows)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientReferralsScreen)
        assert table_rows(app)[0][3] == "Dr. Early"


async def test_booking_a_visit_that_needs_an_authorization_asks_first(demo_db):
    patient = _insured_without_visits()
    procedure = AppointmentType.get(AppointmentType.name == "Procedure")
    assert procedure.needs_authorization  # the demo's
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.book_for(patient.id, f"{patient.last_name}, {patient.first_name}")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        rows = table_rows(app)
        index = [r[0] for r in rows].index("Procedure")
        app.screen.table.move_cursor(row=index)
        await pilot.press("enter")  # the type
        await settle(pilot)
        await pilot.press("enter")  # any provider
        await settle(pilot)
        await pilot.press("enter")  # the first open slot
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "No authorization on file for a Procedure visit" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert "Not booked" in str(app.screen.query_one("#message").content)
        assert Appointment.select().where(Appointment.patient == patient.id).count() == 0
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        [visit] = Appointment.select().where(Appointment.patient == patient.id)
        assert visit.appt_type_id == procedure.id
        assert visit.starts_at >= dt.datetime(2026, 11, 18, 10, 30)


async def test_the_follow_up_at_check_out_asks_the_same_question(demo_db):
    """The follow-up booked at check-out is a visit of the same type: one that needs an
    authorization with none on file asks first, as the slot list does."""
    from moa_tui.screens.frontdesk.check_out import CheckOutScreen
    from moa_tui.widgets.dialogs import PickDialog

    insured = Coverage.select(Coverage.patient).where(Coverage.ends.is_null())
    seen = (
        Appointment.select()
        .join(Patient)
        .where(
            Appointment.status == "with_provider",
            Appointment.patient << insured,
            ~Patient.restricted,
        )
        .first()
    )
    AppointmentType.update(needs_authorization=True).where(
        AppointmentType.id == seen.appt_type_id
    ).execute()
    before = Appointment.select().where(Appointment.patient == seen.patient_id).count()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CheckOutScreen(seen.id))
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"t+2w", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "No authorization on file" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CheckOutScreen)
        assert "Not booked" in str(app.screen.query_one("#message").content)
        assert Appointment.select().where(Appointment.patient == seen.patient_id).count() == before
