"""A month of booked counts over the schedule (Enter returns the chosen day), and the
month grid it draws."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from ...services import clock
from ...services.scheduling.calendar import (
    MonthData,
    add_months,
    month_overview,
)
from ...services.validate import date_in_range, step_date
from ...services.wording import plural
from ...ui.text import visible
from ...widgets.grid_cells import fit_text
from .calendar import ViewScreen


class MonthGrid(Widget, can_focus=True):
    """A month as a wall calendar: each day with its booked count, closed days marked.
    The arrow keys move the day cursor (into the next or previous month at the edges)."""

    BINDINGS = [
        Binding("left", "move(-1)", "Prev day", show=False, id="month.grid.prev_day"),
        Binding("right", "move(1)", "Next day", show=False, id="month.grid.next_day"),
        Binding("up", "move(-7)", "Week up", show=False, id="month.grid.week_up"),
        Binding("down", "move(7)", "Week down", show=False, id="month.grid.week_down"),
        Binding("enter", "choose", "Go to day", id="month.grid.go_to_day"),
    ]
    COMPONENT_CLASSES = {
        "month-grid--header",
        "month-grid--day",
        "month-grid--number",
        "month-grid--other",
        "month-grid--closed",
        "month-grid--off",
        "month-grid--today",
        "month-grid--cursor",
    }
    DEFAULT_CSS = """
    MonthGrid { height: 1fr; width: 1fr; }
    MonthGrid > .month-grid--header { text-style: bold; background: $boost; }
    MonthGrid > .month-grid--day { }
    MonthGrid > .month-grid--number { background: $boost; text-style: bold; }
    MonthGrid > .month-grid--other { color: $text-disabled; }
    MonthGrid > .month-grid--closed { background: $error-muted; }
    MonthGrid > .month-grid--off { color: $text-muted; background: $panel-darken-1; }
    MonthGrid > .month-grid--today { text-style: bold underline; }
    MonthGrid > .month-grid--cursor { background: $accent; color: $text; text-style: bold; }
    """

    class Moved(Message):
        def __init__(self, day: dt.date) -> None:
            super().__init__()
            self.day = day

    class Chosen(Message):
        def __init__(self, day: dt.date) -> None:
            super().__init__()
            self.day = day

    def __init__(self, day: dt.date, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cursor = day
        self.data: MonthData | None = None

    def show(self, data: MonthData) -> None:
        self.data = data
        self.refresh()

    def move_to(self, day: dt.date) -> None:
        self.cursor = day
        self.refresh()
        self.post_message(self.Moved(day))

    def action_move(self, days: int) -> None:
        day = step_date(self.cursor, days)
        if day is None:
            self.app.bell()
            return
        self.move_to(day)

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.cursor))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"month-grid--{name}")

    def _weeks(self) -> list[list[dt.date]]:
        return pycalendar.Calendar(0).monthdatescalendar(self.cursor.year, self.cursor.month)

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        base = self.rich_style
        weeks = self._weeks()
        col = max(1, width // 7)
        if y == 0:
            header = self._style("header")
            names = "".join(fit_text(f" {name}", col) for name in pycalendar.day_abbr)
            return Strip([Segment(names, header)]).adjust_cell_length(width, header)
        lines = max(2, min(8, (height - 1) // len(weeks)))
        week, line = divmod(y - 1, lines)
        if week >= len(weeks):
            return Strip.blank(width, base)
        segments = [Segment(*self._cell(day, line, col)) for day in weeks[week]]
        return Strip(segments).adjust_cell_length(width, base)

    def _cell(self, day: dt.date, line: int, width: int) -> tuple[str, Style]:
        info = self.data.get(day) if self.data and day.month == self.cursor.month else None
        style = self._style("day")
        if day.month != self.cursor.month:
            style = self._style("other")
        elif info is not None and info.closed:
            style = self._style("closed")
        elif info is not None and not info.working:
            style = self._style("off")
        if day == self.cursor:
            style = style + self._style("cursor")
        if line == 0:
            style = style + self._style("number")
            text = f" {day.day:>2}"
            if day == clock.today():
                return fit_text(f"{text} today", width), style + self._style("today")
            return fit_text(text, width), style
        lines = self.day_lines(info, width) if info is not None else []
        text = lines[line - 1] if line - 1 < len(lines) else ""
        return fit_text(f" {text}" if text else "", width), style

    def day_lines(self, info, width: int) -> list[str]:
        """What a day shows below its number: the count (or closed / off), then why it
        is closed, then each provider's count (or "away") if the cell is wide enough."""
        if info.closed:
            first = f"closed · {info.booked} booked" if info.booked else "closed"
        elif info.booked:
            first = f"{info.booked} booked"
        else:
            first = "off" if not info.working else "–"
        if info.part_closed and not info.closed:
            first += " ½closed"
        lines = [first]
        if info.closed or info.part_closed:
            lines.append(visible(info.closed or info.part_closed))
        providers = self.data.providers if self.data else []
        if width >= 18 and not info.closed:
            for p in providers:
                count = str(info.by_provider.get(p.id, 0))
                if p.id in info.away:
                    count = f"away ({count})" if count != "0" else "away"
                name = fit_text(visible(p.short_name), width - 3 - len(count))
                lines.append(f"{name} {count}")
        elif info.away:
            lines.append(f"{len(info.away)} away")
        return lines


class MonthScreen(ViewScreen):
    """A month at a glance. Enter closes it with the highlighted date (the schedule jumps
    there); Esc closes it with None."""

    VIEW_TITLE = "Month"
    BINDINGS = [
        Binding(
            "pageup,left_square_bracket,minus", "month(-1)", "Prev month", id="month.prev_month"
        ),
        Binding(
            "pagedown,right_square_bracket,plus,equals_sign",
            "month(1)",
            "Next month",
            id="month.next_month",
        ),
        Binding(
            "t", "this_month", "This month", show=False, id="month.this_month"
        ),  # the footer fits 80 columns
        Binding("g", "go_to_date", "Go to date", id="month.go_to_date"),
    ]

    def __init__(self, day: dt.date) -> None:
        super().__init__()
        self.day = day

    def compose_body(self) -> ComposeResult:
        yield MonthGrid(self.day, id="month-grid")

    @property
    def month_grid(self) -> MonthGrid:
        return self.query_one(MonthGrid)

    def on_mount(self) -> None:
        self.set_title(f"{self.day:%B %Y}")
        self.month_grid.focus()

    def reload(self) -> None:
        self.call_service(
            month_overview, self.day.year, self.day.month, then=self._show, group="month"
        )

    def _show(self, data: MonthData) -> None:
        if (data.year, data.month) != (self.day.year, self.day.month):
            return
        self.month_grid.show(data)
        closed = sum(bool(d.closed) for d in data.days)
        extra = f" · {plural(closed, 'closed day')}" if closed else ""
        self.set_title(f"{self.day:%B %Y} · {data.counts.label}{extra}")
        self._describe()

    def _describe(self) -> None:
        grid = self.month_grid
        info = grid.data.get(self.day) if grid.data else None
        if info is None:
            self.say(f"{self.day:%a %m/%d/%Y}")
            return
        parts = [f"{self.day:%a %m/%d/%Y}", info.counts.label]
        if info.closed:
            parts.append(f"Closed: {visible(info.closed)}")
        else:
            if info.part_closed:
                parts.append(f"closed part of the day: {visible(info.part_closed)}")
            parts.extend(visible(why) for why in info.away_why)
            if not info.working:
                parts.append("nobody works this weekday")
        parts.append("Enter: go to this day")
        self.say(" · ".join(parts))

    def on_month_grid_moved(self, event: MonthGrid.Moved) -> None:
        old, self.day = self.day, event.day
        if (old.year, old.month) != (event.day.year, event.day.month):
            self.set_title(f"{self.day:%B %Y} · loading…")
            self.month_grid.data = None
            self.reload()
        self._describe()

    def on_month_grid_chosen(self, event: MonthGrid.Chosen) -> None:
        event.stop()
        self.dismiss(event.day)

    def action_month(self, step: int) -> None:
        day = add_months(self.day, step)
        if not date_in_range(day):
            self.app.bell()
            return
        self.month_grid.move_to(day)

    def action_this_month(self) -> None:
        self.month_grid.move_to(clock.today())

    def action_go_to_date(self) -> None:
        self.ask_date(self.month_grid.move_to)
