"""The schedule's c on a row that cannot be checked in says why from the row itself,
without calling the check-in writer (no write lock, no audit row) (issue 9 item 16)."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.models import Appointment, AuditEvent
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle, static_text

SIZE = (80, 24)


def _select(app, predicate) -> Appointment:
    screen = app.screen
    for key, row in screen.rows.items():
        if predicate(row):
            assert screen.query_one("#schedule-table").reveal_key(key)
            assert screen.selected() is row
            return row
    raise AssertionError("no such row on the schedule")


async def test_check_in_on_another_day_says_why_without_writing(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right")  # tomorrow
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        row = _select(app, lambda r: r.status == "booked")
        events = AuditEvent.select().count()
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "Only today's appointments can be checked in" in static_text(app, "#message")
        assert AuditEvent.select().count() == events
        assert Appointment.get_by_id(row.id).status == "booked"


async def test_check_in_of_someone_already_here_says_so(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = _select(app, lambda r: r.status == "arrived")
        events = AuditEvent.select().count()
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        message = static_text(app, "#message")
        assert f"{row.patient} is already checked in" in message
        assert AuditEvent.select().count() == events


async def test_check_in_is_a_flow_that_awaits_its_screen(demo_db):
    """The schedule's c awaits the check-in screen in a worker (no callback): Esc there
    changes nothing; Enter checks in, and the schedule says who, at what time."""
    from moa_tui.screens.frontdesk.check_in import CheckInScreen

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        schedule = app.screen
        row = _select(app, lambda r: r.status == "booked")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        waiting = [w for w in app.workers if w.name == "action_check_in" and not w.is_finished]
        assert [w.node for w in waiting] == [schedule]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is schedule and waiting[0].is_finished
        assert "checked in" not in static_text(app, "#message")
        assert Appointment.get_by_id(row.id).status == "booked"

        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is schedule
        assert static_text(app, "#message") == f"{row.patient} checked in at 10:30."
        assert Appointment.get_by_id(row.id).status == "arrived"
        assert schedule.rows[str(row.id)].status == "arrived"  # fetched again


async def test_check_in_from_the_chart_awaits_the_same_screen(demo_db):
    from moa_tui.screens.frontdesk.check_in import CheckInScreen
    from moa_tui.screens.patients.chart import PatientChartScreen

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = _select(app, lambda r: r.status == "booked")
        app.open_patient(row.patient_id)
        await settle(pilot)
        chart = app.screen
        assert isinstance(chart, PatientChartScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is chart
        assert static_text(app, "#message") == f"{row.patient} checked in at 10:30."
        await pilot.press("c")  # nothing left to check in today: says why, on the chart
        await settle(pilot)
        assert app.screen is chart and chart.query_one("#message").kind == "error"
