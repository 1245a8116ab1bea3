"""A DataTable that asks for the next page when the cursor nears its last row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


@dataclass(frozen=True)
class Column:
    """One column of a list, declared once (a screen's COLUMNS): its label, its width at
    80 columns, its *share* of the width a wider terminal adds (0: it keeps its width)
    and whether it is *optional* (left out, rather than cut, when it does not fit)."""

    label: str
    width: int
    share: int = 0
    optional: bool = False


class RowTable(DataTable):
    """A list of rows: Home and End move the cursor to the first and last row (a plain
    DataTable only scrolls the view sideways, leaving the cursor where it was)."""

    BINDINGS = [
        Binding("home", "scroll_top", "First row", show=False, id="table.first"),
        Binding("end", "scroll_bottom", "Last row", show=False, id="table.last"),
    ]

    # Room kept for the vertical scrollbar, so a list that grows one does not lose a column.
    SCROLLBAR_ROOM = 2

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shares: dict[str, int] = {}
        self._optional: tuple[str, ...] = ()
        self._most = 40
        self._base: dict = {}  # column key -> (label, width as added)

    def set_columns(self, columns: Iterable[Column | tuple[str, int]], most: int = 40) -> None:
        """Add the *columns* (Column, or (label, width)) and fit them to the width there
        is (stretch_columns) when any has a share or is optional."""
        columns = [c if isinstance(c, Column) else Column(*c) for c in columns]
        for column in columns:
            self.add_column(column.label, width=column.width)
        shares = {c.label: c.share for c in columns if c.share}
        optional = tuple(c.label for c in columns if c.optional)
        if shares or optional:
            self.stretch_columns(shares, most, optional)

    def stretch_columns(
        self, shares: dict[str, int], most: int = 40, optional: tuple[str, ...] = ()
    ) -> None:
        """Fit the columns to the width there is. The width beyond the columns' own goes
        to the named columns (label -> share), each up to *most* cells, so a wide terminal
        shows whole names and payers, not "Blue Demo Sh". An *optional* column that does
        not fit whole (rightmost first) is left out rather than cut to "D"; it comes back
        when the terminal is wide enough. Give the widths that suit 80 columns."""
        self._shares = dict(shares)
        self._optional = tuple(optional)
        self._most = most
        self._fit_columns()

    def on_resize(self) -> None:
        self._fit_columns()

    def column_width(self, label: str) -> int:
        """The width the column of that label has now (0 when it is left out)."""
        for column in self.columns.values():
            if column.label.plain == label:
                return column.width
        return 0

    def _fit_columns(self) -> None:
        if not (self._shares or self._optional) or not self.columns or not self.size.width:
            return
        fixed = {k: c for k, c in self.columns.items() if not c.auto_width}
        for key, column in fixed.items():
            self._base.setdefault(key, (column.label.copy(), column.width))
        pad = 2 * self.cell_padding
        room = self.size.width - self.SCROLLBAR_ROOM
        need = sum(c.get_render_width(self) for c in self.columns.values() if c.auto_width)
        need += sum(width + pad for _label, width in (self._base[k] for k in fixed))
        hidden = set()
        for key in reversed(list(fixed)):
            if need <= room:
                break
            label, width = self._base[key]
            if label.plain in self._optional:
                hidden.add(key)
                need -= width
        chosen = {
            key: self._shares[self._base[key][0].plain]
            for key in fixed
            if key not in hidden and self._base[key][0].plain in self._shares
        }
        spare = max(0, room - need)
        total = sum(chosen.values()) or 1
        widths = {}
        for key in fixed:
            label, width = self._base[key]
            if key in hidden:
                widths[key] = (Text(""), 0)
            elif key in chosen:
                grown = min(self._most, width + spare * chosen[key] // total)
                widths[key] = (label, max(width, grown))
            else:
                widths[key] = (label, width)
        if all(
            (fixed[k].width, fixed[k].label.plain) == (w, lb.plain) for k, (lb, w) in widths.items()
        ):
            return
        for key, (label, width) in widths.items():
            fixed[key].label = label
            fixed[key].width = width
        self._require_update_dimensions = True
        self._clear_caches()


class PagedTable(RowTable):
    """Rows arrive a page at a time; ``NeedMore`` is posted near the end of what is loaded.

    The screen answers with the next keyset page and calls ``add_page``; ``has_more``
    stays False once the last page is in.
    """

    class NeedMore(Message):
        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

    LOOKAHEAD = 20
    CHUNK = 60  # rows made at a time from a list already fetched (set_rows)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.has_more = False
        self._asked = False
        self._pending: list[tuple[object, str]] = []
        self._cells = tuple
        self._making = False

    def reset(self) -> None:
        # Forget what was pending first: clearing moves the cursor, and that must not
        # bring the old list's rows back into the new one.
        self._pending = []
        self.has_more = False
        self._asked = False
        self.clear()

    def set_rows(self, rows: list, keys: list[str], keep: str | None = None, cells=tuple) -> None:
        """Show a bounded list fetched whole (a day's schedule): only the rows near the
        screen are made into table rows, the rest as the cursor comes near them, so a
        day of 800 appointments shows as fast as one of 80. Given *cells*, *rows* are
        records and cells(record) makes a row's cells when it is made (1,351 rows of
        Rich Text made up front were 80 ms of a busy day's first paint). The cursor goes
        back to *keep* if it is still there."""
        self.reset()
        self._cells = cells
        self._pending = list(zip(rows, keys, strict=True))
        need = keys.index(keep) + 1 + self.LOOKAHEAD if keep in keys else 0
        self._make_rows(max(self.CHUNK, need))
        self.move_to_key(keep)

    def _make_rows(self, count: int) -> None:
        batch, self._pending = self._pending[:count], self._pending[count:]
        self._making = True  # adding rows moves the cursor: that is not the user nearing the end
        try:
            for row, key in batch:
                self.add_row(*self._cells(row), key=key)
        finally:
            self._making = False

    def add_page(self, rows: list[tuple], keys: list[str], has_more: bool) -> None:
        for row, key in zip(rows, keys, strict=True):
            self.add_row(*row, key=key)
        self.has_more = has_more
        self._asked = False

    def action_scroll_bottom(self) -> None:
        # The rows of a list fetched whole but not yet made count too: End goes to the last.
        if self._pending:
            self._make_rows(len(self._pending))
        super().action_scroll_bottom()

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if self._pending and not self._making and new.row >= self.row_count - self.LOOKAHEAD:
            self._make_rows(self.CHUNK)
        if self.has_more and not self._asked and new.row >= self.row_count - self.LOOKAHEAD:
            self._asked = True
            self.post_message(self.NeedMore(self))

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def reveal_key(self, key: str) -> bool:
        """Put the cursor on *key*, making the rows up to it first if they are still
        pending (a found name far down a long day). False if no such row."""
        if key not in self.rows:
            keys = [k for _, k in self._pending]
            if key not in keys:
                return False
            self._make_rows(keys.index(key) + 1 + self.LOOKAHEAD)
        self.move_cursor(row=self.get_row_index(key))
        return True

    def move_to_key(self, key: str | None) -> None:
        """Put the cursor back on the row it was on before a reload, if it is still there."""
        if key is None:
            return
        try:
            self.move_cursor(row=self.get_row_index(key))
        except RowDoesNotExist:
            pass  # the row is gone; leave the cursor where it is
