"""Where the books start (issue 13 item 1): money the office recorded before it kept books
here (patients' balances, claims already billed) cannot be posted by a migration; an
opening-balance entry brings each control account to its sub-ledger, against owner's
equity, on the date the books start. Run again later it posts only what still differs
(nothing, when every event posted as it happened)."""

from __future__ import annotations

import datetime as dt

from peewee import Case, fn

from ...db import changes
from ...db.models import AccountEntry, BooksSettings, Claim, ClaimPosting, StaffMember
from .. import clock
from ..core import audit, writer
from ..validate import format_money, parse_date
from . import accounts as acct
from .ledger import account_balance, post_journal
from .postings import RECEIVABLE


def payer_receivable() -> int:
    """The payers' part of every billed claim, as INSURANCE_AR carries it (postings.py)."""
    billed = Claim.status.in_(RECEIVABLE)
    open_cents = (
        Claim.select(
            fn.COALESCE(fn.SUM(Claim.total_cents - Claim.paid_cents - Claim.adjusted_cents), 0)
        )
        .where(billed)
        .scalar()
    )
    share = Case(None, [(ClaimPosting.kind == "patient_share", ClaimPosting.cents)],
                 ClaimPosting.cents * -1)  # fmt: skip
    shares = (
        ClaimPosting.select(fn.COALESCE(fn.SUM(share), 0))
        .join(Claim)
        .where(billed & ClaimPosting.kind.in_(("patient_share", "patient_payment")))
        .scalar()
    )
    return int(open_cents) - int(shares)


def patient_balances() -> tuple[int, int]:
    """(the sum of balances patients owe, the sum of balances in their favour, as a
    positive number)."""
    owed = credit = 0
    per_patient = (
        AccountEntry.select(fn.SUM(AccountEntry.cents)).group_by(AccountEntry.patient).tuples()
    )
    for (total,) in per_patient:
        total = int(total or 0)
        if total > 0:
            owed += total
        else:
            credit -= total
    return owed, credit


def subledger_targets() -> dict[str, int]:
    """What each control account must hold (debit-positive cents)."""
    owed, credit = patient_balances()
    return {acct.INSURANCE_AR: payer_receivable(), acct.PATIENT_AR: owed,
            acct.PATIENT_CREDITS: -credit}  # fmt: skip


def post_opening_balances(staff: StaffMember, on: dt.date) -> int | None:
    """Inside the caller's write transaction: bring the control accounts to their
    sub-ledgers against owner's equity, dated *on*. Returns the entry id (None if all tie)."""
    lines = []
    for code, target in subledger_targets().items():
        diff = target - account_balance(code)
        if diff:
            lines.append((code, diff))
    if not lines:
        return None
    lines.append((acct.EQUITY, -sum(cents for _code, cents in lines)))
    lines = [(code, cents) for code, cents in lines if cents]
    if len(lines) < 2:
        return None
    settings = BooksSettings.select().order_by(BooksSettings.id).first()
    if settings is not None and (settings.books_start is None or on < settings.books_start):
        BooksSettings.update(books_start=on).where(BooksSettings.id == settings.id).execute()
    return post_journal(on=on, memo="Opening balances from the patient accounts and claims",
                        source="opening", source_id=None, lines=lines, staff=staff)  # fmt: skip


@writer("books.post", changes=(changes.BOOKS,))
def open_books(staff: StaffMember, day: str) -> int | None:
    """The books start on *day* (as typed): post the opening balances of patient and
    insurance receivables that no entry carries yet. Returns the entry id, or None when
    the books already tie. Refused in closed books."""
    on = parse_date("day", day, today=clock.today(), label="Date")
    entry_id = post_opening_balances(staff, on)
    if entry_id is not None:
        total = format_money(sum(subledger_targets().values()))
        audit(staff, "books.opening", entity="journal_entry", entity_id=entry_id,
              detail=f"{on:%m/%d/%Y}: receivables {total}")  # fmt: skip
    return entry_id
