"""The chart of accounts with balances (on each account's normal side): a adds an
account, r renames one, d deactivates one (or brings a deactivated one back)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.books.chart import (
    TYPE_LABELS,
    AccountRow,
    add_account,
    chart_of_accounts,
    rename_account,
    set_account_active,
)
from ...services.validate import format_money
from ...ui import changes
from ...ui.text import plain
from ...widgets.dialogs import ConfirmDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, RowTable
from ..base import TitledScreen


class AccountsScreen(TitledScreen):
    VIEW_TITLE = "Accounts"
    TOPICS = frozenset({changes.BOOKS})
    COLUMNS = (
        Column("Code", 5),
        Column("Account", 36, share=1),
        Column("Type", 9),
        Column("Balance", 13),
    )
    ACTION_PERMISSIONS = {"add": "books.post", "rename": "books.post", "toggle": "books.post"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="books_accounts.back"),
        Binding("a", "add", "Add", id="books_accounts.add"),
        Binding("r", "rename", "Rename", id="books_accounts.rename"),
        Binding("d", "toggle", "Deactivate", id="books_accounts.toggle"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, AccountRow] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="accounts-summary", classes="toolbar")
        yield RowTable(cursor_type="row", id="accounts-table")

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(RowTable)
        table.set_columns(self.COLUMNS)
        table.focus()

    def reload(self) -> None:
        self.call_service(chart_of_accounts, then=self._show)

    def _show(self, rows: list[AccountRow]) -> None:
        table = self.query_one(RowTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {str(r.id): r for r in rows}
        for r in rows:
            style = "dim" if not r.active else ""
            table.add_row(
                plain(r.code, style),
                plain(r.name + ("" if r.active else " (inactive)"), style),
                plain(TYPE_LABELS.get(r.type, r.type), style),
                plain(format_money(r.normal_balance_cents).rjust(13), style),
                key=str(r.id),
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        inactive = sum(1 for r in rows if not r.active)
        self.query_one("#accounts-summary", Static).update(
            plain(
                f"{len(rows)} accounts ({inactive} inactive) · balances on each account's "
                "normal side"
            )
        )

    def selected(self) -> AccountRow | None:
        table = self.query_one(RowTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    def _done(self, row: AccountRow | None) -> None:
        if row:
            state = "" if row.active else " (inactive)"
            self.say(f"{row.code} {row.name}{state}.", "ok")
            self.reload()

    def action_add(self) -> None:
        self.app.push_screen(
            FormDialog(
                "Add an account",
                [
                    FieldSpec("code", "Code", placeholder="e.g. 6700", max_length=16),
                    FieldSpec("name", "Name", max_length=80),
                    FieldSpec(
                        "type",
                        "Type",
                        "expense",
                        options=[(label, key) for key, label in TYPE_LABELS.items()],
                    ),
                    FieldSpec(
                        "normal_side",
                        "Normal side",
                        "",
                        options=[
                            ("Usual for the type", ""),
                            ("Debit (contra)", "debit"),
                            ("Credit (contra)", "credit"),
                        ],
                    ),
                ],  # fmt: skip
                add_account,
            ),
            self._done,
        )

    def action_rename(self) -> None:
        row = self.selected()
        if row is None:
            return

        def submit(actor, values):
            return rename_account(actor, row.id, row.version, values["name"])

        self.app.push_screen(
            FormDialog(
                f"Rename account {row.code}",
                [FieldSpec("name", "Name", row.name, max_length=80)],
                submit,
            ),
            self._done,
        )

    def action_toggle(self) -> None:
        row = self.selected()
        if row is None:
            return
        verb = "Deactivate" if row.active else "Bring back"

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_service(set_account_active, row.id, row.version, not row.active,
                                  then=self._done, group="write")  # fmt: skip

        self.app.push_screen(
            ConfirmDialog(f"{verb} account {row.code} {row.name}?", yes=verb), answered
        )
