"""The Books area at 80x24 by keys alone (issue 13 items 1-4): the hub, the chart of
accounts (add, rename, deactivate), the journal (lines, reversal), a manual entry."""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.cli import make_app
from moa_tui.db.database import db
from moa_tui.db.models import Account, JournalEntry
from moa_tui.screens.books.hub import PAGES, BooksScreen
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.journal import post_manual_entry
from moa_tui.services.books.ledger import account_balance
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.areabar import AreaBar
from moa_tui.widgets.dialogs import InfoDialog

from .conftest import FROZEN_NOW
from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def entries() -> int:
    with db.connection_context():
        return JournalEntry.select().count()


def balance(code: str) -> int:
    with db.connection_context():
        return account_balance(code)


def test_hub_letters_are_unique_and_not_help():
    keys = [p.key for p in PAGES]
    assert len(keys) == len(set(keys)) and "h" not in keys
    assert all(len(p.what) <= 48 for p in PAGES)


async def test_manager_opens_books_with_f11_and_a_screen_by_its_letter(demo_db):
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, BooksScreen)
        bar = app.screen.query_one(AreaBar).render().plain
        assert "F11Books" in bar and len(bar) <= 80 and "…" not in bar
        rows = table_rows(app, "#books-pages")
        assert [r[1] for r in rows] == [p.name for p in PAGES]
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.VIEW_TITLE == "Accounts"
        accounts = table_rows(app, "#accounts-table")
        assert [r[0] for r in accounts][:3] == [acct.CASH, acct.BANK, acct.UNDEPOSITED]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BooksScreen)
        # Enter on a row opens it too.
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.VIEW_TITLE == "Journal"


async def test_desk_has_no_books_area_and_biller_cannot_post(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Books" not in app.screen.query_one(AreaBar).render().plain
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("alt+minus")
        await settle(pilot)
        assert isinstance(app.screen, BooksScreen)
        names = [r[1] for r in table_rows(app, "#books-pages")]
        assert "New entry" not in names and names[:2] == ["Accounts", "Journal"]
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BooksScreen)
        assert "New entry" in static_text(app, "#message")


async def test_add_rename_and_deactivate_an_account_by_keys(demo_db):
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11", "a")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"6700", "enter", *"Continuing education", "ctrl+s")
        await settle(pilot)
        rows = table_rows(app, "#accounts-table")
        assert ["6700", "Continuing education", "Expense", "$0.00".rjust(13)] in rows
        move_to_row(app, lambda r: r[0] == "6700", "#accounts-table")
        await pilot.press("r", "ctrl+u", *"CME", "enter")
        await settle(pilot)
        move_to_row(app, lambda r: r[0] == "6700", "#accounts-table")
        await pilot.press("d", "y")
        await settle(pilot)
        assert ["6700", "CME (inactive)", "Expense", "$0.00".rjust(13)] in table_rows(
            app, "#accounts-table"
        )
        # A system account is refused, with the reason on the message line.
        move_to_row(app, lambda r: r[0] == acct.CASH, "#accounts-table")
        await pilot.press("d", "y")
        await settle(pilot)
        assert "cannot be deactivated" in static_text(app, "#message")
    with db.connection_context():
        row = Account.get(Account.code == "6700")
        assert (row.name, row.active) == ("CME", False)


async def test_journal_shows_lines_and_reverses_with_a_reason(demo_db):
    manager = find_staff("manager")
    before = entries()
    post_manual_entry(manager, "t", "November rent",
                      [(acct.RENT, "2,500", ""), (acct.BANK, "", "2,500")])  # fmt: skip
    app = make_app(demo_db, actor=manager)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11", "j")
        await settle(pilot)
        rows = table_rows(app, "#journal-table")
        assert rows[0][1:4] == ["11/18/2026", "Manual", "November rent"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        body = str(app.screen.query_one("#info-body").render())
        assert "6300 Rent" in body and "$2,500.00" in body
        await pilot.press("escape", "r")
        await settle(pilot)
        await pilot.press(*"Paid twice", "enter", "enter")
        await settle(pilot)
        rows = table_rows(app, "#journal-table")
        assert rows[0][2] == "Reversal" and "Paid twice" in rows[0][3]
    with db.connection_context():
        assert account_balance(acct.RENT) == 0
    assert entries() == before + 2


async def test_new_entry_shows_the_difference_and_saves_only_balanced(demo_db):
    before, office = entries(), balance(acct.OFFICE)
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11", "n")
        await settle(pilot)
        assert app.screen.VIEW_TITLE == "New entry"
        await pilot.press(*"t", "tab", *"Office chairs", "tab")
        await pilot.press(*acct.OFFICE, "tab", *"300", "tab", "tab")
        await pilot.press(*acct.BANK, "tab", "tab", *"250")
        await settle(pilot)
        assert "differ by $50.00" in static_text(app, "#entry-difference")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "differ by $50.00" in static_text(app, "#message")
        assert entries() == before
        await pilot.press("backspace", "backspace", "backspace", *"300")
        await settle(pilot)
        assert "Balanced" in static_text(app, "#entry-difference")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert entries() == before + 1
    with db.connection_context():
        entry = JournalEntry.select().order_by(JournalEntry.id.desc()).get()
        assert (entry.memo, entry.entry_date) == ("Office chairs", dt.date(2026, 11, 18))
    assert balance(acct.OFFICE) - office == 30_000
