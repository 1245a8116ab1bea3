"""A/R aging (issue 11 item 8), from the claims screen (g): what payers and patients owe,
by age in 0-30, 31-60, 61-90, 91-120 and 120+ days, with the totals line; b switches
between by payer and by patient. Insurance-pending money is only in the payer view (see
services/billing/aging.py for where each age counts from). t prints statements, l shows
and posts late fees, u sets their rules, h shows a patient's statements sent
(screens/billing/statements.py)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.billing.aging import BUCKETS, AgingReport, ar_aging
from ...services.validate import format_money
from ...services.wording import plural
from ...ui import changes
from ...ui.text import plain
from ...widgets.paged_table import PagedTable
from ..base import TitledScreen
from .statements import STATEMENT_BINDINGS, STATEMENT_PERMISSIONS, StatementActions


def cents(value: int) -> str:
    """Money in a 9-wide column: 12,345.67 (no sign: the header says dollars)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100:,}.{value % 100:02d}"


def _money(value: int) -> Text:
    return Text(cents(value), justify="right")


class AgingScreen(StatementActions, TitledScreen):
    VIEW_TITLE = "A/R aging"
    TOPICS = frozenset({changes.CLAIMS, changes.PATIENTS})
    ACTION_PERMISSIONS = dict(STATEMENT_PERMISSIONS)
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="aging.back"),
        Binding("b", "switch", "Payer/patient", id="aging.switch"),
        *STATEMENT_BINDINGS,
    ]

    def __init__(self, by: str = "payer") -> None:
        super().__init__()
        self.by = by
        self.report: AgingReport | None = None

    def compose_body(self) -> ComposeResult:
        yield PagedTable(id="aging-table")
        yield Static(id="aging-totals", classes="totals", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.add_column("Name", width=12)
        for label in BUCKETS:
            table.add_column(label, width=9)
        table.add_column("Total", width=9)
        table.stretch_columns({"Name": 1})
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.set_title("by payer" if self.by == "payer" else "by patient")
        self.call_service(ar_aging, self.by, then=self._show, group="page")

    def statement_patient(self) -> int | None:
        if self.by != "patient":
            return None
        key = self.query_one(PagedTable).selected_key()
        return int(key) if key else None

    def action_switch(self) -> None:
        self.by = "patient" if self.by == "payer" else "payer"
        self.report = None
        self.reload()

    def _show(self, report: AgingReport) -> None:
        # The hint on the first showing (and after b); a refresh keeps what was said.
        first, self.report = self.report is None, report
        table = self.query_one(PagedTable)
        table.set_rows(
            [(plain(r.name), *(_money(c) for c in (*r.buckets, r.total))) for r in report.rows],
            [str(r.key) for r in report.rows],
        )
        pairs = zip(BUCKETS, report.totals, strict=True)
        parts = "  ".join(f"{label}: {format_money(c)}" for label, c in pairs)
        credit = f" · credits {format_money(report.credits_cents)}" if report.credits_cents else ""
        self.query_one("#aging-totals", Static).update(
            f"Total {format_money(report.total)} as of {report.as_of:%m/%d/%Y}{credit}\n{parts}"
        )
        if not first:
            return
        who = "payer" if report.kind == "payer" else "patient"
        self.say(
            f"{plural(len(report.rows), who)} {'owes' if len(report.rows) == 1 else 'owe'}; b: by "
            f"{'patient' if report.kind == 'payer' else 'payer'} · t: statements"
            if report.rows
            else f"No {who}s owe anything."
        )
