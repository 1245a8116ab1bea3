"""The claims screen's electronic claims and money jobs (issue 11 items 4, 5, 7): send the
ready claims (837P files, one per payer, into a folder, through the ExportDialog), import
an 835 (the posting report first, then y posts it, all in one transaction), and post a
payment by hand (a paper EOB, or a patient's check, cash or card)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...services.billing.claims import ClaimRow
from ...services.billing.ledger import GROUPS
from ...services.billing.posting import (
    PATIENT_METHODS,
    ClaimMoney,
    claim_money,
    post_eob,
    post_patient_payment,
)
from ...services.billing.remittance import (
    PostingReport,
    parse_remittance,
    post_remittance,
    preview_remittance,
    read_remittance_file,
)
from ...services.billing.x12.export import ExportResult, export_ready_claims
from ...services.billing.x12.read835 import Remit
from ...services.files import MAX_PATH, make_export_folder, where_export_goes
from ...services.validate import format_money
from ...ui.text import plain, plain_lines
from ...widgets.dialogs import InfoDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog

# Added to the claims list's keys (screens/billing/claims.py); kept off the 80-column
# footer, shown in help and the command palette.
EDI_BINDINGS = [
    Binding("e", "export_837", "Send claims", show=False, id="claims.export_837"),
    Binding("i", "import_835", "Import 835", show=False, id="claims.import_835"),
    Binding("p", "post_payment", "Post payment", show=False, id="claims.post_payment"),
]
EDI_PERMISSIONS = {
    "export_837": "claims.write",
    "import_835": "billing.writeoff",
    "post_payment": "claims.write",
}


def _send(actor, path: str, overwrite: bool) -> ExportResult:
    """Send the ready claims into the folder typed (made if its parent is there)."""
    folder = make_export_folder(actor, path)
    return export_ready_claims(actor, folder)


def export_claims_dialog() -> ExportDialog:
    dialog = ExportDialog("Send ready claims: 837P files, one per payer", "claims", _send)
    dialog.specs[0] = FieldSpec("path", "Folder", "claims", max_length=MAX_PATH)
    return dialog


@dataclass(frozen=True)
class Pending:
    """An 835 read and checked, with the report of what posting it would do."""

    remit: Remit
    file_name: str
    sha: str
    report: PostingReport


def _read(actor, values: dict[str, str]) -> Pending:
    text, name, sha = read_remittance_file(where_export_goes(actor, values["path"]))
    remit = parse_remittance(text)
    return Pending(remit, name, sha, preview_remittance(actor, remit, name, sha))


def import_dialog() -> FormDialog:
    return FormDialog(
        "Import an 835 remittance",
        [FieldSpec("path", "File", placeholder="e.g. remit.835", max_length=MAX_PATH)],
        _read,
        hint="A name alone is read from the export folder; or type a full path. "
        "Enter: read it (nothing is posted yet) · Esc: cancel",
    )


class PostingReportScreen(ModalScreen[bool]):
    """The posting report of an 835 before anything is posted: y posts it, n keeps it."""

    SCREEN_NAME = "Posting report"

    BINDINGS = [
        Binding("y", "answer(True)", "Post", id="remit.post"),
        Binding("n,escape", "answer(False)", "Do not post", id="remit.cancel"),
    ]

    def __init__(self, report: PostingReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(f"Remittance {self.report.file_name}"), classes="dialog-title")
            with VerticalScroll(id="report-scroll"):
                yield Static(plain_lines(self.report.lines()), id="report-body")
            yield Static("y: post it · n or Esc: do not post", classes="hint", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def payment_dialog(row: ClaimRow) -> FormDialog:
    """A payment on a claim: the payer's (a paper EOB, with its adjustment) or the
    patient's (cash, check, card)."""

    def submit(actor, values):
        if values["who"] == "payer":
            adjustments = []
            if values["adjustment"].strip():
                adjustments = [(values["group"], values["reason"], values["adjustment"])]
            lines = [(None, values["amount"] or "0", adjustments)]
            return post_eob(actor, row.id, row.version, lines, values["reference"])
        return post_patient_payment(
            actor, row.id, values["amount"], values["method"], values["reference"]
        )

    return FormDialog(
        f"Post a payment on claim {row.id}",
        [
            FieldSpec(
                "who", "From", options=[("Payer (paper EOB)", "payer"), ("Patient", "patient")]
            ),  # fmt: skip
            FieldSpec("amount", "Amount", placeholder="e.g. 80.00", max_length=14),
            FieldSpec("reference", "Check/ref", placeholder="check number", max_length=50),
            FieldSpec("method", "Patient by", options=[(m.title(), m) for m in PATIENT_METHODS]),
            FieldSpec("group", "Adj. group", options=[(f"{k} {v}", k) for k, v in GROUPS.items()]),
            FieldSpec("reason", "Adj. reason", placeholder="CARC, e.g. 45", max_length=5),
            FieldSpec("adjustment", "Adj. amount", placeholder="payer only", max_length=14),
        ],
        submit,
    )


class EdiActions:
    """The actions behind EDI_BINDINGS, for the claims list (a ServiceCaller screen)."""

    @work(exclusive=True, group="edi-export")
    async def action_export_837(self) -> None:
        result = await self.app.push_screen_wait(export_claims_dialog())
        if result is None:
            return
        count = sum(b.claim_count for b in result.batches)
        self.say(f"{count} claim(s) sent in {len(result.batches)} file(s).",
                 "ok" if count else "warning")  # fmt: skip
        await self.app.push_screen_wait(InfoDialog("Claims sent", result.summary().splitlines()))
        self.reload()

    @work(exclusive=True, group="edi-import")
    async def action_import_835(self) -> None:
        pending = await self.app.push_screen_wait(import_dialog())
        if pending is None:
            return
        if not pending.report.matched:
            lines = ["Nothing in it can be posted.", *pending.report.lines()]
            await self.app.push_screen_wait(InfoDialog("Nothing to post", lines))
            return
        if not await self.app.push_screen_wait(PostingReportScreen(pending.report)):
            self.say("The remittance was not posted.", "warning")
            return
        report = await self.ask_service(
            post_remittance, pending.remit, pending.file_name, pending.sha, group="edi-post"
        )
        if report is not None:
            self.say(f"Posted {len(report.matched)} claim payment(s) from "
                     f"check/EFT {report.check_no}.", "ok")  # fmt: skip
            self.reload()

    @work(exclusive=True, group="edi-payment")
    async def action_post_payment(self) -> None:
        row = self.selected()
        if row is None:
            return
        money = await self.app.push_screen_wait(payment_dialog(row))
        if money is not None:
            balance = format_money(money.balance_cents)
            self.say(f"Claim {money.claim_id}: posted; balance now {balance}.", "ok")
            self.reload()


# On one claim (ClaimScreen): what was posted on it.
MONEY_BINDINGS = [Binding("m", "money", "Payments", id="claim.money")]
KIND_WORDS = {
    "payer_payment": "Payer paid",
    "adjustment": "Adjusted",
    "patient_share": "Patient share",
    "denial": "Denied",
    "patient_payment": "Patient paid",
    "refund": "Refunded",
    "write_off": "Written off",
}


def money_lines(m: ClaimMoney) -> list[str]:
    """A claim's money as lines: the sums, then every posting (reversed ones marked)."""
    lines = [
        f"Charges {format_money(m.charges_cents)}   Paid {format_money(m.paid_cents)}   "
        f"Adjusted {format_money(m.adjusted_cents)}",
        f"Balance {format_money(m.balance_cents)}   of which the patient's share "
        f"{format_money(m.patient_cents)}",
        "",
    ]
    for p in m.postings:
        line = f"line {p.line_no}" if p.line_no else "claim"
        lines.append(
            f"{p.at} {KIND_WORDS.get(p.kind, p.kind):<13} {format_money(p.cents):>11} "
            f"{line:<7} {p.codes} {p.reference}".rstrip()
            + (" (reversed)" if p.reversed else "")
        )
    return lines if m.postings else [*lines, "Nothing posted yet."]


class MoneyActions:
    """The action behind MONEY_BINDINGS, for the claim screen (a ServiceCaller)."""

    def action_money(self) -> None:
        self.call_service(claim_money, self.claim_id, then=self._show_money, group="money")

    def _show_money(self, m: ClaimMoney) -> None:
        self.app.push_screen(InfoDialog(f"Claim {m.claim_id}: payments", money_lines(m)))
