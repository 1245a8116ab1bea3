"""Collections by week (issue 13 item 5, the chart behind the picture): the money the
practice took in from payers and patients in each of the last 52 weeks, read from the
ledger: what payment entries (payer payments, patient payments and their reversals)
put into the cash drawer, undeposited funds and the bank. One query, grouped by week; a
week with nothing taken is there with $0."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import SQL, fn

from ...db.models import Account, JournalEntry, JournalLine, StaffMember
from .. import clock
from ..buckets import WEEK, bucket_of, week_starts
from ..core import reader
from ..errors import ValidationError
from ..validate import check_date
from . import accounts as acct

# Where received money goes (postings.PAYMENT_ACCOUNT's accounts).
MONEY_ACCOUNTS = (acct.CASH, acct.UNDEPOSITED, acct.BANK)
PAYER, PATIENT = "payer_payment", "patient_payment"


@dataclass(frozen=True)
class WeekTotal:
    start: dt.date  # the Monday
    payer_cents: int
    patient_cents: int

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def total_cents(self) -> int:
        return self.payer_cents + self.patient_cents


@dataclass(frozen=True)
class Collections:
    through: dt.date
    weeks: tuple[WeekTotal, ...]  # oldest first, every week, $0 ones too

    @property
    def total_cents(self) -> int:
        return sum(w.total_cents for w in self.weeks)

    @property
    def best(self) -> WeekTotal:
        """The week with the most taken in (the earliest of equal ones)."""
        return max(self.weeks, key=lambda w: (w.total_cents, -w.start.toordinal()))

    @property
    def worst(self) -> WeekTotal:
        return min(self.weeks, key=lambda w: (w.total_cents, w.start.toordinal()))


def weekly_collections(through: dt.date, weeks: int = 52) -> Collections:
    starts = week_starts(through, weeks)
    ends = starts[1:] + [starts[-1] + WEEK]
    week = bucket_of(JournalLine.entry_date, ends)
    # The accounts' ids as values (not a subquery): the planner then walks those accounts'
    # lines in the year ((account, entry_date) index), not every payment entry ever.
    accounts = [
        a for (a,) in Account.select(Account.id).where(Account.code.in_(MONEY_ACCOUNTS)).tuples()
    ]
    rows = (
        JournalLine.select(week, JournalEntry.source, fn.SUM(JournalLine.amount))
        .join(JournalEntry)
        .where(
            (JournalLine.entry_date >= starts[0])
            & (JournalLine.entry_date < ends[-1])
            & JournalLine.account.in_(accounts)
            & JournalEntry.source.in_((PAYER, PATIENT))
        )
        .group_by(SQL("1"), JournalEntry.source)
        .tuples()
    )
    payer = [0] * weeks
    patient = [0] * weeks
    for n, source, cents in rows:
        (payer if source == PAYER else patient)[int(n)] += int(cents)
    return Collections(
        through, tuple(WeekTotal(s, payer[n], patient[n]) for n, s in enumerate(starts))
    )


@reader("books.read")
def collections_by_week(
    actor: StaffMember, through: dt.date | None = None, weeks: int = 52
) -> Collections:
    """What payers and patients paid in each week (Monday to Sunday) of the *weeks*
    weeks (52) ending with the one holding *through* (today), oldest first."""
    day = clock.today() if through is None else check_date("through", through, label="Through")
    if isinstance(day, dt.datetime):
        raise ValidationError.one("through", "Through is a date, not a time.")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 104:
        raise ValidationError.one("weeks", "Weeks: 1 to 104.")
    return weekly_collections(day, weeks)
