"""The books' day sheet (issue 13 item 5): one day's charges, payments by method and
adjustments, the cash drawer expected against counted, and each total beside the ledger's
("ok" where it ties). d another day, [ and ] the day before and after, n count the drawer
(a recount replaces the last count), c and f save it as CSV or PDF."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...db import changes as topics
from ...services import clock
from ...services.books.day_sheet import DaySheet, Drawer, books_day_sheet
from ...services.books.drawer import count_drawer
from ...services.books.report_files import day_sheet_layout, export_statement
from ...services.validate import format_money, parse_date
from ...ui.text import plain
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import TitledScreen

COLUMNS = (Column("Section", 11), Column("What", 40, share=1), Column("No.", 4),
           Column("Amount", 13))  # fmt: skip


class DaySheetScreen(TitledScreen):
    VIEW_TITLE = "Day sheet"
    TOPICS = frozenset({topics.BOOKS})
    REFETCH_ON_RESUME = False  # fetched on opening, after its own changes, or elsewhere's
    ACTION_PERMISSIONS = {"count": "checkin"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="books_day_sheet.back"),
        Binding("d", "day", "Day", id="books_day_sheet.day"),
        Binding("left_square_bracket", "step(-1)", "Day before", id="books_day_sheet.before",
                show=False),
        Binding("right_square_bracket", "step(1)", "Day after", id="books_day_sheet.after",
                show=False),
        Binding("n", "count", "Count drawer", id="books_day_sheet.count"),
        Binding("c", "save('csv')", "CSV", id="books_day_sheet.csv"),
        Binding("f", "save('pdf')", "PDF", id="books_day_sheet.pdf"),
    ]  # fmt: skip

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day or clock.today()
        self.sheet: DaySheet | None = None
        self.pending: tuple[str, str] | None = None  # said once the sheet is shown again

    def compose_body(self) -> ComposeResult:
        yield Static("", id="day-sheet-head", classes="toolbar", markup=False)
        yield PagedTable(id="day-sheet-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(COLUMNS)
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.set_title(f"{self.day:%m/%d/%Y}")
        self.call_service(books_day_sheet, self.day, then=self._show, group="page")

    def _show(self, sheet: DaySheet) -> None:
        self.sheet = sheet
        layout = day_sheet_layout(sheet)
        d = sheet.drawer
        drawer = (
            "drawer not counted"
            if not d.counted
            else "drawer balances"
            if d.balanced
            else f"drawer off: cash {format_money(d.cash_difference)}, checks "
            f"{format_money(d.checks_difference)}"
        )
        self.query_one("#day-sheet-head", Static).update(
            f"{sheet.day:%a %m/%d/%Y} · payments {format_money(sheet.total('Payments'))} · {drawer}"
        )
        rows = [
            (plain(r[0]), plain(r[1]), Text(r[2], justify="right"), Text(r[3], justify="right"))
            for r in layout.rows
        ]
        self.query_one(PagedTable).set_rows(rows, [str(i) for i in range(len(rows))])
        if self.pending:
            self.say(*self.pending)
            self.pending = None
        elif sheet.ties_ledger:
            self.say("Every total ties to the ledger · [ ]: other days · n: count · c/f: save",
                     "ok")  # fmt: skip
        else:
            off = ", ".join(t.label for t in sheet.ties if not t.ties)
            self.say(f"Does not tie to the ledger: {off}", "warning")

    def action_day(self) -> None:
        def submit(actor, values):
            return parse_date("day", values["day"], today=clock.today(), label="Day")

        def chosen(day) -> None:
            if day:
                self.day = day
                self.reload()

        spec = FieldSpec("day", "Day", f"{self.day:%m/%d/%Y}", max_length=20)
        self.app.push_screen(FormDialog("Day sheet: which day", [spec], submit), chosen)

    def action_step(self, days: int) -> None:
        self.day += dt.timedelta(days=days)
        self.reload()

    def action_count(self) -> None:
        def counted(drawer) -> None:
            if drawer is not None:
                self.pending = counted_message(drawer)
                self.reload()

        self.app.push_screen(drawer_count_dialog(self.day), counted)

    def action_save(self, fmt: str) -> None:
        day = self.day

        def save(actor, path: str, overwrite: bool) -> str:
            written = export_statement(actor, "day_sheet", fmt, path, overwrite, day=day)
            return f"Saved {written}."

        def saved(said) -> None:
            if said:
                self.say(said, "ok")

        name = f"day-sheet-{day:%Y-%m-%d}.{fmt}"
        self.app.push_screen(ExportDialog(f"Day sheet ({fmt.upper()})", name, save), saved)


def drawer_count_dialog(day: dt.date) -> FormDialog:
    """The drawer count's form (the day sheet's n, the patient flow board's d): the day,
    the cash counted less the float, the checks' number and total, a note. Closes with
    the day's Drawer as counted."""

    def submit(actor, values):
        return count_drawer(actor, values["day"], values["cash"], values["checks_count"],
                            values["checks"], values["note"])  # fmt: skip

    specs = [
        FieldSpec("day", "Day", f"{day:%m/%d/%Y}", max_length=20),
        FieldSpec("cash", "Cash counted", placeholder="less the float", max_length=14),
        FieldSpec("checks_count", "Check count", placeholder="0", max_length=6),
        FieldSpec("checks", "Checks total", placeholder="0.00", max_length=14),
        FieldSpec("note", "Note", placeholder="optional", max_length=200),
    ]
    return FormDialog("Count the cash drawer", specs, submit)


def counted_message(drawer: Drawer) -> tuple[str, str]:
    """What a count says once saved, and how (ok when the drawer balances)."""
    if drawer.cash_difference:
        word = "over" if drawer.cash_difference > 0 else "short"
        said = (f"Counted: cash {word} {format_money(abs(drawer.cash_difference))}, "
                "posted to over and short.")  # fmt: skip
    else:
        said = "Counted: the cash is what the day took."
    if drawer.checks_difference or drawer.checks_count != drawer.expected_checks_count:
        said += " The checks differ from the day's."
    return said, "ok" if drawer.balanced else "warning"
