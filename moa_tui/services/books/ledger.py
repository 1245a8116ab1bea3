"""The general ledger's core (issue 13 item 1): post a balanced journal entry inside the
money event's own transaction, reverse an entry (never edit or delete one), read an
account's balance, and the lock date nothing posts on or before.

Amounts are debit-positive signed cents: +500 debits an account $5.00, -500 credits it.
Invariants kept here, so no caller can break them: an entry has two lines or more, none
zero, summing to exactly 0, on existing active accounts, dated after the lock date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from peewee import EXCLUDED, fn

from ...db import changes
from ...db.database import db
from ...db.models import (
    Account,
    AccountMonth,
    BooksSettings,
    JournalEntry,
    JournalLine,
    StaffMember,
    utcnow,
)
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import ServiceError, ValidationError
from ..validate import check_date, clean_text, format_money

# The kinds of event that post (JournalEntry.source).
SOURCES = (
    "charge",
    "payer_payment",
    "patient_payment",
    "adjustment",
    "refund",
    "writeoff",
    "late_fee",
    "vendor_bill",
    "vendor_payment",
    "stock_receipt",
    "stock_use",
    "stock_adjust",
    "manual",
    "opening",
    "reversal",
    "drawer",
    "deposit",
)
# Entries the manager may reverse by hand. An entry a money event posted (a charge, a
# payment...) is undone where it was made (a correction, a refund): reversing it here
# would leave the A/R or stock accounts no longer equal to their sub-ledgers.
REVERSIBLE_BY_HAND = ("manual", "opening")
# Far above any practice's figure, far below what a 64-bit sum of millions of lines holds.
LINE_MAX_CENTS = 10**12  # $10,000,000,000.00


def _settings() -> BooksSettings:
    row = BooksSettings.select().order_by(BooksSettings.id).first()
    if row is None:  # (migration 0022 makes the one row; a hand-made database may lack it)
        row = BooksSettings.create()
    return row


def lock_date() -> dt.date | None:
    """The last date of the closed books (nothing posts on or before it), or None."""
    return BooksSettings.select(BooksSettings.lock_date).order_by(BooksSettings.id).scalar()


def check_open(on: dt.date, field: str = "on") -> None:
    """Refuse *on* when the books are closed through it."""
    closed = lock_date()
    if closed is not None and on <= closed:
        raise ValidationError.one(
            field,
            f"The books are closed through {closed:%m/%d/%Y}; post on a later date "
            "(or ask the office manager to reopen the period).",
        )


def _check_lines(lines) -> list[tuple[str, int]]:
    try:
        pairs = list(lines)
    except TypeError:
        raise ValidationError.one("lines", "The entry's lines are not a list.") from None
    checked = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValidationError.one("lines", "Each line is an account and an amount.")
        code, cents = pair
        if not isinstance(code, str) or not code:
            raise ValidationError.one("lines", "Each line needs an account.")
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise ValidationError.one("lines", f"Account {code}: the amount is not in cents.")
        if cents == 0:
            raise ValidationError.one("lines", f"Account {code}: a line cannot be $0.00.")
        if abs(cents) > LINE_MAX_CENTS:
            raise ValidationError.one(
                "lines", f"Account {code}: more than {format_money(LINE_MAX_CENTS)}."
            )
        checked.append((code, cents))
    if len(checked) < 2:
        raise ValidationError.one("lines", "An entry needs at least two lines.")
    debits = sum(c for _, c in checked if c > 0)
    credits = -sum(c for _, c in checked if c < 0)
    if debits != credits:
        raise ValidationError.one(
            "lines",
            f"Debits {format_money(debits)} and credits {format_money(credits)} "
            f"differ by {format_money(abs(debits - credits))}.",
        )
    return checked


def _accounts_for(codes: Iterable[str]) -> dict[str, int]:
    """Account ids by code; refuses a code that names no account or an inactive one."""
    wanted = set(codes)
    rows = Account.select(Account.id, Account.code, Account.name, Account.active).where(
        Account.code.in_(sorted(wanted))
    )
    found = {row.code: row for row in rows}
    for code in sorted(wanted):
        row = found.get(code)
        if row is None:
            raise ValidationError.one("lines", f"There is no account {code!r}.")
        if not row.active:
            raise ValidationError.one(
                "lines", f"Account {code} {row.name} is deactivated; it takes no new postings."
            )
    return {code: row.id for code, row in found.items()}


def post_journal(
    *,
    on: dt.date,
    memo: str,
    source: str,
    source_id: int | None,
    lines: list[tuple[str, int]],
    staff: StaffMember,
    reverses: int | None = None,
) -> int:
    """Write one balanced entry inside the caller's open write transaction (the money
    event's own: both land or neither does) and return its id.

    *lines* are (account code, debit-positive cents). Refuses (ValidationError) fewer than
    two lines, a $0 line, lines not summing to 0 (naming the difference), an unknown or
    deactivated account, a date outside 1900-2100 or on or before the lock date."""
    if not db.in_transaction():
        raise RuntimeError("post_journal runs inside the money event's write transaction.")
    if isinstance(on, dt.datetime):
        raise ValidationError.one("on", "The entry's date is a date, not a time.")
    check_date("on", on, label="The entry's date")
    if source not in SOURCES:
        raise ValidationError.one("source", f"Unknown kind of posting {source!r}.")
    if source_id is not None and (isinstance(source_id, bool) or not isinstance(source_id, int)):
        raise ValidationError.one("source_id", "The posting's record is not a record id.")
    memo = clean_text("memo", memo, max_len=200, label="Memo")
    if not isinstance(staff, StaffMember) or staff.id is None:
        raise ServiceError("No active staff member is signed in.")
    checked = _check_lines(lines)
    account_ids = _accounts_for(code for code, _ in checked)
    check_open(on)

    entry = JournalEntry.create(
        entry_date=on,
        memo=memo,
        source=source,
        source_id=source_id,
        staff=staff.id,
        posted_at=utcnow(),
        reverses=reverses,
    )
    JournalLine.insert_many(
        [
            {"entry": entry.id, "account": account_ids[code], "entry_date": on, "amount": cents}
            for code, cents in checked
        ]
    ).execute()
    month = on.replace(day=1)
    by_account: dict[int, int] = {}
    for code, cents in checked:
        by_account[account_ids[code]] = by_account.get(account_ids[code], 0) + cents
    for account_id, cents in sorted(by_account.items()):
        (
            AccountMonth.insert(account=account_id, month=month, amount=cents)
            .on_conflict(
                conflict_target=[AccountMonth.account, AccountMonth.month],
                update={AccountMonth.amount: AccountMonth.amount + EXCLUDED.amount},
            )
            .execute()
        )
    changes.bump((changes.BOOKS,))
    return entry.id


def entry_lines(entry_id: int) -> list[tuple[str, int]]:
    """An entry's lines as (account code, cents), in the order they were posted."""
    rows = (
        JournalLine.select(Account.code, JournalLine.amount)
        .join(Account)
        .where(JournalLine.entry == entry_id)
        .order_by(JournalLine.id)
        .tuples()
    )
    return [(code, amount) for code, amount in rows]


def post_reversal(entry_id: int, *, on: dt.date, memo: str, staff: StaffMember) -> int:
    """Inside the caller's write transaction: a new entry with *entry_id*'s lines negated,
    linked to it (source "reversal"). The original is never edited. Refuses an entry
    already reversed or a date before the original's."""
    original = get_or_refuse(JournalEntry, entry_id, "journal entry")
    if JournalEntry.select().where(JournalEntry.reverses == original.id).exists():
        raise ValidationError.one("entry", f"Entry #{original.id} was reversed already.")
    if isinstance(on, dt.date) and not isinstance(on, dt.datetime) and on < original.entry_date:
        raise ValidationError.one(
            "on",
            f"A reversal cannot be dated before the entry it reverses "
            f"({original.entry_date:%m/%d/%Y}).",
        )
    return post_journal(
        on=on,
        memo=memo,
        source="reversal",
        source_id=original.id,
        lines=[(code, -cents) for code, cents in entry_lines(original.id)],
        staff=staff,
        reverses=original.id,
    )


@writer("books.post", changes=(changes.BOOKS,))
def reverse_entry(staff: StaffMember, entry_id: int, on: dt.date, reason: str) -> int:
    """Reverse a manual (or opening-balance) entry on *on*, saying why; returns the new
    entry's id. Refuses an entry a money event posted (undo the event where it was made),
    one already reversed, a missing reason, a date in closed books."""
    reason = clean_text("reason", reason, max_len=160, required=True, label="Reason")
    original = get_or_refuse(JournalEntry, entry_id, "journal entry")
    source = original.source
    if source == "reversal" and original.reverses_id is not None:
        source = JournalEntry.get_by_id(original.reverses_id).source
    if source not in REVERSIBLE_BY_HAND:
        raise ValidationError.one(
            "entry",
            f"Entry #{original.id} was posted by a {original.source.replace('_', ' ')}; "
            "undo it where it was made (a correction, refund or void posts its reversal).",
        )
    new_id = post_reversal(
        original.id, on=on, memo=f"Reversal of entry #{original.id}: {reason}", staff=staff
    )
    audit(staff, "reverse_entry", entity="journal_entry", entity_id=original.id, detail=reason)
    return new_id


def account_balance(code: str, through: dt.date | None = None) -> int:
    """*code*'s balance in debit-positive cents, over every entry or those dated through
    *through*: whole months from the month totals, the last part-month from its lines."""
    account_id = Account.select(Account.id).where(Account.code == code).scalar()
    if account_id is None:
        raise ValidationError.one("account", f"There is no account {code!r}.")
    months = AccountMonth.select(fn.COALESCE(fn.SUM(AccountMonth.amount), 0)).where(
        AccountMonth.account == account_id
    )
    if through is None:
        return int(months.scalar())
    first = through.replace(day=1)
    whole = months.where(AccountMonth.month < first).scalar()
    part = (
        JournalLine.select(fn.COALESCE(fn.SUM(JournalLine.amount), 0))
        .where(
            (JournalLine.account == account_id)
            & (JournalLine.entry_date >= first)
            & (JournalLine.entry_date <= through)
        )
        .scalar()
    )
    return int(whole) + int(part)


def account_balances(through: dt.date | None = None) -> dict[str, int]:
    """Every account's balance (debit-positive cents) by code, as account_balance reads
    it: the figures of a trial balance."""
    totals: dict[int, int] = {}
    months = AccountMonth.select(AccountMonth.account, fn.SUM(AccountMonth.amount)).group_by(
        AccountMonth.account
    )
    if through is not None:
        first = through.replace(day=1)
        months = months.where(AccountMonth.month < first)
        part = (
            JournalLine.select(JournalLine.account, fn.SUM(JournalLine.amount))
            .where((JournalLine.entry_date >= first) & (JournalLine.entry_date <= through))
            .group_by(JournalLine.account)
            .tuples()
        )
        for account_id, cents in part:
            totals[account_id] = totals.get(account_id, 0) + int(cents)
    for account_id, cents in months.tuples():
        totals[account_id] = totals.get(account_id, 0) + int(cents)
    codes = dict(Account.select(Account.id, Account.code).tuples())
    return {codes[account_id]: cents for account_id, cents in totals.items()}


@writer("books.post", changes=(changes.BOOKS,))
def set_lock_date(staff: StaffMember, day: dt.date | None, reason: str = "") -> dt.date | None:
    """Close the books through *day* (nothing posts on or before it) or, moving it back or
    to None, reopen a period: that needs a reason, and both are audited. Refuses today
    or a later date: every money event posts on the day it happens, so books closed
    through today would refuse the desk's payments and charges until reopened (a month
    is closed once it is over, through its last day). Returns the new lock date."""
    if day is not None:
        if isinstance(day, dt.datetime):
            raise ValidationError.one("lock_date", "The lock date is a date, not a time.")
        check_date("lock_date", day, label="The lock date")
        if day >= clock.today():
            raise ValidationError.one(
                "lock_date",
                "The books can be closed through yesterday at the latest: today's charges "
                "and payments still post.",
            )
    reason = clean_text("reason", reason, max_len=160, label="Reason")
    settings = _settings()
    before = settings.lock_date
    reopening = before is not None and (day is None or day < before)
    if reopening and not reason:
        raise ValidationError.one("reason", "Say why the closed period is being reopened.")
    BooksSettings.update(lock_date=day, version=BooksSettings.version + 1).where(
        BooksSettings.id == settings.id
    ).execute()
    was = f"{before:%m/%d/%Y}" if before else "open"
    now = f"{day:%m/%d/%Y}" if day else "open"
    action = "reopen_books" if reopening else "lock_books"
    audit(staff, action, entity="books_settings", entity_id=settings.id,
          detail=f"lock date {was} -> {now}" + (f": {reason}" if reason else ""))  # fmt: skip
    return day
