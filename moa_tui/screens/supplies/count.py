"""A cycle count: the lots of an item, or everything kept at one location, as a list;
Enter types what is on the shelf for the row under the cursor, p posts the counted rows
(one reason, every difference an adjustment, all or none). Rows not counted are left
as they are."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.errors import ValidationError
from ...services.supplies.counts import CountResult, record_count
from ...services.supplies.lots import LotRow
from ...services.validate import is_whole_number
from ...services.wording import date_text, plural
from ...ui.text import plain
from ...widgets.dialogs import ConfirmDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView


class CountScreen(RecordView):
    SCREEN_NAME = "Count"
    VIEW_TITLE = "Count"
    COLUMNS = (
        Column("Item", 22, share=2),
        Column("Lot", 10, share=1),
        Column("Expires", 10),
        Column("Location", 11, share=1),
        Column("On file", 7),
        Column("Counted", 7),
    )
    ACTION_PERMISSIONS = {"post": "stock.write"}
    BINDINGS = [
        Binding("enter", "count", "Count", id="count.count"),
        Binding("p", "post", "Post", id="count.post"),
        Binding("escape", "back", "Back", id="count.back"),
    ]

    def __init__(self, title: str, rows: list[LotRow]) -> None:
        super().__init__()
        self.title_text = title
        self.lots = rows
        self.counted: dict[int, int] = {}

    def first_title(self) -> str:
        return self.title_text

    def compose_body(self) -> ComposeResult:
        yield Static(id="count-summary", classes="toolbar")
        yield PagedTable(id="count-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        super().on_mount()

    def reload(self) -> None:
        """(Nothing to fetch: the rows came with the screen.)"""
        self._show()

    def _show(self) -> None:
        table = self.query_one(PagedTable)
        rows = [
            (
                plain(r.item),
                plain(r.lot_number or "(none)"),
                date_text(r.expiry) if r.expiry else "",
                plain(r.location),
                str(r.on_hand).rjust(7),
                self._counted_cell(r),
            )
            for r in self.lots
        ]
        table.set_rows(rows, [str(r.id) for r in self.lots], keep=table.selected_key())
        off = sum(self.counted[r.id] != r.on_hand for r in self.lots if r.id in self.counted)
        self.query_one("#count-summary", Static).update(
            plain(
                f"{len(self.counted)} of {plural(len(self.lots), 'lot')} counted, "
                f"{plural(off, 'difference')} · Enter: count · p: post"
            )
        )

    def _counted_cell(self, r: LotRow):
        if r.id not in self.counted:
            return ""
        n = self.counted[r.id]
        return plain(str(n).rjust(7), "bold red" if n != r.on_hand else "")

    def _selected(self) -> LotRow | None:
        key = self.query_one(PagedTable).selected_key()
        return next((r for r in self.lots if str(r.id) == key), None)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_count()

    def action_count(self) -> None:
        row = self._selected()
        if row is None:
            return

        def check(actor, v):
            text = v["counted"].strip().replace(",", "")
            if not is_whole_number(text) or int(text) > 1_000_000:
                raise ValidationError.one("counted", "A whole number, e.g. 12.")
            return int(text)

        lot = row.lot_number or "no lot"
        self.app.push_screen(
            FormDialog(
                f"{row.item}, {lot} at {row.location} (on file {row.on_hand})",
                [
                    FieldSpec(
                        "counted",
                        "On the shelf",
                        str(self.counted.get(row.id, "")),
                        max_length=9,
                        restrict=r"[0-9,]*",
                    )
                ],
                check,
                hint="Enter: keep this count · Esc cancel",
            ),
            lambda n: self._set(row, n),
        )

    def _set(self, row: LotRow, counted: int | None) -> None:
        if counted is None:
            return
        self.counted[row.id] = counted
        self._show()
        table = self.query_one(PagedTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_post(self) -> None:
        if not self.counted:
            self.say("Nothing counted yet: Enter on a row to count it.", "error")
            return
        counts = dict(self.counted)

        def submit(actor, v):
            return record_count(actor, counts, v["reason"])

        self.app.push_screen(
            FormDialog(
                f"Post the count of {plural(len(counts), 'lot')}",
                [FieldSpec("reason", "Reason", "Cycle count", max_length=200)],
                submit,
                hint="Differences post to inventory adjustments · Enter: post · Esc cancel",
            ),
            self._posted,
        )

    def _posted(self, result: CountResult | None) -> None:
        if result is not None:
            self.counted = {}
            self.dismiss(result)

    def action_back(self) -> None:
        if not self.counted:
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(f"Leave without posting {plural(len(self.counted), 'count')}?", "Leave"),
            answered,
        )
