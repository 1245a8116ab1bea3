"""A bar chart in the terminal: Textual's Sparkline, several lines high, each value a bar
of equal width, with a line of labels beneath it (dates, months) that the caller lines
up with the bars. The figures behind the picture are the caller's to show as text too (a
table beside it), for exact amounts and for a screen reader."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from ..ui.text import plain


class BarChart(Vertical):
    """*rows* lines of bars over one line of labels. The bars are scaled from the
    smallest value shown (the lowest bar) to the largest (a full column)."""

    DEFAULT_CSS = """
    BarChart { height: auto; padding: 0 1; }
    BarChart > Sparkline { height: 5; width: 1; }
    BarChart > .chart-axis { height: 1; color: $text-muted; }
    """

    def __init__(self, rows: int = 5, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows
        self._values: list[int] = []

    def compose(self) -> ComposeResult:
        bars = Sparkline([], summary_function=max)
        bars.styles.height = self.rows
        yield bars
        yield Static("", classes="chart-axis", markup=False)

    def show(self, values: Sequence[int], bar_width: int, axis: str) -> None:
        """Draw *values* (oldest first), each *bar_width* columns wide, over *axis*."""
        self._values = list(values)
        bars = self.query_one(Sparkline)
        bars.styles.width = max(1, len(values) * bar_width)
        # One data point per column: the Sparkline spreads fewer points over its width
        # unevenly (a bar one column off its label).
        bars.data = [v for v in values for _ in range(bar_width)]
        self.query_one(".chart-axis", Static).update(plain(axis))

    @property
    def values(self) -> list[int]:
        """The values drawn, one per bar."""
        return list(self._values)
