"""Dialogs any screen can use: a yes/no question, a list to choose from, lines to read."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..ui.text import plain, plain_lines
from .paged_table import RowTable


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or Enter says yes, n or Esc says no."""

    SCREEN_NAME = "Confirm"

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.question), classes="dialog-title")
            yield Static(plain(f"y / Enter: {self.yes} · n / Esc: no"), classes="hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PickDialog(ModalScreen[str | None]):
    """A list to choose from: Enter returns the highlighted row's key, Esc None."""

    SCREEN_NAME = "Choose from a list"

    BINDINGS = [Binding("escape", "skip", "Skip", id="dialog.skip")]

    def __init__(
        self,
        title: str,
        columns: Sequence[tuple[str, int]],
        rows: Sequence[tuple[str, Sequence[object]]],
        hint: str = "Enter: choose · Esc: skip",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.columns = columns
        self.rows = rows
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick-dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield RowTable(cursor_type="row", id="pick-table")
            yield Static(plain(self.hint), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.set_columns(self.columns)
        for key, cells in self.rows:
            table.add_row(*(plain(c) for c in cells), key=key)
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(event.row_key.value)

    def action_skip(self) -> None:
        self.dismiss(None)


class ChecklistDialog(ModalScreen[list[str] | None]):
    """A list to tick several rows of: Space ticks or unticks the highlighted row, Enter
    returns the keys ticked (in the list's order; none ticked: an empty list), Esc None."""

    SCREEN_NAME = "Tick from a list"
    TICK = "[x]"

    BINDINGS = [
        Binding("escape", "skip", "Cancel", id="checklist.skip"),
        Binding("space", "tick", "Tick", id="checklist.tick"),
    ]

    def __init__(
        self,
        title: str,
        columns: Sequence[tuple[str, int]],
        rows: Sequence[tuple[str, Sequence[object]]],
        hint: str = "Space: tick / untick · Enter: done · Esc: cancel",
        ticked: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.title_text = title
        self.columns = columns
        self.rows = rows
        self.hint = hint
        self.ticked = [key for key, _cells in rows if key in set(ticked)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick-dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield RowTable(cursor_type="row", id="pick-table")
            yield Static(plain(self.hint), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.set_columns([("", 3), *self.columns])
        for key, cells in self.rows:
            mark = self.TICK if key in self.ticked else ""
            table.add_row(mark, *(plain(c) for c in cells), key=key)
        table.focus()

    def action_tick(self) -> None:
        table = self.query_one(RowTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        if key in self.ticked:
            self.ticked.remove(key)
        else:
            self.ticked.append(key)
        table.update_cell_at((table.cursor_row, 0), self.TICK if key in self.ticked else "")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        order = [key for key, _cells in self.rows]
        self.dismiss(sorted(self.ticked, key=order.index))

    def action_skip(self) -> None:
        self.dismiss(None)


class InfoDialog(ModalScreen[None]):
    """Lines to read; Enter or Esc closes."""

    SCREEN_NAME = "Details"

    BINDINGS = [Binding("escape,enter", "close", "Close", id="dialog.close")]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield Static(plain_lines(self.lines), id="info-body")
            yield Static("Enter or Esc: close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
