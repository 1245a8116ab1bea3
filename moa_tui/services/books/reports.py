"""The books' statements (issue 13 item 5): trial balance as of a date, profit and loss
for a period beside the period before it, the balance sheet, and an account's ledger
detail a keyset page at a time with its running balance.

Every figure comes from ledger.account_balances (whole months from the month totals, only
the last part-month from its lines), so a statement over ten years of postings reads a few
thousand month rows, never the millions of lines. Amounts are debit-positive cents as
posted; each row also gives its *shown* figure, on the account's normal side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Tuple, fn

from ...db.models import Account, JournalEntry, JournalLine, StaffMember
from .. import clock
from ..core import reader
from ..errors import ValidationError
from ..validate import check_date
from .ledger import account_balance, account_balances

DETAIL_PAGE = 100


@dataclass(frozen=True)
class StatementRow:
    code: str
    name: str
    type: str
    balance: int  # debit-positive cents
    shown: int  # on its section's side: assets and expenses debit-positive, the rest
    # credit-positive (a contra account shows negative: contractual adjustments in revenue)


@dataclass(frozen=True)
class TrialBalance:
    as_of: dt.date
    rows: list[StatementRow]  # accounts with a balance, by code
    debits: int
    credits: int


@dataclass(frozen=True)
class ProfitAndLoss:
    start: dt.date
    end: dt.date
    prior_start: dt.date
    prior_end: dt.date
    revenue: list[tuple[StatementRow, int]]  # (this period, prior period's shown figure)
    expenses: list[tuple[StatementRow, int]]
    total_revenue: int
    total_expenses: int
    net_income: int
    prior_revenue: int
    prior_expenses: int
    prior_net_income: int


@dataclass(frozen=True)
class BalanceSheet:
    as_of: dt.date
    assets: list[StatementRow]
    liabilities: list[StatementRow]
    equity: list[StatementRow]
    retained: int  # revenue less expenses not yet closed to equity, all periods through as_of
    total_assets: int
    total_liabilities: int
    total_equity: int  # the equity accounts plus retained


@dataclass(frozen=True)
class DetailLine:
    line_id: int
    entry_id: int
    on: dt.date
    memo: str
    source: str
    debit: int
    credit: int
    balance: int  # running, on the account's normal side


@dataclass(frozen=True)
class LedgerDetail:
    code: str
    name: str
    start: dt.date | None
    end: dt.date | None
    opening: int  # the balance (normal side) before the first line of this page
    lines: list[DetailLine]
    more: bool  # another page follows the last line


def _accounts() -> dict[str, tuple[str, str, str]]:
    """(name, type, normal side) by code, every account."""
    rows = Account.select(Account.code, Account.name, Account.type, Account.normal_side)
    return {code: (name, kind, side) for code, name, kind, side in rows.tuples()}


def _shown(balance: int, side: str) -> int:
    return balance if side == "debit" else -balance


def _rows(balances: dict[str, int], chart, types: tuple[str, ...]) -> list[StatementRow]:
    rows = []
    for code in sorted(balances):
        name, kind, _side = chart[code]
        if kind in types and balances[code]:
            side = "debit" if kind in ("asset", "expense") else "credit"
            rows.append(
                StatementRow(code, name, kind, balances[code], _shown(balances[code], side))
            )
    return rows


def _day(field: str, value, label: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError.one(field, f"{label} is not a date.")
    check_date(field, value, label=label)
    return value


def _trial_balance(as_of: dt.date) -> TrialBalance:
    chart = _accounts()
    rows = _rows(account_balances(as_of), chart, ("asset", "liability", "equity", "revenue",
                                                   "expense"))  # fmt: skip
    debits = sum(r.balance for r in rows if r.balance > 0)
    credits = -sum(r.balance for r in rows if r.balance < 0)
    return TrialBalance(as_of, rows, debits, credits)


@reader("books.read")
def trial_balance(actor: StaffMember, as_of: dt.date | None = None) -> TrialBalance:
    """Every account's balance through *as_of* (default today) in the debit or credit
    column; the two columns' totals are equal when the books balance."""
    return _trial_balance(_day("as_of", as_of or clock.today(), "The date"))


def _changes(start: dt.date, end: dt.date) -> dict[str, int]:
    """Each account's movement over start..end (debit-positive)."""
    after = account_balances(end)
    before = account_balances(start - dt.timedelta(days=1))
    return {code: after.get(code, 0) - before.get(code, 0) for code in set(after) | set(before)}


def _income(moves: dict[str, int], chart) -> tuple[list[StatementRow], list[StatementRow]]:
    return _rows(moves, chart, ("revenue",)), _rows(moves, chart, ("expense",))


def _net(moves: dict[str, int], chart) -> int:
    """Revenue less expenses: minus the revenue and expense accounts' debit-positive sum."""
    return -sum(c for code, c in moves.items() if chart[code][1] in ("revenue", "expense"))


@reader("books.read")
def profit_and_loss(actor: StaffMember, start: dt.date, end: dt.date) -> ProfitAndLoss:
    """Revenue and expenses over start..end and over the period of the same length just
    before it, each account's two figures side by side, with the net income of both."""
    start = _day("start", start, "The first day")
    end = _day("end", end, "The last day")
    if end < start:
        raise ValidationError.one("end", "The last day is before the first day.")
    prior_end = start - dt.timedelta(days=1)
    prior_start = prior_end - (end - start)
    _day("start", prior_start, "The prior period's first day")
    chart = _accounts()
    now, before = _changes(start, end), _changes(prior_start, prior_end)
    revenue, expenses = _income(now, chart)
    prior_rev, prior_exp = _income(before, chart)
    prior_shown = {r.code: r.shown for r in (*prior_rev, *prior_exp)}
    # An account with prior-period movement only still gets its row (0 this period).
    for row in (*prior_rev, *prior_exp):
        if row.code not in now or not now[row.code]:
            target = revenue if row.type == "revenue" else expenses
            target.append(StatementRow(row.code, row.name, row.type, 0, 0))
    revenue.sort(key=lambda r: r.code)
    expenses.sort(key=lambda r: r.code)
    # Totals on the natural side: revenue credit-positive, expenses debit-positive.
    total_revenue = -sum(r.balance for r in revenue)
    total_expenses = sum(r.balance for r in expenses)
    prior_revenue = -sum(r.balance for r in prior_rev)
    prior_expenses = sum(r.balance for r in prior_exp)
    return ProfitAndLoss(
        start,
        end,
        prior_start,
        prior_end,
        [(r, prior_shown.get(r.code, 0)) for r in revenue],
        [(r, prior_shown.get(r.code, 0)) for r in expenses],
        total_revenue,
        total_expenses,
        _net(now, chart),
        prior_revenue,
        prior_expenses,
        _net(before, chart),
    )


def _balance_sheet(as_of: dt.date) -> BalanceSheet:
    chart = _accounts()
    balances = account_balances(as_of)
    assets = _rows(balances, chart, ("asset",))
    liabilities = _rows(balances, chart, ("liability",))
    equity = _rows(balances, chart, ("equity",))
    retained = _net(balances, chart)
    return BalanceSheet(
        as_of,
        assets,
        liabilities,
        equity,
        retained,
        sum(r.balance for r in assets),
        -sum(r.balance for r in liabilities),
        -sum(r.balance for r in equity) + retained,
    )


@reader("books.read")
def balance_sheet(actor: StaffMember, as_of: dt.date | None = None) -> BalanceSheet:
    """Assets, liabilities and equity through *as_of* (default today); revenue less
    expenses not closed to an equity account shows as retained earnings, so assets equal
    liabilities plus equity."""
    return _balance_sheet(_day("as_of", as_of or clock.today(), "The date"))


def _account(code: str) -> Account:
    if not isinstance(code, str):
        raise ValidationError.one("account", "Pick an account.")
    row = Account.get_or_none(Account.code == code.strip())
    if row is None:
        raise ValidationError.one("account", f"There is no account {code!r}.")
    return row


def _opening(account: Account, start: dt.date | None, after: tuple[dt.date, int] | None) -> int:
    """The account's debit-positive balance before the first line shown: through the day
    before the cursor's date (month totals and that month's lines) plus that day's lines up
    to the cursor *after* (the previous page's last (date, line id)); with no cursor,
    through the day before *start* (0 with no start)."""
    if after is None:
        if start is None:
            return 0
        return account_balance(account.code, start - dt.timedelta(days=1))
    on, line_id = after
    same_day = JournalLine.select(fn.COALESCE(fn.SUM(JournalLine.amount), 0)).where(
        (JournalLine.account == account.id)
        & (JournalLine.entry_date == on)
        & (JournalLine.id <= line_id)
    )
    return account_balance(account.code, on - dt.timedelta(days=1)) + int(same_day.scalar())


@reader("books.read")
def ledger_detail(
    actor: StaffMember,
    code: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    after: tuple[dt.date, int] | None = None,
    limit: int = DETAIL_PAGE,
) -> LedgerDetail:
    """One account's lines oldest first from *start* through *end* (either open), a page
    of *limit* after the cursor *after* (the previous page's last (date, line id)), each
    with the running balance on the account's normal side."""
    account = _account(code)
    if start is not None:
        start = _day("start", start, "The first day")
    if end is not None:
        end = _day("end", end, "The last day")
    if after is not None:
        after = (_day("after", after[0], "The page's date"), int(after[1]))
    limit = max(1, min(int(limit), 500))
    query = (
        JournalLine.select(
            JournalLine.id,
            JournalLine.entry_date,
            JournalLine.amount,
            JournalEntry.id,
            JournalEntry.memo,
            JournalEntry.source,
        )
        .join(JournalEntry)
        .where(JournalLine.account == account.id)
    )
    if start is not None:
        query = query.where(JournalLine.entry_date >= start)
    if end is not None:
        query = query.where(JournalLine.entry_date <= end)
    if after is not None:
        query = query.where(
            Tuple(JournalLine.entry_date, JournalLine.id)
            > Tuple(JournalLine.entry_date.to_value(after[0]), after[1])
        )
    rows = list(query.order_by(JournalLine.entry_date, JournalLine.id).limit(limit + 1).tuples())
    side = account.normal_side
    opening = _shown(_opening(account, start, after), side)
    running = opening
    lines = []
    for line_id, on, amount, entry_id, memo, source in rows[:limit]:
        running += _shown(amount, side)
        lines.append(
            DetailLine(
                line_id, entry_id, on, memo, source, max(amount, 0), max(-amount, 0), running
            )
        )
    return LedgerDetail(account.code, account.name, start, end, opening, lines, len(rows) > limit)
