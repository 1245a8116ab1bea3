"""Patient statements and late fees from the A/R aging screen (issue 11 item 8): t shows
who the statement run would bill, y goes on to the folder (one PDF and one text file
written through the export dialog); l shows the late fees a run would charge and to whom,
and y posts exactly those. Nothing is written or posted before the list is shown. u sets
the rules (minimum balance, days between statements, late fee); h lists the statements
sent to the highlighted patient, each shown as it was printed."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...services.billing.late_fees import (
    StatementRules,
    apply_late_fees,
    late_fee_preview,
    save_statement_rules,
    statement_rules,
)
from ...services.billing.statements import (
    RunResult,
    patient_statements,
    run_statements,
    statements_due,
)
from ...services.files import MAX_PATH, make_export_folder
from ...services.validate import format_money
from ...ui.text import plain, plain_lines
from ...widgets.dialogs import InfoDialog, PickDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog

STATEMENT_BINDINGS = [
    Binding("t", "statements", "Statements", id="aging.statements"),
    Binding("h", "statements_sent", "Sent", id="aging.statements_sent"),
    Binding("l", "late_fees", "Late fees", show=False, id="aging.late_fees"),
    Binding("u", "statement_rules", "Rules", show=False, id="aging.statement_rules"),
]
STATEMENT_PERMISSIONS = {
    "statements": "claims.write",
    "late_fees": "billing.writeoff",
    "statement_rules": "billing.writeoff",
}


def rules_dialog(rules: StatementRules) -> FormDialog:
    """The statement run's rules and the late fee, as the practice keeps them."""

    def submit(actor, values):
        return save_statement_rules(
            actor, rules.version, values["min_balance"], values["days_between"],
            values["late_fee"],
        )  # fmt: skip

    return FormDialog(
        "Statement rules",
        [
            FieldSpec(
                "min_balance",
                "Minimum balance",
                format_money(rules.min_balance_cents),
                placeholder="e.g. 5.00",
                max_length=12,
            ),
            FieldSpec(
                "days_between",
                "Days between",
                str(rules.days_between),
                placeholder="1 to 365",
                max_length=3,
            ),
            FieldSpec(
                "late_fee",
                "Late fee % a month",
                rules.late_fee_percent,
                placeholder="0 = off, e.g. 1.5",
                max_length=6,
            ),
        ],  # fmt: skip
        submit,
    )


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

    @work(exclusive=True, group="statement-rules")
    async def action_statement_rules(self) -> None:
        rules = await self.ask_service(statement_rules)
        if rules is None:
            return
        saved = await self.app.push_screen_wait(rules_dialog(rules))
        if saved is not None:
            fee = f"{saved.late_fee_percent} % a month" if saved.late_fee_bp else "off"
            self.say(
                f"Statements to balances of {format_money(saved.min_balance_cents)} or more, "
                f"every {saved.days_between} days; late fee {fee}.",
                "ok",
            )

    @work(exclusive=True, group="statements-sent")
    async def action_statements_sent(self) -> None:
        """The statements sent to the patient on the highlighted row, newest first;
        Enter shows one as it was printed."""
        patient_id = self.statement_patient()
        if patient_id is None:
            self.say("Pick a patient (b: by patient) to see the statements sent.", "warning")
            return
        sent = await self.ask_service(patient_statements, patient_id)
        if sent is None:
            return
        if not sent:
            self.say("No statement has been sent to this patient.", "warning")
            return
        texts = {str(info.statement_id): (info, text) for info, text in sent}
        key = await self.app.push_screen_wait(
            PickDialog(
                f"Statements sent to {sent[0][0].name}",
                [("Date", 10), ("Run", 5), ("Due", 12), ("Pending", 12)],
                [
                    (
                        k,
                        (
                            f"{i.statement_date:%m/%d/%Y}",
                            str(i.run_no),
                            format_money(i.amount_due_cents),
                            format_money(i.pending_cents),
                        ),
                    )
                    for k, (i, _t) in texts.items()
                ],  # fmt: skip
                hint="Enter: show it · Esc: back",
            )
        )
        if key in texts:
            info, text = texts[key]
            await self.app.push_screen_wait(
                InfoDialog(f"Statement of {info.statement_date:%m/%d/%Y}", text.splitlines())
            )

    def statement_patient(self) -> int | None:
        """The patient a screen has highlighted (None: none)."""
        return None

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
