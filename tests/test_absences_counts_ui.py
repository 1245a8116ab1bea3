"""Issue 9 items 4 and 9 by keys at 80x24: the day list, day grid and month say the same
count with its meaning; the day list says why a day is empty; booking into an absence
names it; blocking a day with appointments lists them and offers the reschedule list."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.services import clock
from moa_tui.services.scheduling.absences import day_absences
from moa_tui.services.scheduling.schedule import DayCounts, day_schedule
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle, static_text

SMALL = (80, 24)


async def _go_to(pilot, when: str) -> None:
    await pilot.press("g", *when, "enter")
    await settle(pilot)


async def test_day_list_grid_and_month_say_the_same_count(demo_db):
    desk = find_staff("desk")
    label = DayCounts.of(r.status for r in day_schedule(desk, clock.today())).label
    assert "(" in label  # today has no-shows or cancellations: the label names them
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        day_line = static_text(app, "#schedule-day")
        assert label in day_line and "appointments" not in day_line
        await pilot.press("v")
        await settle(pilot)
        assert label in static_text(app, "#titlebar")
        await pilot.press("escape", "m")
        await settle(pilot)
        assert label in static_text(app, "#message")


async def test_day_list_says_why_a_day_is_empty(demo_db):
    desk = find_staff("desk")
    closed_day = clock.today() + dt.timedelta(days=10)
    away_day = clock.today() + dt.timedelta(days=15)
    closed = day_absences(desk, closed_day)[0]
    away = day_absences(desk, away_day)[0]
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _go_to(pilot, "t+10")
        line = static_text(app, "#schedule-day")
        assert f"Closed: {closed.reason}" in line, line
        await _go_to(pilot, "t+15")
        line = static_text(app, "#schedule-day")
        assert f"{away.who}: {away.reason}" in line, line


async def _press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_override_into_a_vacation_names_it_and_asks_again(demo_db):
    from moa_tui.db.models import Appointment, Patient
    from moa_tui.screens.scheduling.booking import BookingScreen
    from moa_tui.screens.scheduling.schedule import ScheduleScreen
    from moa_tui.widgets.dialogs import PickDialog

    desk = find_staff("desk")
    away_day = clock.today() + dt.timedelta(days=15)
    away = day_absences(desk, away_day)[0]
    patient = Patient.select().order_by(Patient.id).first()
    query = f"{patient.last_name[:3]} {patient.first_name[:2]}".lower()
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _press(pilot, "b", *query, "enter", "enter", "enter", "o")
        await _press(pilot, *"t+15 9:00", "enter")
        app.screen.query_one("#provider").value = str(away.provider_id)
        await _press(pilot, "enter", *"patient insists", "enter")
        # Not booked yet: the question names the vacation.
        assert isinstance(app.screen, PickDialog)
        title = str(app.screen.query_one(".dialog-title").content)
        assert f"{away.who} is away: {away.reason}" in title and "anyway?" in title
        assert (
            not Appointment.select()
            .where(
                Appointment.patient == patient.id,
                Appointment.provider == away.provider_id,
                Appointment.starts_at == dt.datetime.combine(away_day, dt.time(9)),
            )
            .exists()
        )
        # Esc: nothing booked, back on the slots.
        await _press(pilot, "escape")
        assert isinstance(app.screen, BookingScreen)
        await _press(pilot, "o", *"t+15 9:00", "enter")
        app.screen.query_one("#provider").value = str(away.provider_id)
        await _press(pilot, "enter", "ctrl+a", "ctrl+k", *"patient insists", "enter", "enter")
        assert isinstance(app.screen, ScheduleScreen)
    appt = Appointment.get(
        (Appointment.patient == patient.id)
        & (Appointment.starts_at == dt.datetime.combine(away_day, dt.time(9)))
    )
    assert appt.provider_id == away.provider_id
    assert f"blocked ({away.reason})" in appt.override_reason


async def test_blocking_a_booked_day_lists_the_visits_and_opens_the_worklist(demo_db):
    from moa_tui.db.models import Appointment
    from moa_tui.screens.scheduling.absences import RescheduleListScreen
    from moa_tui.screens.scheduling.booking import BookingScreen
    from moa_tui.screens.scheduling.hours import HoursScreen
    from moa_tui.widgets.dialogs import PickDialog

    manager = find_staff("manager")
    tomorrow = clock.today() + dt.timedelta(days=1)
    app = make_app(demo_db, actor=manager)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await app.push_screen(HoursScreen())
        await settle(pilot)
        provider_id = app.screen.provider_id
        start = dt.datetime.combine(tomorrow, dt.time.min)
        booked = list(
            Appointment.select().where(
                (Appointment.provider == provider_id)
                & (Appointment.starts_at >= start)
                & (Appointment.starts_at < start + dt.timedelta(days=1))
                & (Appointment.status == "booked")
            )
        )
        assert len(booked) > 1
        await _press(pilot, "a", "enter", *"t+1", "enter", *"t+1", "enter", *"Sick", "enter")
        # The visits the new block covers are listed at once.
        assert isinstance(app.screen, PickDialog)
        title = str(app.screen.query_one(".dialog-title").content)
        assert f"Sick: {len(booked)} booked visits fall in this time" in title
        await _press(pilot, "enter")
        assert isinstance(app.screen, RescheduleListScreen)
        assert len(app.screen.rows) == len(booked)
        assert f"{len(booked)} booked visits still to move" in static_text(app, "#reschedule-why")
        first = app.screen.selected()
        await _press(pilot, "r")
        assert isinstance(app.screen, BookingScreen)
        await _press(pilot, "enter")  # the first open slot
        assert isinstance(app.screen, RescheduleListScreen)
        assert str(first.id) not in app.screen.rows
        assert len(app.screen.rows) == len(booked) - 1
        assert static_text(app, "#message").startswith("Moved")
    assert Appointment.get_by_id(first.id).status == "rescheduled"


async def test_the_block_list_counts_the_visits_in_each_block(demo_db):
    """The hours screen's block list says how many booked visits each block covers."""
    from moa_tui.screens.scheduling.hours import HoursScreen
    from moa_tui.services.scheduling.absences import booked_during
    from moa_tui.services.scheduling.availability import add_block

    from .ui_helpers import table_rows

    manager = find_staff("manager")
    app = make_app(demo_db, actor=manager)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await app.push_screen(HoursScreen())
        await settle(pilot)
        provider_id = app.screen.provider_id
        start = dt.datetime.combine(clock.today() + dt.timedelta(days=2), dt.time.min)
        end = start + dt.timedelta(days=2)
        add_block(manager, provider_id, start, end, "Vacation")
        add_block(
            manager, provider_id, end + dt.timedelta(days=40), end + dt.timedelta(days=41), "Course"
        )
        covered = len(booked_during(manager, provider_id, start, end))
        assert covered > 1
        app.screen.reload()
        await settle(pilot)
        reasons = [r[2] for r in table_rows(app, "#hours-blocks")]
        assert f"Vacation — {covered} visits" in reasons, reasons
        assert "Course" in reasons  # nothing booked there yet: no count


async def test_the_month_day_line_names_who_is_away(demo_db):
    desk = find_staff("desk")
    away_day = clock.today() + dt.timedelta(days=15)
    closed_day = clock.today() + dt.timedelta(days=10)
    away = day_absences(desk, away_day)[0]
    closed = day_absences(desk, closed_day)[0]
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _go_to(pilot, "t+15")
        await _press(pilot, "m")
        line = static_text(app, "#message")
        assert f"{away.who}: {away.reason}" in line, line
        assert f"{away_day:%a %m/%d/%Y}" in line
        for _ in range(5):
            await _press(pilot, "left")
        line = static_text(app, "#message")
        assert f"{closed_day:%a %m/%d/%Y}" in line and f"Closed: {closed.reason}" in line, line
