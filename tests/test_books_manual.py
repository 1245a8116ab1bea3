"""The manager's side of the books (issue 13 items 1, 2, 3, 7): manual entries, the
journal's pages, the chart of accounts kept up; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.db.database import db
from moa_tui.db.models import Account, AuditEvent, JournalEntry
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.chart import (
    add_account,
    chart_of_accounts,
    rename_account,
    set_account_active,
)
from moa_tui.services.books.journal import (
    difference,
    entry_detail,
    journal_page,
    post_manual_entry,
)
from moa_tui.services.books.ledger import reverse_entry, set_lock_date
from moa_tui.services.errors import Conflict, ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff


@pytest.fixture
def manager(demo_db):
    return find_staff("manager")


pytestmark = pytest.mark.usefixtures("empty_books")


def entries() -> int:
    with db.connection_context():
        return JournalEntry.select().count()


def rent(manager, day="11/02/2026", amount="2,500.00") -> int:
    rows = [(acct.RENT, amount, ""), (acct.BANK, "", amount)]
    return post_manual_entry(manager, day, "November rent", rows)


def test_manual_entry_posts_and_shows_in_the_journal(manager):
    entry_id = rent(manager)
    row, lines = entry_detail(manager, entry_id)
    assert (row.on, row.memo, row.source, row.debits_cents) == (
        dt.date(2026, 11, 2),
        "November rent",
        "manual",
        250_000,
    )
    assert row.reversible and row.reversed_by is None
    assert [(ln.code, ln.name, ln.cents) for ln in lines] == [
        (acct.RENT, "Rent", 250_000),
        (acct.BANK, "Operating bank account", -250_000),
    ]
    with db.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "books.manual_entry").count() == 1


def test_unbalanced_manual_entry_is_refused_with_the_difference(manager):
    rows = [(acct.RENT, "100.00", ""), (acct.BANK, "", "90.00")]
    with pytest.raises(ValidationError, match=r"differ by \$10.00"):
        post_manual_entry(manager, "t", "Rent", rows)
    assert difference(rows) == 1_000
    assert difference([(acct.RENT, "1", ""), (acct.BANK, "", "1")]) == 0
    assert difference([(acct.RENT, "abc", "")]) is None
    assert entries() == 0


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(acct.RENT, "1", "1"), (acct.BANK, "", "1")], "Line 1: type a debit or a credit"),
        ([("", "1", ""), (acct.BANK, "", "1")], "Line 1: pick an account"),
        ([(acct.RENT, "-1", ""), (acct.BANK, "", "1")], "cannot be negative"),
        ([("nope", "1", ""), (acct.BANK, "", "1")], "no account 'nope'"),
        ([], "at least two lines"),
    ],
)
def test_bad_manual_lines_are_refused(manager, rows, message):
    with pytest.raises(ValidationError, match=message):
        post_manual_entry(manager, "t", "Memo", rows)
    assert entries() == 0


def test_manual_entry_in_closed_books_is_refused(manager):
    set_lock_date(manager, dt.date(2026, 10, 31))
    with pytest.raises(ValidationError, match="closed through 10/31/2026"):
        rent(manager, day="10/31/2026")
    assert entries() == 0


def test_manual_entry_needs_books_post(manager, desk):
    with pytest.raises(PermissionDenied):
        rent(desk)
    with pytest.raises(PermissionDenied):
        rent(find_staff("billing"))
    assert journal_page(find_staff("billing")).rows == ()
    with pytest.raises(PermissionDenied):
        journal_page(desk)


def test_journal_pages_newest_first_by_keyset(manager):
    ids = [rent(manager, day=f"11/{d:02d}/2026") for d in (3, 1, 2, 2, 5)]
    first = journal_page(manager, None, 2)
    assert [r.id for r in first.rows] == [ids[4], ids[0]]
    second = journal_page(manager, first.next_after, 2)
    assert [r.id for r in second.rows] == [ids[3], ids[2]]
    third = journal_page(manager, second.next_after, 2)
    assert [r.id for r in third.rows] == [ids[1]] and third.next_after is None
    undo = reverse_entry(manager, ids[4], dt.date(2026, 11, 5), "Twice")
    top = journal_page(manager, None, 2).rows
    assert [(r.id, r.reverses, r.reversed_by) for r in top] == [
        (undo, ids[4], None),
        (ids[4], None, undo),
    ]
    with pytest.raises(ValidationError):
        journal_page(manager, ("x", 1), 2)


def test_chart_lists_accounts_with_balances(manager):
    rent(manager)
    chart = {a.code: a for a in chart_of_accounts(manager)}
    assert chart[acct.RENT].balance_cents == 250_000
    assert chart[acct.BANK].normal_balance_cents == -250_000
    assert chart[acct.RENT].system and chart[acct.RENT].active
    assert list(chart) == sorted(chart)


def test_add_rename_deactivate_an_account(manager):
    row = add_account(manager, {"code": "6700", "name": "Continuing education", "type": "expense"})
    assert (row.normal_side, row.active, row.system) == ("debit", True, False)
    with pytest.raises(ValidationError, match="exists already"):
        add_account(manager, {"code": "6700", "name": "Other", "type": "expense"})
    with pytest.raises(ValidationError, match="Another account is named"):
        add_account(manager, {"code": "6710", "name": "Rent", "type": "expense"})
    with pytest.raises(ValidationError, match="Type:"):
        add_account(manager, {"code": "6710", "name": "X", "type": "cost"})
    renamed = rename_account(manager, row.id, row.version, "  CME   courses ")
    assert renamed.name == "CME courses"
    with pytest.raises(Conflict):
        rename_account(manager, row.id, row.version, "Stale")
    post_manual_entry(
        manager, "11/02/2026", "Course", [("6700", "300", ""), (acct.BANK, "", "300")]
    )
    with pytest.raises(ValidationError, match=r"balance of \$300.00"):
        set_account_active(manager, row.id, renamed.version, False)
    post_manual_entry(
        manager, "11/03/2026", "Back", [(acct.OFFICE, "300", ""), ("6700", "", "300")]
    )
    off = set_account_active(manager, row.id, renamed.version, False)
    assert not off.active
    with pytest.raises(ValidationError, match="deactivated"):
        post_manual_entry(manager, "t", "More", [("6700", "1", ""), (acct.BANK, "", "1")])
    on = set_account_active(manager, row.id, off.version, True)
    assert on.active
    with db.connection_context():
        assert Account.select().where(Account.code == "6700").count() == 1


def test_system_accounts_cannot_be_deactivated(manager):
    cash = next(a for a in chart_of_accounts(manager) if a.code == acct.CASH)
    with pytest.raises(ValidationError, match="cannot be deactivated"):
        set_account_active(manager, cash.id, cash.version, False)
    with pytest.raises(PermissionDenied):
        set_account_active(find_staff("billing"), cash.id, cash.version, False)
