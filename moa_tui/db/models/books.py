"""The practice's general ledger (issue 13): the chart of accounts, journal entries and
their lines (debit-positive signed cents), per-account month totals kept as lines post,
the books' settings (the lock date), the cash drawer's counts and the bank deposits."""

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


class DrawerCount(BaseModel):
    """What was counted in the cash drawer for a day (cash less the float, checks by count
    and total) beside what the day's payments say it holds, kept as counted. The cash
    difference posts to cash over and short (entry_id; none when it is $0.00). A recount
    is a new row naming the one it replaces, whose entry is reversed: never edited."""

    day = DateField()
    cash_cents = IntegerField()
    checks_count = IntegerField()
    checks_cents = IntegerField()
    expected_cash_cents = IntegerField()
    expected_checks_count = IntegerField()
    expected_checks_cents = IntegerField()
    note = CharField(max_length=200, default="")
    entry_id = IntegerField(null=True)
    replaces = ForeignKeyField("self", null=True, unique=True, backref="+")
    staff = ForeignKeyField(StaffMember, backref="+")
    at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "drawer_count"
        indexes = ((("day", "id"), False),)


class Deposit(BaseModel):
    """Money taken to the bank: the payments picked from those not yet deposited, on a
    date with the bank's reference; its entry moves them to the bank account."""

    deposited_on = DateField()
    bank_reference = CharField(max_length=40, default="")
    cash_cents = IntegerField(default=0)
    checks_count = IntegerField(default=0)
    checks_cents = IntegerField(default=0)
    cards_cents = IntegerField(default=0)
    total_cents = IntegerField(default=0)
    entry_id = IntegerField(null=True)
    staff = ForeignKeyField(StaffMember, backref="+")
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("deposited_on", "id"), False),)


class DepositItem(BaseModel):
    """One payment in a deposit (once only: the pair kind, source_id is unique). kind
    "desk": a patient's payment (AccountEntry); "payer": a payer's (ClaimPosting);
    "drawer": a drawer count's cash over or short, deposited with that day's cash."""

    KINDS = ("desk", "payer", "drawer")

    deposit = ForeignKeyField(Deposit, backref="items", on_delete="RESTRICT")
    kind = CharField(max_length=6)
    source_id = BigIntegerField()
    method = CharField(max_length=6)
    reference = CharField(max_length=50, default="")
    cents = IntegerField()

    class Meta:
        table_name = "deposit_item"
        indexes = ((("kind", "source_id"), True),)
