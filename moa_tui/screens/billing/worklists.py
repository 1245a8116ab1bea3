"""The claims worklists (issue 11 item 6), from l on the claims screen: a pick list, then
one list of claims; Enter opens a claim. The no-response list's N is set with n (billing)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.billing.claims import STATUS_LABELS
from ...services.billing.worklists import (
    GROUPINGS,
    WorkGroup,
    WorkRow,
    denial_groups,
    denials_page,
    follow_ups_due,
    follow_ups_total,
    no_response,
    no_response_days,
    no_response_total,
    set_follow_up,
    set_no_response_days,
)
from ...services.validate import format_money
from ...services.wording import plural
from ...ui import changes
from ...ui.text import plain
from ...widgets.dialogs import PickDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import PagedTable
from ..base import KeysetPages, TitledScreen

PAGE = 100

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


class WorklistScreen(KeysetPages, TitledScreen):
    """One worklist, a keyset page at a time, with its whole count and open balance
    below. The denials lists first ask which group (reason code, payer or age), each
    with its count and balance; g picks another."""

    VIEW_TITLE = "Claims worklist"  # the list's own name replaces it when opened
    TOPICS = frozenset({changes.CLAIMS})
    ACTION_PERMISSIONS = {"set_days": "billing.codes"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="worklist.back"),
        Binding("n", "set_days", "Set N days", id="worklist.set_days"),
        Binding("g", "pick_group", "Group", id="worklist.group"),
    ]

    def __init__(self, kind: str, open_claim: Callable[[int], object]) -> None:
        super().__init__()
        self.kind = kind
        self.open_claim = open_claim
        self.VIEW_TITLE = LISTS[kind]
        self.rows: dict[str, WorkRow] = {}
        self.grouped = kind in GROUPINGS
        self.group: WorkGroup | None = None

    def compose_body(self) -> ComposeResult:
        yield PagedTable(id="worklist-table")
        yield Static(id="worklist-totals", classes="totals")

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(PagedTable)
        table.add_column("Claim", width=5)
        table.add_column("Patient", width=14)
        table.add_column("Payer", width=10)
        table.add_column("Days", width=4)
        table.add_column("Status", width=9)
        table.add_column("Balance", width=9)
        table.stretch_columns({"Patient": 3, "Payer": 2})
        table.focus()
        if self.grouped:
            self.action_pick_group()
        else:
            self.reload()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "pick_group":
            return self.grouped
        if action == "set_days" and self.kind != "no_response":
            return False
        return super().check_action(action, parameters)

    def reload(self) -> None:
        if self.kind == "no_response":
            self.call_service(no_response_days, then=self._titled, group="title")
            self.call_service(no_response_total, then=self._total, group="total")
        elif self.kind == "follow_up":
            self.call_service(follow_ups_total, then=self._total, group="total")
        elif self.group is None:
            return
        else:
            self.call_service(denial_groups, self.kind, then=self._regrouped, group="total")
        self.call_service(self._pages, None, then=self.show_first_page, group="page")

    def fetch_page(self, after) -> None:
        self.call_service(self._pages, after, then=self.append_page, group="page")

    def _pages(self, actor, after):
        if self.kind == "no_response":
            return no_response(actor, after, PAGE)
        if self.kind == "follow_up":
            return follow_ups_due(actor, after, PAGE)
        return denials_page(actor, self.kind, self.group.key, after, PAGE)

    def cells(self, r: WorkRow) -> tuple:
        return (
            str(r.claim_id),
            plain(r.patient),
            plain(r.payer),
            str(r.days),
            STATUS_LABELS.get(r.status, r.status),
            format_money(r.balance_cents),
        )

    def show_first_page(self, page) -> None:
        super().show_first_page(page)
        self.say("Enter opens a claim." if page.rows else "Nothing on this list.")

    def _titled(self, days: int) -> None:
        self.set_title(f"(N = {days} days)")

    def _total(self, total: tuple[int, int]) -> None:
        count, balance = total
        self.query_one("#worklist-totals", Static).update(
            plain(f"{plural(count, 'claim')}, {format_money(balance)} open")
        )

    def _regrouped(self, groups: list[WorkGroup]) -> None:
        mine = next((g for g in groups if g.key == self.group.key), None)
        self._total((mine.claims, mine.balance_cents) if mine else (0, 0))

    def action_pick_group(self) -> None:
        self.call_service(denial_groups, self.kind, then=self._offer_groups, group="groups")

    def _offer_groups(self, groups: list[WorkGroup]) -> None:
        if not groups:
            self.say("No denied claims.")
            return
        by_key = {g.key: g for g in groups}

        def picked(key: str | None) -> None:
            if key:
                self.group = by_key[key]
                self.set_title(f"· {self.group.label}")
                self.reload()
            elif self.group is None:
                self.app.pop_screen()  # Esc before any group: back to the claims

        self.app.push_screen(
            PickDialog(
                f"{LISTS[self.kind]}: which group?",
                [("Group", 24), ("Claims", 7), ("Open", 12)],
                [(g.key, (g.label, str(g.claims), format_money(g.balance_cents))) for g in groups],
            ),
            picked,
        )

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        row = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        if row is not None:
            self.app.push_screen(self.open_claim(row.claim_id))

    def action_set_days(self) -> None:
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
