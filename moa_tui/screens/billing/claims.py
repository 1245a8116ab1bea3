"""Claims worklist: filter, sort, open, change status with a note."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Select, Static

from ...services import clock
from ...services.billing.claim_totals import claim_totals
from ...services.billing.claims import (
    AGE_BUCKETS,
    STATUS_LABELS,
    ClaimDetail,
    ClaimFilter,
    ClaimRow,
    ClaimTotals,
    PayerInfo,
    change_claim_status,
    claims_page,
    list_payers,
    open_claim,
    write_off_balance,
)
from ...services.validate import format_money
from ...services.wording import plural
from ...ui import changes
from ...ui.text import plain, plain_lines
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import PagedTable
from ..base import KeysetListScreen, RecordView
from .aging import AgingScreen
from .charges import ChargesScreen
from .corrections import CORRECTION_BINDINGS, CORRECTION_PERMISSIONS, CorrectionActions
from .edi import EDI_BINDINGS, EDI_PERMISSIONS, MONEY_BINDINGS, EdiActions, MoneyActions
from .refunds import REFUND_BINDINGS, REFUND_PERMISSIONS, RefundActions
from .unbilled import UnbilledScreen
from .worklists import WorklistScreen, follow_up_dialog, pick_worklist

PAGE = 40  # rows per fetch: two screens and a half at 80x24 (a DataTable row costs to make)
STATUS_STYLE = {
    "denied": "bold red",
    "held": "bold red",
    "rejected": "bold red",
    "paid": "green",
    "void": "dim",
    "draft": "yellow",
}


def status_dialog(claim_id: int, version: int, current: str) -> FormDialog:
    options = [(label, key) for key, label in STATUS_LABELS.items() if key != current]

    def submit(actor, values):
        return change_claim_status(actor, claim_id, version, values["status"], values["note"])

    return FormDialog(
        f"Change status of claim {claim_id} (now {STATUS_LABELS[current]})",
        [
            FieldSpec("status", "New status", options=options),
            FieldSpec("note", "Note", placeholder="why (required)", max_length=500),
        ],
        submit,
    )


def write_off_dialog(row: ClaimRow) -> FormDialog:
    def submit(actor, values):
        return write_off_balance(actor, row.id, row.version, values["reason"])

    return FormDialog(
        f"Write off {format_money(row.balance_cents)} open on claim {row.id}",
        [FieldSpec("reason", "Reason", placeholder="e.g. small balance, hardship", max_length=200)],
        submit,
    )


class ClaimsScreen(EdiActions, KeysetListScreen):
    AREA_TITLE = "Claims"
    TOPICS = frozenset({changes.CLAIMS})  # refetched when another terminal changes these
    ACTION_PERMISSIONS = {
        "change_status": "claims.write",
        "write_off": "billing.writeoff",
        "task": "comms.write",
        **EDI_PERMISSIONS,
    }
    BINDINGS = [
        *EDI_BINDINGS,  # e send claims (837P), i import an 835, p post a payment (edi.py)
        Binding("v", "unbilled", "Unbilled", id="claims.unbilled"),
        Binding("g", "aging", "A/R aging", show=False, id="claims.aging"),
        Binding("c", "charges", "Charges", show=False, id="claims.charges"),
        Binding("u", "change_status", "Status", id="claims.change_status"),
        # The footer shows what fits 80 columns; write-off, sort and clear are in help and
        # the palette.
        Binding("w", "write_off", "Write off", show=False, id="claims.write_off"),
        Binding("o", "toggle_sort", "Sort", show=False, id="claims.toggle_sort"),
        Binding("k", "task", "New task", show=False, id="claims.task"),
        Binding("s", "cycle('status')", "Filter status", id="claims.cycle_status"),
        Binding("y", "cycle('payer')", "Filter payer", id="claims.cycle_payer"),
        Binding("a", "cycle('age')", "Filter age", id="claims.cycle_age"),
        Binding("x", "clear_filters", "Clear filters", show=False, id="claims.clear_filters"),
        Binding("l", "worklists", "Worklists", show=False, id="claims.worklists"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = ClaimFilter()
        self.payers: list[PayerInfo] = []
        self.rows: dict[str, ClaimRow] = {}
        self.next_after: tuple | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Select(
                [(label, key) for key, label in STATUS_LABELS.items()],
                prompt="Any status",
                compact=True,
                id="f-status",
            )
            yield Select([], prompt="Any payer", compact=True, id="f-payer")
            yield Select(
                [(f"{k} days", k) for k in AGE_BUCKETS],
                prompt="Any age",
                compact=True,
                id="f-age",
            )
        yield PagedTable(id="claims-table")
        yield Static(id="claims-totals", classes="totals")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.add_column("Claim", width=5)
        table.add_column("Patient", width=15)
        table.add_column("Payer", width=12)
        table.add_column("DOS", width=10)
        table.add_column("Age", width=3)
        table.add_column("Status", width=9)
        table.add_column("Amount", width=9)
        table.stretch_columns({"Patient": 3, "Payer": 2})
        table.focus()
        self.call_service(list_payers, then=self._got_payers, group="payers")

    def _got_payers(self, payers: list[PayerInfo]) -> None:
        self.payers = payers
        self.query_one("#f-payer", Select).set_options([(plain(p.name), p.id) for p in payers])

    def reload(self) -> None:
        self.call_service(
            claims_page, self.filter, None, PAGE, then=self.show_first_page, group="page"
        )
        self.call_service(claim_totals, self.filter, then=self._totals, group="totals")

    def cells(self, r: ClaimRow) -> tuple:
        return (
            str(r.id),
            plain(r.patient),
            plain(r.payer),
            f"{r.service_date:%m/%d/%Y}",
            str(r.age_days),
            plain(STATUS_LABELS[r.status], STATUS_STYLE.get(r.status, "")),
            plain(format_money(r.total_cents).rjust(9)),
        )

    def fetch_page(self, after) -> None:
        self.call_service(
            claims_page, self.filter, after, PAGE, then=self.append_page, group="page"
        )

    def _totals(self, totals: ClaimTotals) -> None:
        sort = "oldest first" if self.filter.sort == "age" else "largest first"
        self.query_one("#claims-totals", Static).update(
            plain(
                f"{plural(totals.count, 'claim')} · charges {format_money(totals.total_cents)} · "
                f"open {format_money(totals.balance_cents)} · {sort}"
            )
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        field = {"f-status": "status", "f-payer": "payer_id", "f-age": "age"}.get(
            event.select.id or ""
        )
        if field and getattr(self.filter, field) != value:
            self.filter = replace(self.filter, **{field: value})
            self.reload()

    def show_status(self, status: str | None) -> None:
        """Show the claims of one status (the books' month end: claims not yet sent)."""
        self.query_one("#f-status", Select).value = status if status else Select.NULL

    def action_cycle(self, which: str) -> None:
        """Step a filter to its next value (blank = any) without leaving the list."""
        select = self.query_one(f"#f-{which}", Select)
        choices = {
            "status": list(STATUS_LABELS),
            "payer": [p.id for p in self.payers],
            "age": list(AGE_BUCKETS),
        }[which]
        values = [Select.NULL, *choices]
        try:
            index = values.index(select.value)
        except ValueError:
            index = 0
        select.value = values[(index + 1) % len(values)]

    def action_clear_filters(self) -> None:
        for which in ("status", "payer", "age"):
            self.query_one(f"#f-{which}", Select).clear()

    def action_toggle_sort(self) -> None:
        self.filter = replace(self.filter, sort="amount" if self.filter.sort == "age" else "age")
        self.reload()

    def selected(self) -> ClaimRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def action_task(self) -> None:
        """A task about the claim under the cursor (an appeal, a call to the payer)."""
        row = self.selected()
        if row is not None:
            self.app.new_task(f"claim {row.id} ({row.patient})", claim_id=row.id)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        row = self.selected()
        if row:
            self.app.push_screen(ClaimScreen(row.id))

    def action_change_status(self) -> None:
        row = self.selected()
        if row:
            self.app.push_screen(status_dialog(row.id, row.version, row.status), self._changed)

    def action_unbilled(self) -> None:
        self.app.push_screen(UnbilledScreen())

    def action_worklists(self) -> None:
        def picked(kind: str | None) -> None:
            if kind:
                self.app.push_screen(WorklistScreen(kind, ClaimScreen))

        self.app.push_screen(pick_worklist(), picked)

    def action_aging(self) -> None:
        self.app.push_screen(AgingScreen())

    def action_charges(self) -> None:
        row = self.selected()
        if row:
            self.app.push_screen(ChargesScreen(row.id))

    def action_write_off(self) -> None:
        row = self.selected()
        if row:
            self.app.push_screen(write_off_dialog(row), self._written_off)

    def _written_off(self, detail: ClaimDetail | None) -> None:
        if detail:
            self.say(f"Claim {detail.row.id}: balance written off.", "ok")
            self.reload()

    def _changed(self, detail: ClaimDetail | None) -> None:
        if detail:
            self.say(f"Claim {detail.row.id} is now {STATUS_LABELS[detail.row.status]}.", "ok")
            self.reload()


class ClaimScreen(CorrectionActions, RefundActions, MoneyActions, RecordView):
    """One claim: header, lines and status history."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="claim.pop_screen"),
        Binding("u", "change_status", "Status", id="claim.change_status"),
        Binding("w", "write_off", "Write off", id="claim.write_off"),
        Binding("c", "charges", "Charges", id="claim.charges"),
        *MONEY_BINDINGS,  # m: what was posted on the claim (edi.py)
        *REFUND_BINDINGS,  # f refund the payer, o write off part (refunds.py)
        *CORRECTION_BINDINGS,  # r corrected claim, V void (corrections.py)
        Binding("d", "follow_up", "Follow-up date", show=False, id="claim.follow_up"),
    ]
    VIEW_TITLE = "Claim"
    ACTION_PERMISSIONS = {
        "change_status": "claims.write",
        "write_off": "billing.writeoff",
        **REFUND_PERMISSIONS,
        **CORRECTION_PERMISSIONS,
        "follow_up": "claims.write",
    }

    def __init__(self, claim_id: int) -> None:
        super().__init__()
        self.claim_id = claim_id
        self.detail: ClaimDetail | None = None
        self.VIEW_TITLE = f"Claim {claim_id}"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="chart"):
            yield Static("Loading…", id="claim-body")

    def reload(self) -> None:
        self.call_service(open_claim, self.claim_id, then=self._show)

    def _show(self, d: ClaimDetail) -> None:
        self.detail = d
        r = d.row
        lines = [
            f"Claim {r.id}   {STATUS_LABELS[r.status]}   DOS {r.service_date:%m/%d/%Y} "
            f"({plural(r.age_days, 'day')})",
            f"Patient {r.patient} (MRN {d.mrn})   Provider {d.provider}",
            f"Payer {r.payer}",
            f"Charges {format_money(r.total_cents)}   Paid {format_money(d.paid_cents)}   "
            f"Written off {format_money(d.adjusted_cents)}   "
            f"Balance {format_money(r.balance_cents)}",
            "",
            "Ln Code   Mod Diagnoses        Units     Charge",
        ]
        lines += [
            f"{ln.line_no:>2} {ln.procedure_code:<6} {ln.modifier:<3} {ln.diagnosis_codes:<16} "
            f"{ln.units:>5} {format_money(ln.charge_cents):>10}"
            for ln in d.lines
        ]
        lines += ["", "History"]
        lines += [
            f"  {clock.utc_to_local(h.at):%m/%d/%Y %H:%M} {h.staff}: "
            f"{STATUS_LABELS.get(h.from_status, h.from_status)} -> "
            f"{STATUS_LABELS.get(h.to_status, h.to_status)}: {h.note}"
            for h in d.history
        ] or ["  no status changes yet"]
        self.query_one("#claim-body", Static).update(plain_lines(lines))

    def action_change_status(self) -> None:
        if self.detail:
            r = self.detail.row
            self.app.push_screen(status_dialog(r.id, r.version, r.status), self._changed)

    def action_write_off(self) -> None:
        if self.detail:
            self.app.push_screen(write_off_dialog(self.detail.row), self._changed)

    def action_charges(self) -> None:
        self.app.push_screen(ChargesScreen(self.claim_id))

    def action_follow_up(self) -> None:
        if self.detail:
            self.app.push_screen(follow_up_dialog(self.claim_id, self.detail.row.version),
                                 self._followed_up)  # fmt: skip

    def _followed_up(self, version: int | None) -> None:
        if version:
            self.say("Follow-up date saved in the history.", "ok")
            self.reload()

    def _changed(self, detail: ClaimDetail | None) -> None:
        if detail:
            self._show(detail)
            self.say(
                f"Saved: {STATUS_LABELS[detail.row.status]}, balance "
                f"{format_money(detail.row.balance_cents)}.",
                "ok",
            )
