"""Calendar views pushed over the schedule: the day as a grid across providers, one
provider's week, and a month of booked counts (Enter returns the chosen day)."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer, Static

from ...db import changes
from ...services import clock
from ...services.scheduling.calendar import (
    DayGridData,
    MonthData,
    WeekGridData,
    add_months,
    day_grid,
    month_overview,
    week_grid,
    week_start,
)
from ...services.validate import date_in_range, parse_date, step_date
from ...services.wording import days_from_today, plural
from ...ui.calls import ServiceCaller
from ...ui.changes import DataChanged, concerns
from ...ui.text import plain, visible
from ...widgets.day_grid import LEGEND, DayGrid, fit_text
from ...widgets.form import FieldSpec, FormDialog


def relative_day(day: dt.date) -> str:
    offset = (day - clock.today()).days
    return days_from_today(offset)


class ViewScreen(ServiceCaller, Screen):
    """A screen pushed over an area: title bar, body, message line, footer; Esc back.
    Refetches when it comes back into view and when another terminal changes data."""

    TOPICS = frozenset({changes.SCHEDULE})  # refetched when another terminal changes these

    VIEW_TITLE = ""
    BINDINGS = [Binding("escape", "back", "Back", id="view.back")]

    def compose(self) -> ComposeResult:
        yield Static(id="titlebar")
        yield from self.compose_body()
        yield Static(id="message")
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def set_title(self, extra: str = "") -> None:
        app = self.app
        parts = [self.VIEW_TITLE, extra, app.clinic_name, app.actor.short_name]
        self.query_one("#titlebar", Static).update(plain(" · ".join(p for p in parts if p)))

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#message", Static).update(plain(text, style))

    def show_error(self, error) -> None:
        self.say(str(error), "bold red")
        self.app.bell()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_data_changed(self, message: DataChanged) -> None:
        if concerns(self, message):
            self.reload()

    def reload(self) -> None:
        """Fetch what the screen shows again."""

    def action_back(self) -> None:
        self.dismiss(None)

    def ask_date(self, then) -> None:
        """The go-to-date dialog of the schedule: t, t+7, 12/24, 2026-12-24."""

        def parse(actor, values):
            return parse_date("date", values["date"], today=clock.today())

        self.app.push_screen(
            FormDialog(
                "Go to date",
                [FieldSpec("date", "Date", placeholder="t+7, 12/24, 2026-12-24")],
                parse,
                hint="t = today, t+1 = tomorrow, t-7, t+2w, 12/24 · Enter go · Esc cancel",
            ),
            lambda day: then(day) if day else None,
        )


def describe(event: DayGrid.Highlighted) -> str:
    """One line about the highlighted cell: the appointment, or the free / blocked time."""
    column, at = event.column, event.at
    if column is None or at is None:
        return ""
    where = f"{at:%a %m/%d/%Y %H:%M} · {visible(column.provider)}"
    a = event.appointment
    cell = event.grid.cells[event.grid.cursor_col][event.grid.cursor_row]
    if a is not None:
        text = (
            f"{where} · {visible(a.patient)} · {visible(a.appt_type)} {a.minutes} min "
            f"{a.starts_at:%H:%M}-{a.ends_at:%H:%M} · {a.status_label}"
        )
        if cell.block is not None:
            return f"{text} · booked in blocked time: {visible(cell.block.reason)}"
        return f"{text} · Enter: patient"
    if cell.block is not None:
        who = "clinic closed" if cell.block.provider_id is None else "blocked"
        return f"{where} · {who}: {visible(cell.block.reason)}"
    if cell.kind == "off":
        return f"{where} · not working"
    return f"{where} · free · {LEGEND}"


class GridScreen(ViewScreen):
    """What the day and week grids share: the grid, the line about the highlighted cell,
    Enter opening the patient."""

    def on_day_grid_highlighted(self, event: DayGrid.Highlighted) -> None:
        self.say(describe(event))

    def on_day_grid_selected(self, event: DayGrid.Selected) -> None:
        event.stop()
        if event.appointment is not None:
            self.app.open_patient(event.appointment.patient_id)

    @property
    def grid(self) -> DayGrid:
        return self.query_one(DayGrid)

    def start_minute_for(self, columns) -> int:
        """Where the cursor goes on a new day: now if it is today, else the first
        working hour of the highlighted column."""
        now = clock.now_local().naive
        if now.date() in {c.day for c in columns}:
            return now.hour * 60 + now.minute
        index = min(self.grid.cursor_col, len(columns) - 1) if columns else 0
        hours = columns[index].hours if columns else ()
        starts = [s for c in columns for s, _e in c.hours]
        return hours[0][0] if hours else min(starts, default=8 * 60)


class DayGridScreen(GridScreen):
    """One day as a time grid: providers side by side when the terminal is wide enough,
    one at a time otherwise (``[`` / ``]`` change provider)."""

    VIEW_TITLE = "Day"
    BINDINGS = [
        # Priority: shown in the footer, though the grid has these keys too.
        Binding(
            "right_square_bracket",
            "step_column(1)",
            "Provider",
            priority=True,
            id="day_grid.provider",
        ),
        Binding(
            "left_square_bracket",
            "step_column(-1)",
            "Prev provider",
            show=False,
            priority=True,
            id="day_grid.prev_provider",
        ),
        Binding("minus", "day(-1)", "Prev day", show=False, id="day_grid.prev_day"),
        Binding("plus,equals_sign", "day(1)", "Next day", id="day_grid.next_day"),
        Binding("t", "today", "Today", id="day_grid.today"),
        Binding("g", "go_to_date", "Go to date", id="day_grid.go_to_date"),
        Binding("w", "week", "Week", id="day_grid.week"),
    ]

    def __init__(self, day: dt.date) -> None:
        super().__init__()
        self.day = day
        self.data: DayGridData | None = None
        self._moved_day = True

    def compose_body(self) -> ComposeResult:
        yield DayGrid(by="provider", min_column_width=22, id="day-grid")

    def on_mount(self) -> None:
        self.set_title(f"{self.day:%a %m/%d/%Y}")
        self.grid.focus()

    def reload(self) -> None:
        self.call_service(day_grid, self.day, then=self._show, group="grid")

    def _show(self, data: DayGridData) -> None:
        if data.day != self.day:
            return
        self.data = data
        # The one count the day list and the month show, its meaning in the label.
        counts = data.counts.label
        self.set_title(f"{data.day:%a %m/%d/%Y} ({relative_day(data.day)}) · {counts}")
        cursor = self.start_minute_for(data.columns) if self._moved_day else None
        self._moved_day = False
        self.grid.show(data.columns, data.start_minute, data.end_minute, cursor_minute=cursor)

    def show_day(self, day: dt.date) -> None:
        self.day = day
        self._moved_day = True
        self.set_title(f"{day:%a %m/%d/%Y} ({relative_day(day)}) · loading…")
        self.reload()

    def action_day(self, step: int) -> None:
        day = step_date(self.day, step)
        if day is None:  # the clinic's dates end at 1900 and 2100
            self.app.bell()
            return
        self.show_day(day)

    def action_today(self) -> None:
        self.show_day(clock.today())

    def action_go_to_date(self) -> None:
        self.ask_date(self.show_day)

    def action_step_column(self, step: int) -> None:
        self.grid.action_step_column(step)

    def action_week(self) -> None:
        column = self.grid.highlighted_column
        self.app.push_screen(WeekScreen(self.day, column.provider_id if column else None))


class WeekScreen(GridScreen):
    """One provider's week, Monday to Sunday, by time rows."""

    VIEW_TITLE = "Week"
    BINDINGS = [
        # Priority: the grid would otherwise take these for its own cursor.
        Binding(
            "right_square_bracket", "provider(1)", "Provider", priority=True, id="week.provider"
        ),
        Binding(
            "left_square_bracket",
            "provider(-1)",
            "Prev provider",
            show=False,
            priority=True,
            id="week.prev_provider",
        ),
        Binding("right", "week(1)", "Next week", priority=True, id="week.next_week"),
        Binding("left", "week(-1)", "Prev week", show=False, priority=True, id="week.prev_week"),
        Binding("tab", "day_column(1)", "Next day", show=False, id="week.next_day"),
        Binding("shift+tab", "day_column(-1)", "Prev day", show=False, id="week.prev_day"),
        Binding("t", "this_week", "This week", id="week.this_week"),
        Binding("g", "go_to_date", "Go to date", id="week.go_to_date"),
        Binding("v", "day_view", "Day view", id="week.day_view"),
    ]

    def __init__(self, day: dt.date, provider_id: int | None = None) -> None:
        super().__init__()
        self.day = day  # the highlighted day; the week is the one holding it
        self.provider_id = provider_id
        self.data: WeekGridData | None = None
        self._moved = True

    def compose_body(self) -> ComposeResult:
        yield DayGrid(by="day", min_column_width=10, id="week-grid")

    def on_mount(self) -> None:
        self.set_title(f"week of {week_start(self.day):%m/%d/%Y}")
        self.grid.focus()

    def reload(self) -> None:
        self.call_service(week_grid, self.day, self.provider_id, then=self._show, group="grid")

    def _show(self, data: WeekGridData) -> None:
        if data.monday != week_start(self.day) or (
            self.provider_id is not None and data.provider.id != self.provider_id
        ):
            return  # an answer for a week or provider no longer asked for
        self.data = data
        self.provider_id = data.provider.id
        self.set_title(
            f"{visible(data.provider.short_name)} · {data.monday:%m/%d/%Y} · {data.counts.label}"
        )
        col = (self.day - data.monday).days
        cursor = self.start_minute_for(data.columns) if self._moved else None
        self._moved = False
        self.grid.show(
            data.columns, data.start_minute, data.end_minute, cursor_minute=cursor, cursor_col=col
        )

    def on_day_grid_highlighted(self, event: DayGrid.Highlighted) -> None:
        super().on_day_grid_highlighted(event)
        # Follow the cursor's day, but not while another week is being fetched.
        if event.column is not None and week_start(event.column.day) == week_start(self.day):
            self.day = event.column.day

    def show_week(self, day: dt.date) -> None:
        self.day = day
        self._moved = True
        self.reload()

    def action_week(self, step: int) -> None:
        day = step_date(self.day, 7 * step)
        if day is None:
            self.app.bell()
            return
        self.show_week(day)

    def action_this_week(self) -> None:
        self.show_week(clock.today())

    def action_go_to_date(self) -> None:
        self.ask_date(self.show_week)

    def action_provider(self, step: int) -> None:
        if not self.data or not self.data.providers:
            return
        ids = [p.id for p in self.data.providers]
        index = ids.index(self.provider_id) if self.provider_id in ids else -1
        self.provider_id = ids[(index + step) % len(ids)]
        self.reload()

    def action_day_column(self, step: int) -> None:
        self.grid.action_step_column(step)

    def action_day_view(self) -> None:
        self.app.push_screen(DayGridScreen(self.day))


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
            parts.append(f"clinic closed: {visible(info.closed)}")
        elif info.part_closed:
            parts.append(f"clinic closed part of the day: {visible(info.part_closed)}")
        elif not info.working:
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
