"""The books' statements at 80x24 by keys alone (issue 13 item 5): a trial balance that
balances, a P&L for a period typed in, saved as PDF through the export dialog, and an
account's ledger detail with its running balance."""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.cli import make_app
from moa_tui.db.database import db, write_transaction
from moa_tui.screens.books.statements import StatementsScreen
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.ledger import account_balance, post_journal
from moa_tui.services.security.staff import find_staff
from moa_tui.services.validate import format_money
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .conftest import FROZEN_NOW
from .ui_helpers import settle, static_text, table_rows

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def _post(staff) -> None:
    with db.connection_context(), write_transaction():
        for on, lines in (
            (dt.date(2026, 10, 5), [(acct.BANK, 2_000_00), (acct.EQUITY, -2_000_00)]),
            (dt.date(2026, 10, 20), [(acct.RENT, 800_00), (acct.BANK, -800_00)]),
            (dt.date(2026, 11, 3), [(acct.UTILITIES, 12_34), (acct.BANK, -12_34)]),
        ):
            post_journal(on=on, memo="Walk", source="manual", source_id=None, lines=lines,
                         staff=staff)  # fmt: skip


async def test_statements_walk(demo_db, tmp_path):
    manager = find_staff("manager")
    _post(manager)
    app = make_app(demo_db, actor=manager)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(StatementsScreen())
        await settle(pilot)
        assert "Trial balance: As of 11/18/2026" in static_text(app, "#statement-head")
        rows = table_rows(app, "#statement-table")
        assert rows[-1][1] == "Totals" and rows[-1][2] == rows[-1][3]
        table = app.screen.query_one("#statement-table")
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80
        # P&L for October typed in.
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*(["backspace"] * 12), *"10/01/2026", "enter")
        await pilot.press(*(["backspace"] * 12), *"10/31/2026", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StatementsScreen)
        assert "10/01/2026 - 10/31/2026" in static_text(app, "#statement-head")
        rows = {r[1]: r for r in table_rows(app, "#statement-table")}
        assert rows["Rent"][2] == "$800.00"
        assert "Utilities" not in rows  # November's
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press(*(["backspace"] * 40), *str(tmp_path / "pl.pdf"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, StatementsScreen)
        assert (tmp_path / "pl.pdf").read_bytes().startswith(b"%PDF")
        # The bank account's lines with the running balance.
        await pilot.press("g")
        await settle(pilot)
        await pilot.press(*acct.BANK, "enter", "enter", "enter")  # October, as the P&L
        await settle(pilot)
        assert "General ledger: 1010" in static_text(app, "#statement-head")
        rows = table_rows(app, "#statement-table")
        with db.connection_context():
            assert rows[-1][-1] == format_money(account_balance(acct.BANK, dt.date(2026, 10, 31)))
        assert rows[0][2] == "Opening balance"
        # October's rent paid from the bank is among the month's lines (the demo's own
        # payments post there too).
        assert any(r[2] == "Walk" and "$800.00" in r for r in rows)


async def test_close_the_month_then_a_posting_into_it_is_refused(demo_db):
    from moa_tui.screens.books.month_end import MonthEndScreen
    from moa_tui.services.books.ledger import lock_date
    from moa_tui.services.errors import ValidationError

    manager = find_staff("manager")
    app = make_app(demo_db, actor=manager)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(MonthEndScreen())
        await settle(pilot)
        assert "Month ending 10/31/2026: open" in static_text(app, "#month-end-head")
        labels = [r[0] for r in table_rows(app, "#month-end-table")]
        assert labels == ["Unbilled visits", "Claims not sent", "Bills not approved",
                          "Unmatched bills", "Drawer differences", "Undeposited payments",
                          "Trial balance off"]  # fmt: skip
        await pilot.press("x")
        await settle(pilot)
        assert "Month ending 10/31/2026: closed" in static_text(app, "#month-end-head")
    with db.connection_context():
        assert lock_date() == dt.date(2026, 10, 31)
    with pytest.raises(ValidationError, match="closed through 10/31/2026"):
        _post(manager)  # its first entry is dated 10/05/2026
