"""The journal as the manager reads it (newest first, a keyset page at a time), one
entry's lines, and a manual entry typed by the manager (issue 13 items 1, 7): refused
unbalanced, with the difference named, or dated in closed books; never edited afterwards,
only reversed (ledger.reverse_entry)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Tuple, fn

from ...db import changes
from ...db.models import Account, JournalEntry, JournalLine, StaffMember
from .. import clock
from ..core import MAX_ID, audit, get_or_refuse, reader, writer
from ..errors import ValidationError
from ..validate import check_limit, clean_text, format_money, parse_date, parse_money
from .ledger import REVERSIBLE_BY_HAND, post_journal

SOURCE_LABELS = {
    "charge": "Charge",
    "payer_payment": "Payer payment",
    "patient_payment": "Patient payment",
    "adjustment": "Adjustment",
    "refund": "Refund",
    "writeoff": "Write-off",
    "late_fee": "Late fee",
    "vendor_bill": "Vendor bill",
    "vendor_payment": "Vendor payment",
    "stock_receipt": "Stock received",
    "stock_use": "Stock used",
    "stock_adjust": "Stock adjusted",
    "manual": "Manual",
    "opening": "Opening",
    "reversal": "Reversal",
    "drawer": "Cash drawer",
    "deposit": "Bank deposit",
}
MAX_LINES = 40


@dataclass(frozen=True)
class EntryRow:
    id: int
    on: dt.date
    memo: str
    source: str
    source_id: int | None
    staff: str
    debits_cents: int
    reverses: int | None
    reversed_by: int | None
    reversible: bool  # by hand, from the journal (manual entries and their reversals)


@dataclass(frozen=True)
class JournalPage:
    rows: tuple[EntryRow, ...]
    next_after: tuple[dt.date, int] | None


@dataclass(frozen=True)
class EntryLine:
    code: str
    name: str
    cents: int  # debit-positive


def _rows(entries: list[JournalEntry]) -> list[EntryRow]:
    ids = [e.id for e in entries]
    if not ids:
        return []
    debits = dict(
        JournalLine.select(JournalLine.entry, fn.SUM(JournalLine.amount))
        .where(JournalLine.entry.in_(ids) & (JournalLine.amount > 0))
        .group_by(JournalLine.entry)
        .tuples()
    )
    reversed_by = dict(
        JournalEntry.select(JournalEntry.reverses, JournalEntry.id)
        .where(JournalEntry.reverses.in_(ids))
        .tuples()
    )
    originals = dict(
        JournalEntry.select(JournalEntry.id, JournalEntry.source)
        .where(JournalEntry.id.in_([e.reverses_id for e in entries if e.reverses_id]))
        .tuples()
    )
    staff = {s.id: s.short_name for s in StaffMember.select().where(
        StaffMember.id.in_({e.staff_id for e in entries}))}  # fmt: skip
    out = []
    for e in entries:
        kind = originals.get(e.reverses_id, e.source) if e.source == "reversal" else e.source
        out.append(
            EntryRow(
                e.id,
                e.entry_date,
                e.memo,
                e.source,
                e.source_id,
                staff.get(e.staff_id, ""),
                int(debits.get(e.id, 0)),
                e.reverses_id,
                reversed_by.get(e.id),
                kind in REVERSIBLE_BY_HAND,
            )  # fmt: skip
        )
    return out


@reader("books.read")
def journal_page(
    staff: StaffMember, after: tuple[dt.date, int] | None = None, limit: int = 100
) -> JournalPage:
    """Entries newest first (by date, then as posted), *limit* after the keyset *after*."""
    limit = check_limit(limit)
    query = JournalEntry.select().order_by(JournalEntry.entry_date.desc(), JournalEntry.id.desc())
    if after is not None:
        try:
            day, last_id = after
            day = dt.date.fromordinal(day.toordinal())
            if isinstance(last_id, bool) or not 0 < last_id <= MAX_ID:
                raise ValueError
        except (TypeError, ValueError, AttributeError, OverflowError):
            raise ValidationError.one("after", "That page of the journal is not known.") from None
        query = query.where(Tuple(JournalEntry.entry_date, JournalEntry.id) < Tuple(day, last_id))
    entries = list(query.limit(limit + 1))
    more = len(entries) > limit
    entries = entries[:limit]
    last = entries[-1] if more else None
    return JournalPage(tuple(_rows(entries)), (last.entry_date, last.id) if last else None)


@reader("books.read")
def entry_detail(staff: StaffMember, entry_id: int) -> tuple[EntryRow, tuple[EntryLine, ...]]:
    """One entry and its lines, in the order posted."""
    e = get_or_refuse(JournalEntry, entry_id, "journal entry")
    lines = (
        JournalLine.select(Account.code, Account.name, JournalLine.amount)
        .join(Account)
        .where(JournalLine.entry == e.id)
        .order_by(JournalLine.id)
        .tuples()
    )
    return _rows([e])[0], tuple(EntryLine(code, name, amount) for code, name, amount in lines)


def typed_lines(rows) -> list[tuple[str, int]]:
    """The New entry screen's rows (account code, debit, credit as typed) as ledger lines;
    blank rows are skipped. Refuses a row with both or neither amount, or no account."""
    lines = []
    for n, row in enumerate(rows, start=1):
        code, debit, credit = (str(v or "").strip() for v in row)
        if not (code or debit or credit):
            continue
        if not code:
            raise ValidationError.one(f"line{n}", f"Line {n}: pick an account.")
        if bool(debit) == bool(credit):
            raise ValidationError.one(f"line{n}", f"Line {n}: type a debit or a credit.")
        if debit:
            lines.append((code, parse_money(f"line{n}", debit, label=f"Line {n} debit")))
        else:
            lines.append((code, -parse_money(f"line{n}", credit, label=f"Line {n} credit")))
    return lines


def difference(rows) -> int | None:
    """Debits less credits of what is typed so far (None while an amount is unreadable):
    the New entry screen's running difference."""
    try:
        return sum(cents for _code, cents in typed_lines(rows))
    except ValidationError:
        return None


@writer("books.post", changes=(changes.BOOKS,))
def post_manual_entry(staff: StaffMember, day: str, memo: str, rows: list) -> int:
    """The manager's own entry: date as typed (t, 11/30...), memo, and rows of (account
    code, debit, credit). Refuses it unbalanced (saying by how much), on a deactivated or
    unknown account, or on or before the lock date. Returns the entry's id."""
    on = parse_date("day", day, today=clock.today(), label="Date")
    memo = clean_text("memo", memo, max_len=200, required=True, label="Memo")
    if not isinstance(rows, list | tuple) or len(rows) > MAX_LINES:
        raise ValidationError.one("lines", f"An entry has at most {MAX_LINES} lines.")
    lines = typed_lines(rows)
    entry_id = post_journal(on=on, memo=memo, source="manual", source_id=None, lines=lines,
                            staff=staff)  # fmt: skip
    total = sum(c for _code, c in lines if c > 0)
    audit(staff, "books.manual_entry", entity="journal_entry", entity_id=entry_id,
          detail=f"{on:%m/%d/%Y} {format_money(total)}: {memo}")  # fmt: skip
    return entry_id
