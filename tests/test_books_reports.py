"""The books' statements (issue 13 item 5) tie to the ledger, on SQLite and PostgreSQL:
the trial balance's debits equal its credits, a period's net income equals the change in
equity on the balance sheet, assets equal liabilities plus equity; the ledger detail's
running balance pages by keyset and ends at the account's balance."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from moa_tui.db.database import db, write_transaction
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.ledger import account_balance, post_journal
from moa_tui.services.books.report_files import export_statement
from moa_tui.services.books.reports import (
    balance_sheet,
    ledger_detail,
    profit_and_loss,
    trial_balance,
)
from moa_tui.services.errors import ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

ENTRIES = [
    (dt.date(2026, 8, 3), [(acct.BANK, 5_000_00), (acct.EQUITY, -5_000_00)]),
    (dt.date(2026, 8, 20), [(acct.PATIENT_AR, 300_00), (acct.REVENUE, -300_00)]),
    (dt.date(2026, 9, 1), [(acct.RENT, 1_200_00), (acct.BANK, -1_200_00)]),
    (dt.date(2026, 9, 15), [(acct.INSURANCE_AR, 900_00), (acct.REVENUE, -900_00)]),
    (dt.date(2026, 9, 15), [(acct.CONTRACTUAL, 150_00), (acct.INSURANCE_AR, -150_00)]),
    (dt.date(2026, 9, 30), [(acct.UNDEPOSITED, 250_00), (acct.PATIENT_AR, -250_00)]),
    (dt.date(2026, 10, 2), [(acct.OFFICE, 75_25), (acct.AP, -75_25)]),
    (dt.date(2026, 10, 9), [(acct.DRAWINGS, 100_00), (acct.BANK, -100_00)]),
    (
        dt.date(2026, 10, 9),
        [(acct.PATIENT_AR, 45_00), (acct.LATE_FEES, -5_00), (acct.REVENUE, -40_00)],
    ),
]


@pytest.fixture
def manager(empty_books):
    staff = find_staff("manager")
    with db.connection_context(), write_transaction():
        for on, lines in ENTRIES:
            post_journal(on=on, memo="Test", source="manual", source_id=None, lines=lines,
                         staff=staff)  # fmt: skip
    return staff


def test_trial_balance_debits_equal_credits(manager):
    for day in (dt.date(2026, 8, 31), dt.date(2026, 9, 15), dt.date(2026, 10, 31)):
        tb = trial_balance(manager, day)
        assert tb.debits == tb.credits > 0
        assert sum(r.balance for r in tb.rows) == 0
    tb = trial_balance(manager, dt.date(2026, 9, 30))
    with db.connection_context():
        for row in tb.rows:
            assert row.balance == account_balance(row.code, dt.date(2026, 9, 30))
    by_code = {r.code: r for r in tb.rows}
    assert by_code[acct.BANK].balance == 3_800_00
    assert by_code[acct.REVENUE].shown == 1_200_00  # revenue shown credit-positive
    assert by_code[acct.CONTRACTUAL].shown == -150_00  # the contra account reduces revenue
    assert acct.OFFICE not in by_code  # posted after the date


def _equity(bs) -> int:
    return bs.total_equity


def test_net_income_is_the_change_in_equity_and_the_sheet_balances(manager):
    start, end = dt.date(2026, 9, 1), dt.date(2026, 10, 31)
    pl = profit_and_loss(manager, start, end)
    before = balance_sheet(manager, start - dt.timedelta(days=1))
    after = balance_sheet(manager, end)
    for bs in (before, after):
        assert bs.total_assets == bs.total_liabilities + bs.total_equity
    # Drawings (an equity account) move equity without being income: add them back.
    drawings = 100_00
    assert pl.net_income == after.total_equity - before.total_equity + drawings
    assert pl.total_revenue == 900_00 - 150_00 + 45_00
    assert pl.total_expenses == 1_200_00 + 75_25
    assert pl.net_income == pl.total_revenue - pl.total_expenses
    # The prior period is the same length just before: 07/02..08/31.
    assert (pl.prior_start, pl.prior_end) == (dt.date(2026, 7, 2), dt.date(2026, 8, 31))
    assert pl.prior_revenue == 300_00 and pl.prior_expenses == 0
    assert pl.prior_net_income == 300_00
    rev = {r.code: (r.shown, prior) for r, prior in pl.revenue}
    assert rev[acct.REVENUE] == (940_00, 300_00)
    assert rev[acct.CONTRACTUAL] == (-150_00, 0)


def test_the_prior_period_alone_still_lists_its_accounts(manager):
    pl = profit_and_loss(manager, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert pl.net_income == 0 and pl.total_revenue == 0
    codes = [r.code for r, _prior in pl.revenue]
    assert acct.REVENUE in codes and acct.LATE_FEES in codes
    assert {r.code: p for r, p in pl.revenue}[acct.LATE_FEES] == 5_00


def test_ledger_detail_pages_with_a_running_balance(manager):
    code = acct.BANK
    first = ledger_detail(manager, code, limit=2)
    assert first.opening == 0 and first.more
    assert [x.balance for x in first.lines] == [5_000_00, 3_800_00]
    last = first.lines[-1]
    second = ledger_detail(manager, code, after=(last.on, last.line_id), limit=2)
    assert second.opening == 3_800_00 and not second.more
    assert [x.balance for x in second.lines] == [3_700_00]
    assert second.lines[0].credit == 100_00 and second.lines[0].debit == 0
    windowed = ledger_detail(manager, code, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
    assert windowed.opening == 5_000_00 and len(windowed.lines) == 1
    # A credit-normal account runs on its credit side.
    revenue = ledger_detail(manager, acct.REVENUE)
    assert [x.balance for x in revenue.lines] == [300_00, 1_200_00, 1_240_00]
    with pytest.raises(ValidationError, match="no account"):
        ledger_detail(manager, "9999")


def test_refusals(manager):
    with pytest.raises(ValidationError, match="before the first day"):
        profit_and_loss(manager, dt.date(2026, 10, 1), dt.date(2026, 9, 1))
    with pytest.raises(ValidationError, match="not a date"):
        trial_balance(manager, "2026-10-01")
    with pytest.raises(PermissionDenied):
        trial_balance(find_staff("desk"), dt.date(2026, 10, 1))


def test_statements_export_as_csv_and_pdf(manager, tmp_path):
    out = export_statement(manager, "trial_balance", "csv", tmp_path / "tb.csv",
                           as_of=dt.date(2026, 10, 31))  # fmt: skip
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[1] == ["Account", "Name", "Debit", "Credit"]
    assert rows[-1][1] == "Totals" and rows[-1][2] == rows[-1][3]
    pdf = export_statement(manager, "profit_and_loss", "pdf", tmp_path / "pl.pdf",
                           start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    for kind, params in (("balance_sheet", {}), ("ledger_detail", {"code": acct.BANK})):
        assert export_statement(manager, kind, "pdf", tmp_path / f"{kind}.pdf", **params).exists()
    with pytest.raises(ValidationError, match="CSV or PDF"):
        export_statement(manager, "balance_sheet", "xls", tmp_path / "x.xls")


def test_month_end_checklist_and_closing(manager):
    from moa_tui.db.models import AuditEvent
    from moa_tui.services.books.ledger import set_lock_date
    from moa_tui.services.books.month_end import month_end_checklist

    before = month_end_checklist(manager, dt.date(2026, 10, 15))
    assert before.month_end == dt.date(2026, 10, 31) and not before.closed
    labels = {i.label: i.count for i in before.items}
    assert labels["Trial balance off"] == 0 and labels["Unbilled visits"] >= 0
    set_lock_date(manager, before.month_end)
    assert month_end_checklist(manager, dt.date(2026, 10, 1)).closed
    with (
        db.connection_context(),
        write_transaction(),
        pytest.raises(ValidationError, match="closed through"),
    ):
        post_journal(on=dt.date(2026, 10, 31), memo="Late", source="manual", source_id=None,
                     lines=[(acct.RENT, 100), (acct.BANK, -100)], staff=manager)  # fmt: skip
    with pytest.raises(ValidationError, match="reopened"):
        set_lock_date(manager, dt.date(2026, 9, 30))
    with pytest.raises(PermissionDenied):
        set_lock_date(find_staff("billing"), None, reason="Late bill")
    set_lock_date(manager, dt.date(2026, 9, 30), reason="Late vendor bill")
    with db.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "reopen_books").count() == 1
