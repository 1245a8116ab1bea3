"""Dates between 1900 and 2100, money up to $1,000,000.00 (issue 8, item 10).

The probe typed 12/31/9999 into "go to date" ("Unexpected error: OverflowError", then the
next day crashed the app), booked a visit on 9999-12-31, and saved a 29-digit co-pay
(OverflowError, not audited as refused). Each service that takes a date object or an
amount refuses what is out of range with a sentence; the screens cannot step past it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.cli import make_app
from moa_tui.db.models import (
    Appointment,
    AuditEvent,
    BlockedTime,
    Coverage,
    Patient,
    Provider,
    WaitlistEntry,
)
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services.errors import ValidationError
from moa_tui.services.patients.registration import save_coverage
from moa_tui.services.scheduling.availability import add_block
from moa_tui.services.scheduling.booking import (
    SlotFilter,
    book_appointment,
    find_open_slots,
    reschedule,
)
from moa_tui.services.scheduling.calendar import day_grid, month_overview, week_grid
from moa_tui.services.scheduling.day_sheet import day_sheet, day_sheet_text
from moa_tui.services.scheduling.ical import calendar_data
from moa_tui.services.scheduling.recurring import create_series
from moa_tui.services.scheduling.schedule import day_schedule
from moa_tui.services.scheduling.waitlist import add_to_waitlist, confirmation_list
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle, static_text

FAR = (dt.date(9999, 12, 31), dt.date(2101, 1, 1), dt.date(1899, 12, 31), dt.date.min)


def _refused(call, field: str) -> str:
    with pytest.raises(ValidationError) as err:
        call()
    assert field in err.value.errors, err.value.errors
    return err.value.errors[field]


def _booked():
    return Appointment.select().where(Appointment.status == "booked").first()


@pytest.mark.parametrize("day", FAR)
def test_every_date_reading_service_refuses_a_date_out_of_range(desk, day):
    provider = Provider.select().first().id
    calls = {
        "day": [
            lambda: day_schedule(desk, day),
            lambda: day_grid(desk, day),
            lambda: week_grid(desk, day),
            lambda: day_sheet(desk, day, provider),
            lambda: day_sheet_text(desk, day, provider),
        ],
        "start_date": [lambda: calendar_data(desk, provider, day, dt.date(2026, 12, 1))],
        "end_date": [lambda: calendar_data(desk, provider, dt.date(2026, 12, 1), day)],
    }
    for field, services in calls.items():
        for call in services:
            assert "between 01/01/1900 and 12/31/2100" in _refused(call, field)


@pytest.mark.parametrize("year", [1899, 2101, 9999, 10**30, -1])
def test_month_overview_refuses_a_year_out_of_range(desk, year):
    assert "1900 to 2100" in _refused(lambda: month_overview(desk, year, 12), "year")
    month_overview(desk, 2100, 12)  # the last month there is


@pytest.mark.parametrize("days", [10**6, -(10**6), 10**30])
def test_confirmation_calls_refuse_a_day_out_of_range(desk, days):
    _refused(lambda: confirmation_list(desk, days), "days_ahead")


@pytest.mark.parametrize("when", [dt.datetime(9999, 12, 31, 10, 0), dt.datetime(2101, 1, 3, 9, 0)])
def test_a_booking_or_a_move_past_2100_is_refused(desk, when):
    a = _booked()
    before = Appointment.select().count()
    book = lambda: book_appointment(  # noqa: E731
        desk, a.patient_id, a.provider_id, a.appt_type_id, when, override="overbook"
    )
    assert "between" in _refused(book, "starts_at")
    move = lambda: reschedule(desk, a.id, a.version, when, override="overbook")  # noqa: E731
    assert "between" in _refused(move, "starts_at")
    assert Appointment.select().count() == before
    refused = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (refused.action, refused.outcome) == ("reschedule", "refused")


def test_a_series_books_nothing_past_2100(desk):
    a = _booked()
    first = dt.datetime(2100, 10, 4, 9, 0)
    result = create_series(
        desk, a.patient_id, a.provider_id, a.appt_type_id, first, "monthly", 1, count=6
    )
    assert all(row.starts_at.year == 2100 for row in result.booked)
    assert [when.year for when, _why in result.skipped if when.year > 2100] == [2101] * 3
    past = lambda: create_series(  # noqa: E731
        desk, a.patient_id, a.provider_id, a.appt_type_id, first, "weekly", until=dt.date.max
    )
    assert "between" in _refused(past, "until")


def test_blocks_slots_and_waitlist_refuse_dates_out_of_range(demo_db):
    manager, desk = find_staff("manager"), find_staff("desk")
    provider = Provider.select().first().id
    start, far = dt.datetime(2026, 12, 1, 9), dt.datetime(9999, 12, 31, 9)
    blocks = BlockedTime.select().count()
    assert "between" in _refused(lambda: add_block(manager, provider, start, far, "x"), "ends_at")
    assert "between" in _refused(
        lambda: add_block(manager, provider, dt.datetime(1, 1, 1), start, "x"), "starts_at"
    )
    assert BlockedTime.select().count() == blocks
    kind = _booked().appt_type_id
    late = SlotFilter(earliest=dt.date.max)
    assert "between" in _refused(lambda: find_open_slots(desk, kind, late), "earliest")
    waiting = WaitlistEntry.select().count()
    patient = Patient.select().first().id
    prefs = {"earliest": dt.date(9999, 12, 31)}
    assert "between" in _refused(lambda: add_to_waitlist(desk, patient, prefs), "earliest")
    assert WaitlistEntry.select().count() == waiting


@pytest.mark.parametrize("copay", ["9" * 29, "1000000.01", "$5,000,000"])
def test_a_huge_copay_is_refused_and_audited_as_refused(desk, copay):
    coverage = Coverage.select().first()
    data = {"payer_id": str(coverage.payer_id), "member_id": "M1", "copay_cents": copay}
    before = Coverage.select().count()
    assert "$1,000,000.00" in _refused(
        lambda: save_coverage(desk, coverage.patient_id, None, None, data), "copay_cents"
    )
    assert Coverage.select().count() == before
    last = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (last.action, last.outcome) == ("save_coverage", "refused")


# --- the schedule screen -----------------------------------------------------------------


async def test_go_to_12_31_9999_is_refused_beside_the_field(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g", *"12/31/9999", "enter")
        await settle(pilot)
        assert "between 01/01/1900 and 12/31/2100" in static_text(app, "#error-date")
        await pilot.press("escape", "right")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, ScheduleScreen)
        assert app.screen.day == dt.date(2026, 11, 19)


async def test_the_schedule_stops_at_the_last_and_first_day(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g", *"12/30/2100", "enter")
        await settle(pilot)
        await pilot.press("right", "right", "plus")
        await settle(pilot)
        assert app.screen.day == dt.date(2100, 12, 31)
        await pilot.press("g", *"01/01/1900", "enter")
        await settle(pilot)
        await pilot.press("left", "minus")
        await settle(pilot)
        assert app.is_running and app.screen.day == dt.date(1900, 1, 1)
