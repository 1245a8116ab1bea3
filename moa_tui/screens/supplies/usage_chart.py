"""One supply item's use by month (issue 13 item 5): the units used in each of the last
12 months as a bar chart with the months beneath, the total, the monthly average and the
busiest month, and the months' figures as a table for exact counts and a screen reader."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.supplies.usage_chart import ItemUsage, usage_by_month
from ...services.wording import quantity
from ...ui.text import plain
from ...widgets.chart import BarChart
from ...widgets.paged_table import Column, RowTable
from ..base import RecordView

MONTHS = 12
BAR = 6  # columns per month: its three-letter name fits beneath


class UsageChartScreen(RecordView):
    """Esc goes back to the stock list."""

    VIEW_TITLE = "Use by month"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="usage_chart.pop_screen")]

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="usage-head", classes="toolbar")
        yield BarChart(5, id="usage-chart")
        yield Static("", id="usage-totals", classes="toolbar")
        yield RowTable(cursor_type="row", id="usage-table")

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.set_columns((Column("Month", 10), Column("Used", 30, share=1)))
        table.focus()
        super().on_mount()

    def reload(self) -> None:
        self.call_service(usage_by_month, self.item_id, None, MONTHS, then=self._show)

    def _show(self, usage: ItemUsage) -> None:
        self.set_title(usage.name)
        months = usage.months
        self.query_one("#usage-head", Static).update(plain(
            f"SKU {usage.sku} · used {months[0].month:%b %Y} to {months[-1].month:%b %Y} · on hand "
            f"{quantity(usage.on_hand, usage.unit)}"))  # fmt: skip
        labels = "".join(f"{m.month:%b}".ljust(BAR) for m in months)
        self.query_one(BarChart).show([m.units for m in months], BAR, labels.rstrip())
        busiest = usage.busiest
        most = (f"most {busiest.units} in {busiest.month:%B %Y}" if busiest.units
                else "none used")  # fmt: skip
        self.query_one("#usage-totals", Static).update(plain(
            f"Used {usage.total} in {len(months)} months · {usage.average:.1f} a month · "
            f"{most}"))  # fmt: skip
        table = self.query_one(RowTable)
        table.clear()
        for m in reversed(months):
            table.add_row(
                f"{m.month:%b %Y}", plain(quantity(m.units, usage.unit)), key=m.month.isoformat()
            )
