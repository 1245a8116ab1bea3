"""The books' day sheet (issue 13 item 5): one day's charges, payments by method (patients'
payments, co-pays taken at check-in, payers' payments), adjustments, write-offs and refunds,
read from the records they were taken on, each total beside what the ledger posted that
day, and the cash drawer's expected takings beside what was counted.

(Not services/scheduling/day_sheet.py, a provider's schedule for a day.)

Where each figure comes from:
- co-pays charged, late fees: the patients' account entries (AccountEntry charges);
- billed to payers: the ledger's "charge" entries, the payer part booked when a claim is
  billed (postings.claims_moved): only the ledger keeps that figure; counted by entry (an
  837 batch sent, a claim's status moved by hand);
- payments: AccountEntry payments (the desk's, co-pays, a patient's payment on a claim)
  and payers' ClaimPosting payments, by method;
- adjustments, write-offs, refunds: the claims' postings.

The day is the clinic's local day; money events post their entries on it (clock.today)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peewee import fn

from ...db.models import (
    Account,
    AccountEntry,
    ClaimPosting,
    DrawerCount,
    JournalEntry,
    JournalLine,
    StaffMember,
)
from .. import clock
from ..billing.late_fees import LATE_FEE
from ..core import reader
from ..errors import ValidationError
from ..validate import check_date
from . import accounts as acct

METHOD_LABELS = {"cash": "Cash", "check": "Check", "card": "Card", "eft": "EFT", "": "Other"}
# Where each method's money sits until it is deposited (postings.PAYMENT_ACCOUNT).
HELD_IN = {"cash": acct.CASH, "check": acct.UNDEPOSITED, "card": acct.UNDEPOSITED,
           "eft": acct.BANK, "": acct.UNDEPOSITED}  # fmt: skip
PAYMENT_SOURCES = ("patient_payment", "payer_payment")


@dataclass(frozen=True)
class SheetLine:
    section: str  # Charges, Payments, Adjustments
    label: str
    count: int
    cents: int


@dataclass(frozen=True)
class Tie:
    """A total of the day sheet beside the ledger's posting of it that day."""

    label: str
    sheet_cents: int
    ledger_cents: int

    @property
    def ties(self) -> bool:
        return self.sheet_cents == self.ledger_cents


@dataclass(frozen=True)
class Drawer:
    """The drawer's expected takings (the desk's cash and checks of the day) and its last
    count."""

    expected_cash_cents: int
    expected_checks_count: int
    expected_checks_cents: int
    count_id: int | None = None
    cash_cents: int | None = None  # counted; None: not counted
    checks_count: int | None = None
    checks_cents: int | None = None
    counted_by: str = ""
    counted_at: dt.datetime | None = None  # clinic local
    recounts: int = 0  # counts this one replaced
    posted_cash_difference: int = 0  # what the count posted to over and short

    @property
    def counted(self) -> bool:
        return self.cash_cents is not None

    @property
    def cash_difference(self) -> int:
        return (self.cash_cents or 0) - self.expected_cash_cents if self.counted else 0

    @property
    def checks_difference(self) -> int:
        return (self.checks_cents or 0) - self.expected_checks_cents if self.counted else 0

    @property
    def balanced(self) -> bool:
        """Counted, and the count is what the day's payments say (cash, checks, count)."""
        return (
            self.counted
            and not self.cash_difference
            and not self.checks_difference
            and self.checks_count == self.expected_checks_count
        )


@dataclass(frozen=True)
class DaySheet:
    day: dt.date
    lines: tuple[SheetLine, ...]
    by_method: dict[str, int]  # all payments, by method
    ties: tuple[Tie, ...]
    drawer: Drawer

    def total(self, section: str) -> int:
        return sum(x.cents for x in self.lines if x.section == section)

    @property
    def ties_ledger(self) -> bool:
        return all(t.ties for t in self.ties)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The clinic's local *day* as naive UTC instants [start, end)."""
    start = dt.datetime.combine(day, dt.time())
    return clock.local_to_utc(start), clock.local_to_utc(start + dt.timedelta(days=1))


def check_day(day, field: str = "day") -> dt.date:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise ValidationError.one(field, "The day is not a date.")
    return check_date(field, day, label="The day")


def desk_money(start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """The patients' account entries between two instants that are money taken or charged:
    rows of (kind, is co-pay, is late fee, method, count, cents). A reversal (a payment
    taken back, cents > 0) counts -1: the count is of what stands."""
    copay = AccountEntry.description == "Co-pay"
    late = AccountEntry.description.startswith(LATE_FEE)
    back = AccountEntry.cents > 0
    rows = (
        AccountEntry.select(
            AccountEntry.kind, copay, late, AccountEntry.method, back,
            fn.COUNT(AccountEntry.id), fn.SUM(AccountEntry.cents),
        )
        .where((AccountEntry.at >= start) & (AccountEntry.at < end)
               & AccountEntry.kind.in_(("charge", "payment")))
        .group_by(AccountEntry.kind, copay, late, AccountEntry.method, back)
        .tuples()
    )  # fmt: skip
    merged: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for kind, is_copay, is_late, method, positive, count, cents in rows:
        reversal = bool(positive) == (kind == "payment")
        slot = merged[kind, bool(is_copay), bool(is_late), method]
        slot[0] += -int(count) if reversal else int(count)
        slot[1] += int(cents)
    return [(*key, count, cents) for key, (count, cents) in merged.items()]


def claim_money(start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """The claims' postings between two instants that move money on the day sheet: rows
    of (kind, method, count, cents), a reversal counting -1. (A patient's payment on a
    claim is read from their account entry, where it is also written.)"""
    negative = ClaimPosting.cents < 0
    rows = (
        ClaimPosting.select(
            ClaimPosting.kind, ClaimPosting.method, negative,
            fn.COUNT(ClaimPosting.id), fn.SUM(ClaimPosting.cents),
        )
        .where((ClaimPosting.at >= start) & (ClaimPosting.at < end)
               & ClaimPosting.kind.in_(("payer_payment", "adjustment", "write_off", "refund")))
        .group_by(ClaimPosting.kind, ClaimPosting.method, negative)
        .tuples()
    )  # fmt: skip
    merged: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for kind, method, is_negative, count, cents in rows:
        reversal = bool(is_negative) != (kind == "refund")
        slot = merged[kind, method]
        slot[0] += -int(count) if reversal else int(count)
        slot[1] += int(cents)
    return [(*key, count, cents) for key, (count, cents) in merged.items()]


def ledger_lines(day: dt.date) -> dict[tuple[str, str], int]:
    """The day's journal lines summed by (entry source, account code)."""
    rows = (
        JournalLine.select(JournalEntry.source, Account.code, fn.SUM(JournalLine.amount))
        .join(JournalEntry, on=JournalLine.entry == JournalEntry.id)
        .switch(JournalLine)
        .join(Account, on=JournalLine.account == Account.id)
        .where(JournalLine.entry_date == day)
        .group_by(JournalEntry.source, Account.code)
        .tuples()
    )
    return {(source, code): int(cents) for source, code, cents in rows}


def _billed(day: dt.date) -> tuple[int, int]:
    """Claims billed to payers on *day*: (entries, cents) from the ledger's charge entries."""
    rows = (
        JournalLine.select(fn.COUNT(fn.DISTINCT(JournalEntry.id)), fn.SUM(JournalLine.amount))
        .join(JournalEntry, on=JournalLine.entry == JournalEntry.id)
        .switch(JournalLine)
        .join(Account, on=JournalLine.account == Account.id)
        .where(
            (JournalLine.entry_date == day)
            & (JournalEntry.source == "charge")
            & (Account.code == acct.INSURANCE_AR)
        )  # fmt: skip
        .tuples()
    )
    count, cents = rows[0] if rows else (0, 0)
    return int(count or 0), int(cents or 0)


def expected_drawer(day: dt.date) -> tuple[int, int, int]:
    """What the drawer should hold from *day*'s takings at the desk (patients' payments and
    co-pays; a payer's check comes by mail to billing, not through the drawer, and goes to
    the bank with the deposit): (cash cents, checks, check cents)."""
    start, end = day_bounds(day)
    cash = checks = checks_cents = 0
    for kind, _copay, _late, method, count, cents in desk_money(start, end):
        if kind == "payment":
            if method == "cash":
                cash -= int(cents)
            elif method == "check":
                checks += int(count)
                checks_cents -= int(cents)
    return cash, checks, checks_cents


def current_count(day: dt.date) -> DrawerCount | None:
    """The day's last drawer count (a recount replaces the one before)."""
    latest = DrawerCount.select().where(DrawerCount.day == day)
    return latest.order_by(DrawerCount.id.desc()).first()


def drawer_of(day: dt.date) -> Drawer:
    cash, checks, checks_cents = expected_drawer(day)
    count = current_count(day)
    if count is None:
        return Drawer(cash, checks, checks_cents)
    recounts = (
        DrawerCount.select().where((DrawerCount.day == day) & (DrawerCount.id < count.id)).count()
    )
    posted = count.cash_cents - count.expected_cash_cents
    return Drawer(
        cash, checks, checks_cents, count.id, count.cash_cents, count.checks_count,
        count.checks_cents, count.staff.short_name, clock.utc_to_local(count.at), recounts,
        posted,
    )  # fmt: skip


def build_day_sheet(day: dt.date) -> DaySheet:
    start, end = day_bounds(day)
    lines: list[SheetLine] = []
    charges: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    payments: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for kind, copay, late, method, count, cents in desk_money(start, end):
        if kind == "charge" and (copay or late):
            slot = charges["Co-pays charged" if copay else "Late fees"]
            slot[0] += int(count)
            slot[1] += int(cents)
        elif kind == "payment":
            slot = payments["Co-pays at check-in" if copay else "Patient payments", method]
            slot[0] += int(count)
            slot[1] -= int(cents)
    other: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, method, count, cents in claim_money(start, end):
        if kind == "payer_payment":
            slot = payments["Payer payments", method]
        else:
            slot = other[kind]
        slot[0] += int(count)
        slot[1] += -int(cents) if kind == "refund" else int(cents)  # a refund: money out

    billed_count, billed_cents = _billed(day)
    if billed_count:
        lines.append(SheetLine("Charges", "Billed to payers (entries)", billed_count, billed_cents))
    for label in ("Co-pays charged", "Late fees"):
        if label in charges:
            lines.append(SheetLine("Charges", label, *charges[label]))
    by_method: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    for who in ("Patient payments", "Co-pays at check-in", "Payer payments"):
        for method in METHOD_LABELS:
            if (who, method) in payments:
                count, cents = payments[who, method]
                lines.append(SheetLine("Payments", f"{who}: {METHOD_LABELS[method]}", count, cents))
                by_method[method] += cents
                held[HELD_IN[method]] += cents
    for kind, label in (("adjustment", "Contractual adjustments"), ("write_off", "Write-offs"),
                        ("refund", "Refunds to payers")):  # fmt: skip
        if kind in other:
            lines.append(SheetLine("Adjustments", label, *other[kind]))

    ledger = ledger_lines(day)

    def posted(sources, code: str) -> int:
        return sum(ledger.get((source, code), 0) for source in sources)

    sheet = DaySheet(day, tuple(lines), dict(by_method), (), drawer_of(day))
    ties = (
        Tie("Charges", sheet.total("Charges"),
            -posted(("charge", "patient_payment"), acct.REVENUE)
            - posted(("late_fee",), acct.LATE_FEES)),
        Tie("Cash payments", held[acct.CASH],
            posted(PAYMENT_SOURCES, acct.CASH)),
        Tie("Check and card payments", held[acct.UNDEPOSITED],
            posted(PAYMENT_SOURCES, acct.UNDEPOSITED)),
        Tie("EFT payments", held[acct.BANK], posted(PAYMENT_SOURCES, acct.BANK)),
        Tie("Contractual adjustments", other["adjustment"][1] if "adjustment" in other else 0,
            posted(("adjustment", "payer_payment"), acct.CONTRACTUAL)),
        Tie("Write-offs", other["write_off"][1] if "write_off" in other else 0,
            posted(("writeoff",), acct.BAD_DEBT)),
        Tie("Refunds to payers", other["refund"][1] if "refund" in other else 0,
            -posted(("refund",), acct.BANK)),
    )  # fmt: skip
    return DaySheet(day, sheet.lines, sheet.by_method, ties, sheet.drawer)


@reader("books.read")
def books_day_sheet(actor: StaffMember, day: dt.date | None = None) -> DaySheet:
    """The day sheet of *day* (default today): totals only, no patient's name."""
    day = clock.today() if day is None else check_day(day)
    return build_day_sheet(day)
