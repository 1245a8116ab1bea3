"""A time grid: 15-minute rows down, one column per provider (or per day) across, with
a cursor the arrow keys move. Appointments are coloured by their type, blocked and
closed time is shaded with its reason, off hours are dimmed, free time is blank.

All columns are shown side by side when each gets ``min_column_width`` cells (plus the
time column); when they do not all fit, a window of wider columns (``paged_column_width``)
is shown, the cursor takes it along and ``[`` / ``]`` step to the previous / next column.
Four providers: side by side from 94 columns; at 80 columns one provider at a time.
"""

from __future__ import annotations

import datetime as dt

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from ..services import clock
from ..services.scheduling.calendar import SLOT_MINUTES, GridAppointment, GridColumn
from ..ui.text import visible
from .grid_cells import (
    Cell,
    appointment_text,
    column_cells,
    column_title,
    fit_text,
    type_style,
)

TIME_WIDTH = 6  # "10:30" and one mark
HEADER_LINES = 2


class DayGrid(Widget, can_focus=True):
    """A grid of columns (providers on one day, or days of one provider) by time rows."""

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Earlier", show=False, id="grid.earlier"),
        Binding("down", "move(1, 0)", "Later", show=False, id="grid.later"),
        Binding("left", "move(0, -1)", "Left", show=False, id="grid.left"),
        Binding("right", "move(0, 1)", "Right", show=False, id="grid.right"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="grid.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="grid.page_down"),
        Binding("home", "edge(-1)", "First row", show=False, id="grid.first_row"),
        Binding("end", "edge(1)", "Last row", show=False, id="grid.last_row"),
        Binding(
            "left_square_bracket",
            "step_column(-1)",
            "Prev column",
            show=False,
            id="grid.prev_column",
        ),
        Binding(
            "right_square_bracket",
            "step_column(1)",
            "Next column",
            show=False,
            id="grid.next_column",
        ),
        Binding("enter", "select", "Open", show=False, id="grid.open"),
    ]
    COMPONENT_CLASSES = {
        "day-grid--header",
        "day-grid--today",
        "day-grid--time",
        "day-grid--hour",
        "day-grid--now",
        "day-grid--rule",
        "day-grid--free",
        "day-grid--off",
        "day-grid--blocked",
        "day-grid--appt",
        "day-grid--cursor",
    }
    DEFAULT_CSS = """
    DayGrid {
        height: 1fr;
        width: 1fr;
    }
    DayGrid > .day-grid--header { text-style: bold; background: $boost; }
    DayGrid > .day-grid--today { text-style: bold reverse; }
    DayGrid > .day-grid--time { color: $text-muted; }
    DayGrid > .day-grid--hour { color: $text; text-style: bold; }
    DayGrid > .day-grid--now { color: $accent; text-style: bold; }
    DayGrid > .day-grid--rule { color: $text-disabled; }
    DayGrid > .day-grid--free { }
    DayGrid > .day-grid--off { background: $panel-darken-1; color: $text-disabled; }
    DayGrid > .day-grid--blocked { background: $error-muted; color: $text; }
    DayGrid > .day-grid--appt { background: $primary-muted; color: $text; }
    DayGrid > .day-grid--cursor { background: $accent; color: $text-accent; text-style: bold; }
    DayGrid:focus > .day-grid--cursor { background: $accent; }
    """

    class Highlighted(Message):
        """The cursor moved (or the data changed under it)."""

        def __init__(
            self,
            grid: DayGrid,
            column: GridColumn | None,
            at: dt.datetime | None,
            appointment: GridAppointment | None,
        ) -> None:
            super().__init__()
            self.grid = grid
            self.column = column
            self.at = at
            self.appointment = appointment

        @property
        def control(self) -> DayGrid:
            return self.grid

    class Selected(Highlighted):
        """Enter on a cell."""

    def __init__(
        self,
        *,
        by: str = "provider",
        min_column_width: int = 22,
        paged_column_width: int = 40,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.by = by  # "provider": a column per provider; "day": a column per day
        self.min_column_width = min_column_width
        self.paged_column_width = max(paged_column_width, min_column_width)
        self.columns: list[GridColumn] = []
        self.start_minute = 8 * 60
        self.rows = 0
        self.cells: list[list[Cell]] = []
        self.cursor_row = 0
        self.cursor_col = 0
        self.first_col = 0
        self.top = 0

    # --- data ----------------------------------------------------------------------

    def show(
        self,
        columns: list[GridColumn],
        start_minute: int,
        end_minute: int,
        *,
        cursor_minute: int | None = None,
        cursor_col: int | None = None,
    ) -> None:
        """Show new data. The cursor stays on the same time and column unless told
        otherwise (a reload from another terminal's change keeps the user's place)."""
        old_minute = self.start_minute + self.cursor_row * SLOT_MINUTES
        self.columns = list(columns)
        self.start_minute = start_minute
        self.rows = max(1, (end_minute - start_minute) // SLOT_MINUTES)
        self.cells = [column_cells(c, start_minute, self.rows) for c in self.columns]
        minute = old_minute if cursor_minute is None else cursor_minute
        self.cursor_row = self._clamp_row((minute - start_minute) // SLOT_MINUTES)
        if cursor_col is not None:
            self.cursor_col = cursor_col
        self.cursor_col = max(0, min(self.cursor_col, len(self.columns) - 1))
        if cursor_minute is not None:
            # A new place: show some time before the cursor, not just the cursor row.
            self.top = max(0, self.cursor_row - 2)
        self._follow_cursor()
        self.refresh()
        self._post_highlight()

    # --- what is under the cursor ------------------------------------------------------

    @property
    def highlighted_column(self) -> GridColumn | None:
        if 0 <= self.cursor_col < len(self.columns):
            return self.columns[self.cursor_col]
        return None

    @property
    def highlighted_time(self) -> dt.datetime | None:
        column = self.highlighted_column
        if column is None:
            return None
        minute = self.start_minute + self.cursor_row * SLOT_MINUTES
        return dt.datetime.combine(column.day, dt.time.min) + dt.timedelta(minutes=minute)

    @property
    def highlighted_slot(self) -> tuple[int, dt.datetime] | None:
        """(provider id, start of the 15-minute row) under the cursor."""
        column, at = self.highlighted_column, self.highlighted_time
        return None if column is None or at is None else (column.provider_id, at)

    @property
    def highlighted_appointment(self) -> GridAppointment | None:
        if not self.cells or not self.columns:
            return None
        return self.cells[self.cursor_col][self.cursor_row].appointment

    @property
    def highlighted_appointment_id(self) -> int | None:
        appointment = self.highlighted_appointment
        return appointment.id if appointment else None

    def _post_highlight(self) -> None:
        self.post_message(
            self.Highlighted(
                self,
                self.highlighted_column,
                self.highlighted_time,
                self.highlighted_appointment,
            )
        )

    # --- geometry ----------------------------------------------------------------------

    @property
    def fit(self) -> int:
        """How many columns are shown side by side: all if they fit, else as many wide
        ones as fit (at least one)."""
        room = self.size.width - TIME_WIDTH
        count = len(self.columns) or 1
        if room // self.min_column_width >= count:
            return count
        return max(1, min(count, room // self.paged_column_width))

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - HEADER_LINES)

    def _clamp_row(self, row: int) -> int:
        return max(0, min(row, self.rows - 1))

    def _follow_cursor(self) -> None:
        fit = self.fit
        if self.cursor_col < self.first_col:
            self.first_col = self.cursor_col
        elif self.cursor_col >= self.first_col + fit:
            self.first_col = self.cursor_col - fit + 1
        self.first_col = max(0, min(self.first_col, max(0, len(self.columns) - fit)))
        rows = self.visible_rows
        if self.cursor_row < self.top:
            self.top = self.cursor_row
        elif self.cursor_row >= self.top + rows:
            self.top = self.cursor_row - rows + 1
        self.top = max(0, min(self.top, max(0, self.rows - rows)))

    def on_resize(self) -> None:
        self._follow_cursor()
        self.refresh()

    def _widths(self) -> list[int]:
        shown = min(self.fit, len(self.columns))
        if not shown:
            return []
        # The columns share the width: what does not divide evenly goes to the first ones.
        base, extra = divmod(self.size.width - TIME_WIDTH, shown)
        return [base + (index < extra) for index in range(shown)]

    @property
    def visible_columns(self) -> list[GridColumn]:
        return self.columns[self.first_col : self.first_col + len(self._widths())]

    # --- keys --------------------------------------------------------------------------

    def _moved(self) -> None:
        self._follow_cursor()
        self.refresh()
        self._post_highlight()

    def action_move(self, rows: int, cols: int) -> None:
        if not self.columns:
            return
        self.cursor_row = self._clamp_row(self.cursor_row + rows)
        self.cursor_col = max(0, min(self.cursor_col + cols, len(self.columns) - 1))
        self._moved()

    def action_page(self, pages: int) -> None:
        if self.columns:
            self.cursor_row = self._clamp_row(self.cursor_row + pages * self.visible_rows)
            self.top = self._clamp_row(self.top + pages * self.visible_rows)
            self._moved()

    def action_edge(self, direction: int) -> None:
        if self.columns:
            self.cursor_row = 0 if direction < 0 else self.rows - 1
            self._moved()

    def action_step_column(self, step: int) -> None:
        """The previous / next column, round the end (the next provider)."""
        if self.columns:
            self.cursor_col = (self.cursor_col + step) % len(self.columns)
            self._moved()

    def action_select(self) -> None:
        if self.columns:
            self.post_message(
                self.Selected(
                    self,
                    self.highlighted_column,
                    self.highlighted_time,
                    self.highlighted_appointment,
                )
            )

    # --- drawing -----------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"day-grid--{name}")

    def column_title(self, index: int, width: int = 80) -> tuple[str, str]:
        """The column's name and, below it, its count or why it is closed (shorter
        forms when the column is narrow)."""
        paged = f"{index + 1} of {len(self.columns)}" if self.fit < len(self.columns) else ""
        return column_title(self.columns[index], self.by, paged, width)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if not self.columns:
            text = "Loading…" if y == 0 else ""
            return Strip([Segment(fit_text(text, width), base)], width)
        if y < HEADER_LINES:
            return self._header_line(y, width)
        row = self.top + y - HEADER_LINES
        if row >= self.rows:
            return Strip.blank(width, base)
        return self._row_line(row, width)

    def _header_line(self, y: int, width: int) -> Strip:
        header = self._style("header")
        rule = header + self._style("rule")
        today = clock.today()
        segments = [Segment(" " * TIME_WIDTH, header)]
        for offset, w in enumerate(self._widths()):
            index = self.first_col + offset
            title, note = self.column_title(index, w - 2)
            style = header
            if y == 0 and self.by == "day" and self.columns[index].day == today:
                style = header + self._style("today")
            if index == self.cursor_col and y == 0:
                style = style + Style(underline=True)
            segments.append(Segment("│", rule))
            segments.append(Segment(fit_text(" " + (title if y == 0 else note), w - 1), style))
        return Strip(segments).adjust_cell_length(width, header)

    def _time_label(self, row: int) -> tuple[str, Style]:
        minute = self.start_minute + row * SLOT_MINUTES
        hour, mins = divmod(minute, 60)
        label = f"{hour:02d}:00" if mins == 0 else f"  :{mins:02d}"
        style = self._style("hour") if mins == 0 else self._style("time")
        now = clock.now_local().naive
        now_minute = now.hour * 60 + now.minute
        visible_days = {c.day for c in self.visible_columns}
        if now.date() in visible_days and minute <= now_minute < minute + SLOT_MINUTES:
            return f"{hour:02d}:{mins:02d}▸", self._style("now")
        if row == self.cursor_row:
            return f"{hour:02d}:{mins:02d} ", style + Style(reverse=True)
        return label + " ", style

    def _row_line(self, row: int, width: int) -> Strip:
        label, style = self._time_label(row)
        segments = [Segment(label.ljust(TIME_WIDTH), style)]
        rule = self._style("rule")
        for offset, w in enumerate(self._widths()):
            index = self.first_col + offset
            cell = self.cells[index][row]
            text, cell_style = self._cell(cell, row, w - 1)
            if index == self.cursor_col and row == self.cursor_row:
                cell_style = cell_style + self._style("cursor")
            if cell.kind == "appt" and cell.block is not None:
                # Booked in blocked or closed time: someone has to move it.
                segments.append(Segment("!", self._style("blocked") + Style(bold=True)))
            else:
                segments.append(Segment("│", rule))
            segments.append(Segment(fit_text(text, w - 1), cell_style))
        return Strip(segments).adjust_cell_length(width, self.rich_style)

    def _cell(self, cell: Cell, row: int, width: int) -> tuple[str, Style]:
        """The text and style of one cell (stored text made visible, never markup)."""
        if cell.kind == "appt" and cell.appointment is not None:
            a = cell.appointment
            style = type_style(a.color) or self._style("appt")
            if a.status == "no_show":
                style = style + Style(strike=True)
            elif a.status == "checked_out":
                style = style + Style(dim=True)
            return appointment_text(cell, row == self.top, width), style
        if cell.kind == "blocked" and cell.block is not None:
            text = visible(cell.block.reason) if cell.row_in == 0 or row == self.top else ""
            return (" " + text) if text else "", self._style("blocked")
        if cell.kind == "off":
            return (" off" if cell.row_in == 0 or row == self.top else ""), self._style("off")
        return "", self._style("free")
