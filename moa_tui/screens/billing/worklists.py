"""The claims worklists (issue 11 item 6), from l on the claims screen: a pick list, then
one list of claims; Enter opens a claim. The no-response list's N is set with n (billing)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.billing.claims import STATUS_LABELS
from ...services.billing.worklists import (
    WorkRow,
    denials_by,
    follow_ups_due,
    no_response,
    no_response_days,
    set_follow_up,
    set_no_response_days,
)
from ...services.validate import format_money
from ...ui import changes
from ...ui.text import plain
from ...widgets.dialogs import PickDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import PagedTable
from ..base import TitledScreen

LISTS = {
    "no_response": "Sent, no response after N days",
    "reason": "Denials by reason code",
    "payer": "Denials by payer",
    "age": "Denials by age",
    "follow_up": "Follow-ups due",
}


def pick_worklist() -> PickDialog:
    return PickDialog(
        "Worklists", [("List", 40)], [(key, (label,)) for key, label in LISTS.items()]
    )


def follow_up_dialog(claim_id: int, version: int) -> FormDialog:
    def submit(actor, values):
        return set_follow_up(actor, claim_id, version, values["day"], values["note"])

    return FormDialog(
        f"Follow-up date for claim {claim_id}",
        [
            FieldSpec("day", "Date", placeholder="e.g. t+14, 12/24 (blank clears)", max_length=20),
            FieldSpec("note", "Note", placeholder="why (required)", max_length=400),
        ],
        submit,
    )


class WorklistScreen(TitledScreen):
    VIEW_TITLE = "Claims worklist"  # the list's own name replaces it when opened
    TOPICS = frozenset({changes.CLAIMS})
    ACTION_PERMISSIONS = {"set_days": "billing.codes"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="worklist.back"),
        Binding("n", "set_days", "Set N days", id="worklist.set_days"),
    ]

    def __init__(self, kind: str, open_claim: Callable[[int], object]) -> None:
        super().__init__()
        self.kind = kind
        self.open_claim = open_claim
        self.VIEW_TITLE = LISTS[kind]
        self.rows: dict[str, WorkRow] = {}

    def compose_body(self) -> ComposeResult:
        yield PagedTable(id="worklist-table")
        yield Static(id="worklist-totals", classes="totals")

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(PagedTable)
        if self.kind in ("reason", "payer", "age"):
            table.add_column("Group", width=12)
        table.add_column("Claim", width=5)
        table.add_column("Patient", width=14)
        table.add_column("Payer", width=10)
        table.add_column("Days", width=4)
        table.add_column("Status", width=9)
        table.add_column("Balance", width=9)
        table.stretch_columns({"Patient": 3, "Payer": 2})
        table.focus()
        self.reload()

    def reload(self) -> None:
        if self.kind == "no_response":
            self.call_service(no_response_days, then=self._titled, group="title")
            self.call_service(no_response, then=self._show)
        elif self.kind == "follow_up":
            self.call_service(follow_ups_due, then=self._show)
        else:
            self.call_service(denials_by, self.kind, then=self._show)

    def _titled(self, days: int) -> None:
        self.set_title(f"(N = {days} days)")

    def _show(self, rows: list[WorkRow]) -> None:
        table = self.query_one(PagedTable)
        table.reset()
        keys = [str(r.claim_id) for r in rows]
        self.rows = dict(zip(keys, rows, strict=True))
        cells = []
        for r in rows:
            row = (
                str(r.claim_id),
                plain(r.patient),
                plain(r.payer),
                str(r.days),
                STATUS_LABELS.get(r.status, r.status),
                format_money(r.balance_cents),
            )
            cells.append((plain(r.group), *row) if self.kind in ("reason", "payer", "age") else row)
        table.add_page(cells, keys, False)
        total = sum(r.balance_cents for r in rows)
        self.query_one("#worklist-totals", Static).update(
            plain(f"{len(rows)} claims, {format_money(total)} open")
        )
        self.say(
            "Enter opens a claim." if rows else "Nothing on this list.",
        )

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        row = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        if row is not None:
            self.app.push_screen(self.open_claim(row.claim_id))

    def action_set_days(self) -> None:
        if self.kind != "no_response":
            self.say("N is the no-response list's setting.")
            return

        def submit(actor, values):
            return set_no_response_days(actor, values["days"])

        self.app.push_screen(
            FormDialog(
                "No response after how many days?",
                [FieldSpec("days", "Days", placeholder="e.g. 30", max_length=3)],
                submit,
            ),
            self._days_set,
        )

    def _days_set(self, days: int | None) -> None:
        if days:
            self.say(f"Claims sent {days} days ago with no answer are listed.", "ok")
            self.reload()
