"""Month end (issue 13 item 6): what is left to do before a month is closed, and the
lock date that closes it (ledger.set_lock_date: closing and reopening are audited;
reopening needs a reason, and both need books.post, the manager's)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ...db.models import StaffMember
from .. import clock
from ..billing.unbilled import unbilled_before
from ..core import reader
from ..errors import ValidationError
from ..validate import check_date
from .ledger import lock_date
from .reports import _trial_balance


@dataclass(frozen=True)
class CheckItem:
    label: str
    count: int  # 0: nothing left to do
    hint: str


@dataclass(frozen=True)
class MonthEnd:
    month_end: dt.date  # the month's last day
    lock_date: dt.date | None
    closed: bool
    items: list[CheckItem]

    @property
    def ready(self) -> bool:
        return not any(item.count for item in self.items)


def last_day(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@reader("books.read")
def month_end_checklist(actor: StaffMember, month: dt.date | None = None) -> MonthEnd:
    """The checklist of the month holding *month* (default: last month): visits checked
    out with no claim yet, and whether the trial balance balances through its last day."""
    if month is None:
        month = clock.today().replace(day=1) - dt.timedelta(days=1)
    if isinstance(month, dt.datetime) or not isinstance(month, dt.date):
        raise ValidationError.one("month", "The month is not a date.")
    check_date("month", month, label="The month")
    end = last_day(month)
    next_start = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    unbilled = unbilled_before(next_start)
    tb = _trial_balance(end)
    locked = lock_date()
    items = [
        CheckItem("Unbilled visits", unbilled, "visits checked out with no claim yet"),
        CheckItem(
            "Trial balance off",
            abs(tb.debits - tb.credits),
            "debits and credits differ (cents)",
        ),
    ]
    return MonthEnd(end, locked, locked is not None and locked >= end, items)
