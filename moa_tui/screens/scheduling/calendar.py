"""Calendar views pushed over the schedule: the day as a grid across providers, one
provider's week (the month is month.py), and the screen base they share."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding

from ...services import clock
from ...services.scheduling.calendar import (
    DayGridData,
    WeekGridData,
    day_grid,
    week_grid,
    week_start,
)
from ...services.validate import step_date
from ...services.wording import days_from_today
from ...ui import changes
from ...ui.text import visible
from ...widgets.day_grid import DayGrid
from ...widgets.grid_cells import LEGEND
from ..base import TitledScreen
from .schedule_dialogs import go_to_date_dialog


def relative_day(day: dt.date) -> str:
    offset = (day - clock.today()).days
    return days_from_today(offset)


class ViewScreen(TitledScreen):
    """A screen pushed over an area (screens/base.py's title bar, message line and
    footer); Esc back. Refetches when it comes back into view and when another terminal
    changes data."""

    TOPICS = frozenset({changes.SCHEDULE})  # refetched when another terminal changes these

    BINDINGS = [Binding("escape", "back", "Back", id="view.back")]

    def action_back(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="go-to-date")
    async def ask_date(self, then) -> None:
        """The schedule's go-to-date dialog (t, t+7, 12/24, 2026-12-24); *then* the day."""
        day = await self.app.push_screen_wait(go_to_date_dialog())
        if day:
            then(day)


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
