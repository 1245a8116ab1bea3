"""A manual journal entry: date, memo and lines of account, debit or credit. The running
difference shows as it is typed; Ctrl+S saves only a balanced entry (the service says by
how much it is off otherwise). Ctrl+L picks the line's account from the chart."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from ...services.books.chart import AccountRow, chart_of_accounts
from ...services.books.journal import post_manual_entry, typed_lines
from ...services.errors import ValidationError
from ...services.validate import format_money
from ...ui.text import plain
from ...widgets.dialogs import PickDialog
from ..base import TitledScreen

LINES = 10


class NewEntryScreen(TitledScreen):
    VIEW_TITLE = "New entry"
    REFETCH_ON_RESUME = False
    DEFAULT_CSS = """
    #entry-body { height: 1fr; padding: 0 1; }
    #entry-body Horizontal { height: 1; }
    #entry-body Input { width: 14; margin-right: 1; }
    #entry-body .entry-account { width: 9; }
    #entry-body #entry-memo { width: 1fr; }
    #entry-body .entry-name { width: 30; height: 1; }
    #entry-body .entry-label { width: 6; }
    #entry-head { height: 1; }
    #entry-difference { height: 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="books_new_entry.back"),
        Binding("ctrl+s", "save", "Save", priority=True, id="books_new_entry.save"),
        Binding("ctrl+l", "pick_account", "Pick account", id="books_new_entry.pick_account"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.accounts: dict[str, AccountRow] = {}

    def compose_body(self) -> ComposeResult:
        with Vertical(id="entry-body"):
            with Horizontal():
                yield Static("Date", classes="entry-label")
                yield Input(placeholder="t, 11/30", compact=True, max_length=20, id="entry-day")
                yield Static("Memo", classes="entry-label")
                yield Input(compact=True, max_length=200, id="entry-memo")
            yield Static(
                plain(f"{'Account':<10}{'':<30} {'Debit':<14} {'Credit':<14}"), id="entry-head"
            )
            for n in range(LINES):
                with Horizontal():
                    yield Input(compact=True, max_length=16, id=f"acct-{n}",
                                classes="entry-account", placeholder="code")  # fmt: skip
                    yield Static("", id=f"name-{n}", classes="entry-name")
                    yield Input(compact=True, max_length=16, id=f"debit-{n}", placeholder="debit")
                    yield Input(compact=True, max_length=16, id=f"credit-{n}",
                                placeholder="credit")  # fmt: skip
            yield Static("", id="entry-difference")

    def on_mount(self) -> None:
        self.set_title()
        self.query_one("#entry-day", Input).focus()
        self.call_service(chart_of_accounts, then=self._chart)

    def _chart(self, rows: list[AccountRow]) -> None:
        self.accounts = {r.code: r for r in rows if r.active}
        self._update()

    def rows(self) -> list[tuple[str, str, str]]:
        parts = ("acct", "debit", "credit")
        value = lambda part, n: self.query_one(f"#{part}-{n}", Input).value  # noqa: E731
        return [tuple(value(p, n) for p in parts) for n in range(LINES)]

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update()

    def _update(self) -> None:
        for n, (code, _debit, _credit) in enumerate(self.rows()):
            account = self.accounts.get(code.strip())
            name = account.name if account else ("no such account" if code.strip() else "")
            self.query_one(f"#name-{n}", Static).update(plain(name[:30]))
        line = self.query_one("#entry-difference", Static)
        try:
            lines = typed_lines(self.rows())
        except ValidationError as exc:
            line.update(plain(str(exc).split(": ", 1)[-1]))
            return
        debits = sum(c for _a, c in lines if c > 0)
        credits = -sum(c for _a, c in lines if c < 0)
        if debits == credits and debits:
            line.update(plain(f"Balanced: {format_money(debits)} · Ctrl+S saves"))
        elif debits or credits:
            line.update(plain(f"Debits {format_money(debits)}, credits {format_money(credits)}: "
                              f"differ by {format_money(abs(debits - credits))}"))  # fmt: skip
        else:
            line.update(plain("Type an account code and a debit or a credit on each line."))

    def show_error(self, error) -> None:
        if isinstance(error, ValidationError):  # one line, without the fields' names
            self.say("; ".join(error.errors.values()), "error")
            self.app.bell()
        else:
            super().show_error(error)

    def action_save(self) -> None:
        day = self.query_one("#entry-day", Input).value
        memo = self.query_one("#entry-memo", Input).value
        self.call_service(post_manual_entry, day, memo, self.rows(), then=self._saved,
                          group="write")  # fmt: skip

    def _saved(self, entry_id: int) -> None:
        for widget in self.query(Input):
            widget.value = ""
        self.query_one("#entry-day", Input).focus()
        self.say(f"Entry #{entry_id} posted.", "ok")

    def action_pick_account(self) -> None:
        focused = self.focused
        if not isinstance(focused, Input) or not (focused.id or "").startswith("acct-"):
            self.say("Ctrl+L picks an account in a line's account column.", "warning")
            return
        rows = [(code, (code, a.name)) for code, a in self.accounts.items()]

        def picked(code: str | None) -> None:
            if code:
                focused.value = code
                focused.focus()

        self.app.push_screen(PickDialog("Pick an account", [("Code", 6), ("Account", 36)],
                                        rows), picked)  # fmt: skip
