"""The practice's general ledger (issue 13): the chart of accounts, journal entries and
their lines (debit-positive signed cents), per-account month totals kept as lines post,
and the books' settings (the lock date)."""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from .base import BaseModel, utcnow
from .security import StaffMember


class Account(BaseModel):
    """One account of the chart: code ("1100"), name, type (asset, liability, equity,
    revenue, expense) and its normal side ("debit" or "credit": a contra account is the
    other side of its type's). Never deleted once it has postings; deactivated instead."""

    TYPES = ("asset", "liability", "equity", "revenue", "expense")
    SIDES = ("debit", "credit")

    code = CharField(max_length=16, unique=True)
    name = CharField(max_length=80)
    type = CharField(max_length=10)
    normal_side = CharField(max_length=6)
    active = BooleanField(default=True)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    version = IntegerField(default=1)


class JournalEntry(BaseModel):
    """A balanced posting on one date. *source* names the kind of event that posted it
    ("charge", "manual", "reversal"...) and *source_id* its row. A reversal points at the
    entry it cancels (at most one reversal per entry). Never edited or deleted."""

    entry_date = DateField()
    memo = CharField(max_length=200, default="")
    source = CharField(max_length=16)
    source_id = BigIntegerField(null=True)
    staff = ForeignKeyField(StaffMember, backref="+")
    posted_at = DateTimeField(default=utcnow)  # UTC
    reverses = ForeignKeyField("self", null=True, unique=True, backref="+")

    class Meta:
        indexes = (
            (("entry_date", "id"), False),  # the journal, newest first, keyset paged
            (("source", "source_id"), False),  # an event's entries
        )


class JournalLine(BaseModel):
    """One line of an entry: debit-positive signed cents on one account. The entry's date
    is repeated here so an account's ledger detail ((account, entry_date, id) keyset) and a
    period's trial balance ((entry_date, account) with the amount) read one index each."""

    entry = ForeignKeyField(JournalEntry, backref="lines", on_delete="RESTRICT")
    account = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")
    entry_date = DateField()
    amount = BigIntegerField()

    class Meta:
        indexes = (
            (("account", "entry_date", "id"), False),
            (("entry_date", "account", "amount"), False),
        )


class AccountMonth(BaseModel):
    """The sum of an account's lines dated in one month (*month* is its first day), kept in
    the posting's own transaction: a balance through any date reads whole months here and
    only the last part-month's lines."""

    account = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")
    month = DateField()
    amount = BigIntegerField(default=0)

    class Meta:
        table_name = "account_month"
        indexes = ((("account", "month"), True),)


class BooksSettings(BaseModel):
    """One row: the lock date (nothing posts on or before it; None: all open) and the
    date the books start (entries before it are opening balances)."""

    lock_date = DateField(null=True)
    books_start = DateField(null=True)
    version = IntegerField(default=1)
