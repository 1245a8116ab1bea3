"""Collections by week (issue 13 item 5): what payers and patients paid in each of the
last 52 weeks, as a bar chart, the total with the best and worst week, and the weeks'
figures beneath it (newest first) for exact amounts and for a screen reader. - and +
move the year back and forth."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...db import changes as topics
from ...services import clock
from ...services.books.charts import Collections, collections_by_week
from ...services.validate import format_money, step_date
from ...ui.text import plain, plain_lines
from ...widgets.chart import BarChart
from ...widgets.paged_table import Column, RowTable
from ..base import TitledScreen

WEEKS = 52
MONEY = 12


def axis(first: dt.date, last: dt.date, width: int) -> str:
    """The first and last weeks' Mondays under the ends of a chart *width* wide."""
    left, right = f"{first:%m/%d/%Y}", f"{last:%m/%d/%Y}"
    return left + right.rjust(max(width - len(left), len(right) + 1))


class CollectionsScreen(TitledScreen):
    VIEW_TITLE = "Collections by week"
    TOPICS = frozenset({topics.BOOKS})
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="books_collections.back"),
        Binding("minus", "year(-1)", "Year before", id="books_collections.before"),
        Binding("plus,equals_sign", "year(1)", "Year after", id="books_collections.after"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.through = clock.today()

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="collections-head", classes="toolbar")
        yield BarChart(5, id="collections-chart")
        yield Static("", id="collections-totals", classes="toolbar")
        yield RowTable(cursor_type="row", id="collections-table")

    def on_mount(self) -> None:
        self.set_title()
        self.query_one("#collections-totals", Static).styles.height = 2
        table = self.query_one(RowTable)
        table.set_columns((Column("Week of", 10), Column("Payers", MONEY),
                           Column("Patients", MONEY), Column("Total", MONEY)))  # fmt: skip
        table.focus()

    def reload(self) -> None:
        self.call_service(collections_by_week, self.through, WEEKS, then=self._show)

    def _show(self, report: Collections) -> None:
        weeks = report.weeks
        first, last = weeks[0], weeks[-1]
        self.query_one("#collections-head", Static).update(
            plain("Payments from payers and patients, by week (Monday to Sunday) · -/+: year")
        )
        self.query_one(BarChart).show(
            [w.total_cents for w in weeks], 1, axis(first.start, last.start, len(weeks))
        )
        best, worst = report.best, report.worst
        self.query_one("#collections-totals", Static).update(plain_lines([
            f"{len(weeks)} weeks, {first.start:%m/%d/%Y} to {last.end:%m/%d/%Y}: "
            f"{format_money(report.total_cents)}",
            f"Best {format_money(best.total_cents)} (week of {best.start:%m/%d/%Y}) · "
            f"worst {format_money(worst.total_cents)} (week of {worst.start:%m/%d/%Y})",
        ]))  # fmt: skip
        table = self.query_one(RowTable)
        table.clear()
        for w in reversed(weeks):
            table.add_row(
                f"{w.start:%m/%d/%Y}",
                *(Text(format_money(c), justify="right")
                  for c in (w.payer_cents, w.patient_cents, w.total_cents)),
                key=w.start.isoformat(),
            )  # fmt: skip

    def action_year(self, step: int) -> None:
        moved = step_date(self.through, 7 * WEEKS * step)
        if moved is not None:
            self.through = moved
            self.reload()
