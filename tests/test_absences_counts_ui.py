"""Issue 9 items 4 and 9 by keys at 80x24: the day list, day grid and month say the same
count with its meaning; the day list says why a day is empty; booking into an absence
names it; blocking a day with appointments lists them and offers the reschedule list."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.services import clock
from moa_tui.services.absences import day_absences
from moa_tui.services.schedule import DayCounts, day_schedule
from moa_tui.services.staff import find_staff

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
