"""A DataTable that asks for the next page when the cursor nears its last row."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


class PagedTable(DataTable):
    """Rows arrive a page at a time; ``NeedMore`` is posted near the end of what is loaded.

    The screen answers with the next keyset page and calls ``add_page``; ``has_more``
    stays False once the last page is in.
    """

    class NeedMore(Message):
        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

    LOOKAHEAD = 20

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.has_more = False
        self._asked = False

    def reset(self) -> None:
        self.clear()
        self.has_more = False
        self._asked = False

    def add_page(self, rows: list[tuple], keys: list[str], has_more: bool) -> None:
        for row, key in zip(rows, keys, strict=True):
            self.add_row(*row, key=key)
        self.has_more = has_more
        self._asked = False

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if self.has_more and not self._asked and new.row >= self.row_count - self.LOOKAHEAD:
            self._asked = True
            self.post_message(self.NeedMore(self))

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def move_to_key(self, key: str | None) -> None:
        """Put the cursor back on the row it was on before a reload, if it is still there."""
        if key is None:
            return
        try:
            self.move_cursor(row=self.get_row_index(key))
        except RowDoesNotExist:
            pass  # the row is gone; leave the cursor where it is
