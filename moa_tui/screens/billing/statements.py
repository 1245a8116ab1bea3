"""Patient statements and late fees from the A/R aging screen (issue 11 item 8): t shows
who the statement run would bill, y goes on to the folder (one PDF and one text file
written through the export dialog); l shows the late fees a run would charge and to whom,
and y posts exactly those. Nothing is written or posted before the list is shown."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...services.billing.late_fees import apply_late_fees, late_fee_preview
from ...services.billing.statements import RunResult, run_statements, statements_due
from ...services.files import MAX_PATH, make_export_folder
from ...services.validate import format_money
from ...ui.text import plain, plain_lines
from ...widgets.dialogs import InfoDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec

STATEMENT_BINDINGS = [
    Binding("t", "statements", "Statements", id="aging.statements"),
    Binding("l", "late_fees", "Late fees", show=False, id="aging.late_fees"),
]
STATEMENT_PERMISSIONS = {"statements": "claims.write", "late_fees": "billing.writeoff"}


class ListThenAsk(ModalScreen[bool]):
    """A list of what a run would do, before it does it: y goes on, n or Esc does not."""

    SCREEN_NAME = "Before it runs"

    BINDINGS = [
        Binding("y", "answer(True)", "Go on", id="runlist.yes"),
        Binding("n,escape", "answer(False)", "Do not", id="runlist.no"),
    ]

    def __init__(self, title: str, lines: list[str], yes: str) -> None:
        super().__init__()
        self.title_text, self.lines, self.yes = title, lines, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            with VerticalScroll(id="runlist-scroll"):
                yield Static(plain_lines(self.lines), id="runlist-body")
            yield Static(plain(f"y: {self.yes} · n or Esc: do not"), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def _run(actor, path: str, overwrite: bool) -> RunResult:
    """The statement run into the folder typed (made if its parent is there)."""
    folder = make_export_folder(actor, path)
    return run_statements(actor, folder)


def statements_dialog() -> ExportDialog:
    dialog = ExportDialog("Print statements: a PDF and a text file", "statements", _run)
    dialog.specs[0] = FieldSpec("path", "Folder", "statements", max_length=MAX_PATH)
    return dialog


class StatementActions:
    """The actions behind STATEMENT_BINDINGS, for a ServiceCaller screen."""

    @work(exclusive=True, group="statements")
    async def action_statements(self) -> None:
        due = await self.ask_service(statements_due)
        if due is None:
            return
        if not due.statements:
            self.say("No patient is due a statement.", "warning")
            return
        if not await self.app.push_screen_wait(
            ListThenAsk("Statements due", due.lines(), "choose the folder")
        ):
            return
        result = await self.app.push_screen_wait(statements_dialog())
        if result is None:
            return
        self.say(f"{len(result.statements)} statement(s) printed (run {result.run_no}).",
                 "ok" if result.statements else "warning")  # fmt: skip
        await self.app.push_screen_wait(InfoDialog("Statements printed", result.lines()))
        self.reload()

    @work(exclusive=True, group="late-fees")
    async def action_late_fees(self) -> None:
        fees = await self.ask_service(late_fee_preview)
        if fees is None:
            return
        if not fees:
            self.say("No statement is past its due date without a late fee.", "warning")
            return
        lines = [
            f"{f.mrn:<10} {f.name[:28]:<28} {format_money(f.overdue_cents):>12} overdue"
            f" {format_money(f.fee_cents):>10}"
            for f in fees
        ]
        total = sum(f.fee_cents for f in fees)
        lines.append(f"{len(fees)} patient(s), {format_money(total)} in late fees.")
        if not await self.app.push_screen_wait(ListThenAsk("Late fees", lines, "post them")):
            return
        posted = await self.ask_service(
            apply_late_fees, [(f.patient_id, f.fee_cents) for f in fees], group="write"
        )
        if posted is not None:
            self.say(f"Late fees posted to {len(posted)} account(s).", "ok")
            self.reload()
