"""The general ledger's core (issue 13 items 1, 7): posting, reversing, balances and the
lock date, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.db.database import db, write_transaction
from moa_tui.db.models import (
    Account,
    AccountMonth,
    AuditEvent,
    JournalEntry,
    JournalLine,
    Patient,
)
from moa_tui.services import clock
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.ledger import (
    account_balance,
    account_balances,
    entry_lines,
    lock_date,
    post_journal,
    reverse_entry,
    set_lock_date,
)
from moa_tui.services.errors import NotFound, ValidationError
from moa_tui.services.frontdesk.payments import collect_payment
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

DAY = dt.date(2026, 11, 2)


@pytest.fixture
def manager(demo_db):
    return find_staff("manager")


pytestmark = pytest.mark.usefixtures("empty_books")


def post(staff, lines, on=DAY, source="manual", memo="Test entry", source_id=None) -> int:
    with db.connection_context(), write_transaction():
        return post_journal(
            on=on, memo=memo, source=source, source_id=source_id, lines=lines, staff=staff
        )


def balance(code, through=None) -> int:
    with db.connection_context():
        return account_balance(code, through)


def counts() -> tuple[int, int, int]:
    with db.connection_context():
        return (
            JournalEntry.select().count(),
            JournalLine.select().count(),
            int(sum(m.amount for m in AccountMonth.select())),
        )


def test_migration_seeds_the_chart(manager):
    with db.connection_context():
        rows = {a.code: a for a in Account.select()}
    assert len(rows) == len(acct.CHART) == 23
    for code, name, kind, side in acct.CHART:
        assert (rows[code].name, rows[code].type, rows[code].normal_side) == (name, kind, side)
        assert rows[code].active
    assert (
        rows[acct.CONTRACTUAL].type == "revenue" and rows[acct.CONTRACTUAL].normal_side == "debit"
    )


def test_post_writes_lines_and_balances(manager):
    entry = post(manager, [(acct.PATIENT_AR, 12_500), (acct.REVENUE, -12_500)], source="charge",
                 source_id=7)  # fmt: skip
    with db.connection_context():
        row = JournalEntry.get_by_id(entry)
        assert (row.entry_date, row.source, row.source_id, row.staff_id) == (
            DAY,
            "charge",
            7,
            manager.id,
        )
        assert entry_lines(entry) == [(acct.PATIENT_AR, 12_500), (acct.REVENUE, -12_500)]
    assert balance(acct.PATIENT_AR) == 12_500
    assert balance(acct.REVENUE) == -12_500
    assert balance(acct.CASH) == 0


def test_balance_through_a_date_reads_months_and_the_part_month(manager):
    post(manager, [(acct.BANK, 1_000), (acct.EQUITY, -1_000)], on=dt.date(2026, 9, 30))
    post(manager, [(acct.BANK, 200), (acct.EQUITY, -200)], on=dt.date(2026, 10, 1))
    post(manager, [(acct.BANK, 30), (acct.EQUITY, -30)], on=dt.date(2026, 10, 15))
    post(manager, [(acct.BANK, 4), (acct.EQUITY, -4)], on=dt.date(2026, 11, 1))
    assert balance(acct.BANK, dt.date(2026, 9, 29)) == 0
    assert balance(acct.BANK, dt.date(2026, 9, 30)) == 1_000
    assert balance(acct.BANK, dt.date(2026, 10, 1)) == 1_200
    assert balance(acct.BANK, dt.date(2026, 10, 14)) == 1_200
    assert balance(acct.BANK, dt.date(2026, 10, 31)) == 1_230
    assert balance(acct.BANK) == 1_234
    with db.connection_context():
        assert account_balances(dt.date(2026, 10, 15)) == {acct.BANK: 1_230, acct.EQUITY: -1_230}
        assert account_balances() == {acct.BANK: 1_234, acct.EQUITY: -1_234}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([(acct.CASH, 500), (acct.REVENUE, -400)], "differ by $1.00"),
        ([(acct.CASH, 500)], "at least two lines"),
        ([], "at least two lines"),
        ([(acct.CASH, 0), (acct.REVENUE, 0)], "cannot be $0.00"),
        ([(acct.CASH, 5.0), (acct.REVENUE, -5)], "not in cents"),
        ([(acct.CASH, True), (acct.REVENUE, -1)], "not in cents"),
        ([("9999", 500), (acct.REVENUE, -500)], "no account '9999'"),
        ([(acct.CASH, 10**13), (acct.REVENUE, -(10**13))], "more than"),
        ([(acct.CASH, 1, 2), (acct.REVENUE, -1)], "an account and an amount"),
    ],
)
def test_bad_entries_are_refused_and_write_nothing(manager, lines, message):
    before = counts()
    with pytest.raises(ValidationError, match=message.replace("$", r"\$").replace("(", r"\(")):
        post(manager, lines)
    assert counts() == before


def test_bad_date_memo_and_source_are_refused(manager):
    lines = [(acct.CASH, 100), (acct.REVENUE, -100)]
    before = counts()  # (the demo's opening stock is posted already)
    with pytest.raises(ValidationError, match="between"):
        post(manager, lines, on=dt.date(2200, 1, 1))
    with pytest.raises(ValidationError, match="not a time"):
        post(manager, lines, on=dt.datetime(2026, 11, 2, 9, 0))
    with pytest.raises(ValidationError, match="Unknown kind"):
        post(manager, lines, source="gift")
    with pytest.raises(ValidationError, match="control character"):
        post(manager, lines, memo="bad\x1b[31m")
    assert counts() == before


def test_post_needs_the_callers_transaction(manager):
    with db.connection_context(), pytest.raises(RuntimeError, match="transaction"):
        post_journal(on=DAY, memo="", source="manual", source_id=None,
                     lines=[(acct.CASH, 1), (acct.REVENUE, -1)], staff=manager)  # fmt: skip


def test_entry_rolls_back_with_its_event(manager):
    """Posted inside the event's transaction: the event failing takes the entry with it."""
    before = counts()
    with pytest.raises(ZeroDivisionError), db.connection_context(), write_transaction():
        lines = [(acct.PATIENT_AR, 100), (acct.REVENUE, -100)]
        post_journal(on=DAY, memo="", source="charge", source_id=1, lines=lines, staff=manager)
        1 / 0  # noqa: B018 (the event's own work failing after the posting)
    assert counts() == before
    assert balance(acct.PATIENT_AR) == 0


def test_deactivated_account_refuses_postings(manager):
    with db.connection_context():
        Account.update(active=False).where(Account.code == acct.RENT).execute()
    with pytest.raises(ValidationError, match="6300 Rent is deactivated"):
        post(manager, [(acct.RENT, 100), (acct.BANK, -100)])


def test_lock_date_refuses_postings_on_and_before_it(manager):
    set_lock_date(manager, dt.date(2026, 10, 31))
    with db.connection_context():
        assert lock_date() == dt.date(2026, 10, 31)
    lines = [(acct.BANK, 100), (acct.EQUITY, -100)]
    before = counts()[0]  # (the demo's opening stock is posted already)
    for day in (dt.date(2026, 10, 31), dt.date(2026, 1, 5)):
        with pytest.raises(ValidationError, match="closed through 10/31/2026"):
            post(manager, lines, on=day)
    post(manager, lines, on=dt.date(2026, 11, 1))
    assert counts()[0] == before + 1


def test_reopening_needs_a_reason_and_is_audited(manager):
    set_lock_date(manager, dt.date(2026, 10, 31))
    with pytest.raises(ValidationError, match="Say why"):
        set_lock_date(manager, dt.date(2026, 9, 30))
    set_lock_date(manager, None, reason="Late vendor bill")
    with db.connection_context():
        assert lock_date() is None
        events = AuditEvent.select().where(AuditEvent.action.in_(["lock_books", "reopen_books"]))
        details = [e.detail for e in events.order_by(AuditEvent.id)]
    assert details == [
        "lock date open -> 10/31/2026",
        "lock date 10/31/2026 -> open: Late vendor bill",
    ]
    with pytest.raises(ValidationError, match="yesterday at the latest"):
        set_lock_date(manager, dt.date(2027, 1, 1))


def test_the_books_close_through_yesterday_at_the_latest(manager, desk):
    """Every money event posts on its own day: a lock date of today would refuse the
    desk's payments until the manager reopened the books, so today is refused; through
    yesterday, today's postings go on."""
    today = clock.today()
    for day in (today, today + dt.timedelta(days=1)):
        with pytest.raises(ValidationError, match="yesterday at the latest"):
            set_lock_date(manager, day)
    with db.connection_context():
        assert lock_date() is None
    set_lock_date(manager, today - dt.timedelta(days=1))
    with db.connection_context():
        patient_id = Patient.select(Patient.id).where(~Patient.restricted).scalar()
    collect_payment(desk, patient_id, "5.00", "cash", "", None, "Payment")
    with pytest.raises(ValidationError, match="closed through"):
        post(manager, [(acct.BANK, 100), (acct.EQUITY, -100)], on=today - dt.timedelta(days=1))


def test_lock_date_needs_the_manager(manager, desk):
    with pytest.raises(PermissionDenied):
        set_lock_date(desk, dt.date(2026, 10, 31))
    biller = find_staff("billing")
    with pytest.raises(PermissionDenied):
        set_lock_date(biller, dt.date(2026, 10, 31))


def test_reverse_entry_negates_and_links(manager):
    entry = post(manager, [(acct.RENT, 250_000), (acct.BANK, -250_000)], memo="November rent")
    new = reverse_entry(manager, entry, dt.date(2026, 11, 3), "Paid twice by mistake")
    with db.connection_context():
        row = JournalEntry.get_by_id(new)
        assert (row.source, row.source_id, row.reverses_id) == ("reversal", entry, entry)
        assert "Paid twice by mistake" in row.memo
        assert entry_lines(new) == [(acct.RENT, -250_000), (acct.BANK, 250_000)]
        assert entry_lines(entry) == [(acct.RENT, 250_000), (acct.BANK, -250_000)]
    assert balance(acct.RENT) == balance(acct.BANK) == 0
    assert balance(acct.RENT, DAY) == 250_000
    with pytest.raises(ValidationError, match="reversed already"):
        reverse_entry(manager, entry, dt.date(2026, 11, 3), "Again")


def test_reverse_entry_refusals(manager, desk):
    before = counts()[0]  # (the demo's opening stock is posted already)
    manual = post(manager, [(acct.RENT, 100), (acct.BANK, -100)])
    charge = post(manager, [(acct.PATIENT_AR, 100), (acct.REVENUE, -100)], source="charge")
    with pytest.raises(ValidationError, match="posted by a charge"):
        reverse_entry(manager, charge, DAY, "Wrong")
    with pytest.raises(ValidationError, match="Reason is required"):
        reverse_entry(manager, manual, DAY, "  ")
    with pytest.raises(ValidationError, match="before the entry"):
        reverse_entry(manager, manual, DAY - dt.timedelta(days=1), "Early")
    with pytest.raises(NotFound):
        reverse_entry(manager, 10**9, DAY, "Missing")
    with pytest.raises(PermissionDenied):
        reverse_entry(desk, manual, DAY, "Not mine")
    set_lock_date(manager, DAY)
    with pytest.raises(ValidationError, match="closed through"):
        reverse_entry(manager, manual, DAY, "Closed")
    assert counts()[0] == before + 2


def test_a_reversal_of_a_manual_reversal_can_be_reversed(manager):
    entry = post(manager, [(acct.OFFICE, 900), (acct.CASH, -900)])
    undo = reverse_entry(manager, entry, DAY, "Wrong account")
    redo = reverse_entry(manager, undo, DAY, "It was right after all")
    with db.connection_context():
        assert entry_lines(redo) == entry_lines(entry)
    assert balance(acct.OFFICE) == 900


def test_debits_equal_credits_and_months_equal_lines(manager):
    post(
        manager,
        [(acct.UNDEPOSITED, 5_000), (acct.PATIENT_AR, -3_000), (acct.PATIENT_CREDITS, -2_000)],
    )
    post(manager, [(acct.BANK, 5_000), (acct.UNDEPOSITED, -5_000)], on=dt.date(2026, 12, 1))
    with db.connection_context():
        assert sum(account_balances().values()) == 0
        by_lines = {}
        for line in JournalLine.select():
            by_lines[line.account_id] = by_lines.get(line.account_id, 0) + line.amount
        by_months = {}
        for month in AccountMonth.select():
            by_months[month.account_id] = by_months.get(month.account_id, 0) + month.amount
    assert by_lines == by_months
