"""The charts at 80x24 by keys alone (issue 13 item 5): collections by week from the Books
hub (the bars are the weeks' totals, the figures beneath them), and an item's use by
month from the stock list (g)."""

from __future__ import annotations

import pytest

from moa_tui.cli import make_app
from moa_tui.db.database import db
from moa_tui.db.models import SupplyItem
from moa_tui.screens.books.collections import CollectionsScreen
from moa_tui.screens.supplies.stock import StockScreen
from moa_tui.screens.supplies.usage_chart import UsageChartScreen
from moa_tui.services import clock
from moa_tui.services.books.charts import collections_by_week
from moa_tui.services.security.staff import find_staff
from moa_tui.services.supplies.inventory import use_stock
from moa_tui.services.validate import format_money
from moa_tui.widgets.chart import BarChart

from .conftest import FROZEN_NOW
from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_collections_chart_from_the_books_hub(demo_db):
    manager = find_staff("manager")
    report = collections_by_week(manager)
    app = make_app(demo_db, actor=manager)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CollectionsScreen)
        chart = app.screen.query_one(BarChart)
        assert chart.values == [w.total_cents for w in report.weeks]
        lines = screen_lines(app)
        assert "…" not in "".join(lines)
        assert any(line.strip().startswith("11/24/2025") and "11/16/2026" in line
                   for line in lines)  # fmt: skip
        totals = static_text(app, "#collections-totals")
        assert f"52 weeks, 11/24/2025 to 11/22/2026: {format_money(report.total_cents)}" in totals
        best = report.best
        assert f"Best {format_money(best.total_cents)} (week of {best.start:%m/%d/%Y})" in totals
        assert all(len(line) <= 78 for line in totals.splitlines())
        assert any(line.strip().startswith("Best $") for line in screen_lines(app))  # shown
        rows = table_rows(app, "#collections-table")
        assert len(rows) == 52 and rows[0][0] == "11/16/2026" and rows[-1][0] == "11/24/2025"
        newest = report.weeks[-1]
        assert rows[0][1:] == [format_money(c) for c in (newest.payer_cents, newest.patient_cents,
                                                         newest.total_cents)]  # fmt: skip
        table = app.screen.query_one("#collections-table")
        assert table.region.height >= 8 and table.region.bottom <= 22  # rows shown, on screen
        await pilot.press("minus")  # the year before: no payments in the demo then
        await settle(pilot)
        assert "to 11/23/2025:" in static_text(app, "#collections-totals")
        assert set(chart.values) == {0}
        assert table_rows(app, "#collections-table")[0][3] == "$0.00"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.AREA_TITLE == "Books"


async def test_stock_use_by_month_from_the_stock_list(demo_db):
    desk = find_staff("desk")
    with db.connection_context():
        item = SupplyItem.get(SupplyItem.name == "Exam gloves nitrile M")
    for when, qty in (("2026-09-10T10:00:00", 3), ("2026-11-02T10:00:00", 2)):
        clock.freeze(when)
        use_stock(desk, item.id, qty, "Used in clinic")
    clock.freeze(FROZEN_NOW)
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen)
        summary = static_text(app, "#stock-summary")
        assert summary.endswith("all items · o: orders · g: chart") and len(summary) <= 78
        move_to_row(app, lambda r: r[1] == item.name)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, UsageChartScreen)
        assert item.name in static_text(app, "#titlebar")
        chart = app.screen.query_one(BarChart)
        assert chart.values == [0] * 9 + [3, 0, 2]
        lines = screen_lines(app)
        assert any(line.strip().startswith("Dec   Jan   Feb") and line.rstrip().endswith("Nov")
                   for line in lines)  # fmt: skip
        assert "Used 5 in 12 months · 0.4 a month · most 3 in September 2026" in static_text(
            app, "#usage-totals"
        )
        rows = table_rows(app, "#usage-table")
        assert [r[0] for r in rows[:3]] == ["Nov 2026", "Oct 2026", "Sep 2026"]
        assert rows[0][1] == "2 boxes of 100" and rows[1][1] == "0 boxes of 100"
        assert len(rows) == 12 and app.screen.query_one("#usage-table").region.bottom <= 22
        assert "…" not in "".join(screen_lines(app))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen)
