"""The journal, newest first, a keyset page at a time: Enter shows an entry's lines, r
reverses a manual entry with a reason (a new entry; the original is never edited)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services import clock
from ...services.books.journal import (
    SOURCE_LABELS,
    EntryLine,
    EntryRow,
    JournalPage,
    entry_detail,
    journal_page,
)
from ...services.books.ledger import reverse_entry
from ...services.validate import format_money, parse_date
from ...ui import changes
from ...ui.text import plain
from ...widgets.dialogs import InfoDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import TitledScreen

PAGE = 100


def entry_lines_text(row: EntryRow, lines: tuple[EntryLine, ...]) -> list[str]:
    """An entry as the detail dialog shows it: a debit and a credit column."""
    out = [f"{row.on:%m/%d/%Y} · {SOURCE_LABELS.get(row.source, row.source)} · by {row.staff}",
           row.memo, "", f"{'Account':<36}{'Debit':>13}{'Credit':>13}"]  # fmt: skip
    for line in lines:
        debit = format_money(line.cents) if line.cents > 0 else ""
        credit = format_money(-line.cents) if line.cents < 0 else ""
        out.append(f"{(line.code + ' ' + line.name)[:36]:<36}{debit:>13}{credit:>13}")
    if row.reverses:
        out.append(f"Reverses entry #{row.reverses}.")
    if row.reversed_by:
        out.append(f"Reversed by entry #{row.reversed_by}.")
    return out


class JournalScreen(TitledScreen):
    VIEW_TITLE = "Journal"
    TOPICS = frozenset({changes.BOOKS})
    COLUMNS = (
        Column("#", 5),
        Column("Date", 10),
        Column("Kind", 15),
        Column("Memo", 25, share=1),
        Column("Amount", 11),
    )
    ACTION_PERMISSIONS = {"reverse": "books.post"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="books_journal.back"),
        Binding("r", "reverse", "Reverse", id="books_journal.reverse"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, EntryRow] = {}
        self.next_after = None

    def compose_body(self) -> ComposeResult:
        yield Static("Newest first · Enter: the entry's lines · r: reverse", classes="toolbar")
        yield PagedTable(id="journal-table")

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()

    def reload(self) -> None:
        self.call_service(journal_page, None, PAGE, then=self._first, group="page")

    def _cells(self, r: EntryRow) -> tuple:
        kind = SOURCE_LABELS.get(r.source, r.source)
        memo = r.memo + (" (reversed)" if r.reversed_by else "")
        return (str(r.id).rjust(5), f"{r.on:%m/%d/%Y}", kind, plain(memo),
                format_money(r.debits_cents).rjust(11))  # fmt: skip

    def _first(self, page: JournalPage) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {}
        self._append(page)
        table.move_to_key(keep)

    def _append(self, page: JournalPage) -> None:
        keys = [str(r.id) for r in page.rows]
        self.rows.update(zip(keys, page.rows, strict=True))
        self.next_after = page.next_after
        self.query_one(PagedTable).add_page(
            [self._cells(r) for r in page.rows], keys, page.next_after is not None
        )

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.call_service(journal_page, self.next_after, PAGE, then=self._append, group="page")

    def selected(self) -> EntryRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        row = self.selected()
        if row is not None:
            self.call_service(entry_detail, row.id, then=self._detail)

    def _detail(self, found) -> None:
        row, lines = found
        self.app.push_screen(InfoDialog(f"Journal entry #{row.id}", entry_lines_text(row, lines)))

    def action_reverse(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not row.reversible:
            self.say(f"Entry #{row.id} was posted by the office's own work; undo it where it "
                     "was made (a correction, refund or void).", "error")  # fmt: skip
            return

        def submit(actor, values):
            on = parse_date("on", values["on"], today=clock.today(), label="Date")
            return reverse_entry(actor, row.id, on, values["reason"])

        self.app.push_screen(
            FormDialog(
                f"Reverse entry #{row.id} ({format_money(row.debits_cents)})",
                [
                    FieldSpec("reason", "Reason", placeholder="why (required)", max_length=160),
                    FieldSpec("on", "Date", "t", max_length=20),
                ],
                submit,
            ),
            self._reversed,
        )

    def _reversed(self, new_id: int | None) -> None:
        if new_id:
            self.say(f"Reversed: entry #{new_id} posted.", "ok")
            self.reload()
