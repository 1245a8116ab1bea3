"""Month end (issue 13 item 6): what is left to do before a month is closed, and the
lock date that closes it (ledger.set_lock_date: closing and reopening are audited;
reopening needs a reason, and both need books.post, the manager's).

"Unposted batches" in this codebase: an 835 remittance posts in the same job that
imports it (billing/remittance.post_remittance), so none waits imported and unposted; what
does wait off the books is claims built and ready but not yet sent in an 837 batch (their
charges book when sent: postings.claims_moved) and vendors' bills entered but not yet
approved (they reach A/P on approval). Each item names where it is worked (*target*)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ...db.models import AccountEntry, Bill, Claim, DrawerCount, StaffMember
from .. import clock
from ..billing.unbilled import unbilled_before
from ..core import reader
from ..errors import ValidationError
from ..supplies.matching import bill_mismatches
from ..validate import check_date
from .day_sheet import day_bounds, drawer_of
from .deposits import waiting_count
from .ledger import lock_date
from .reports import _trial_balance


@dataclass(frozen=True)
class CheckItem:
    label: str
    count: int  # 0: nothing left to do
    hint: str
    target: str = ""  # where it is worked: unbilled, claims, bills, day_sheet, deposits...
    day: dt.date | None = None  # the first day it concerns (drawer differences)


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
    out with no claim yet, claims not sent, bills not approved or not matching, drawer
    differences, payments not deposited, and whether the trial balance balances through
    its last day."""
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
    drawer_days = drawer_differences(end)
    items = [
        CheckItem("Unbilled visits", unbilled, "visits checked out with no claim yet",
                  "unbilled"),
        CheckItem("Claims not sent", _claims_waiting(end),
                  "ready, not yet sent in a batch (837)", "claims"),
        CheckItem("Bills not approved", _draft_bills(end), "entered, not yet in A/P", "bills"),
        CheckItem("Unmatched bills", _unmatched_bills(end),
                  "drafts that differ from order/receipt", "bills"),
        CheckItem("Drawer differences", len(drawer_days),
                  "days counted off, or taken but not counted", "day_sheet",
                  drawer_days[0] if drawer_days else None),
        CheckItem("Undeposited payments", _undeposited(end),
                  "cash, checks, cards not yet banked", "deposits"),
        CheckItem(
            "Trial balance off",
            abs(tb.debits - tb.credits),
            "debits and credits differ (cents)",
            "statements",
        ),
    ]  # fmt: skip
    return MonthEnd(end, locked, locked is not None and locked >= end, items)


def _claims_waiting(end: dt.date) -> int:
    return Claim.select().where((Claim.status == "ready") & (Claim.service_date <= end)).count()


def _draft_bills(end: dt.date) -> int:
    return Bill.select().where((Bill.status == "draft") & (Bill.bill_date <= end)).count()


def _unmatched_bills(end: dt.date) -> int:
    drafts = Bill.select().where(
        (Bill.status == "draft") & (Bill.bill_date <= end) & Bill.purchase_order_id.is_null(False)
    )
    return sum(1 for bill in drafts if bill_mismatches(bill))


def _undeposited(end: dt.date) -> int:
    return waiting_count(end)


def drawer_differences(end: dt.date) -> list[dt.date]:
    """The days of *end*'s month (to today) whose drawer was counted and differs from the
    desk's takings, or whose desk took cash or checks and was never counted."""
    first = end.replace(day=1)
    last = min(end, clock.today())
    if last < first:
        return []
    start, _ = day_bounds(first)
    _, stop = day_bounds(last)
    taken = {
        clock.utc_to_local(at).date()
        for (at,) in AccountEntry.select(AccountEntry.at)
        .where((AccountEntry.at >= start) & (AccountEntry.at < stop)
               & (AccountEntry.kind == "payment") & AccountEntry.method.in_(("cash", "check")))
        .tuples()
    }  # fmt: skip
    counted = {
        day
        for (day,) in DrawerCount.select(DrawerCount.day)
        .where((DrawerCount.day >= first) & (DrawerCount.day <= last))
        .distinct()
        .tuples()
    }
    out = []
    for day in sorted(d for d in taken | counted if first <= d <= last):
        if day not in counted or not drawer_of(day).balanced:
            out.append(day)
    return out
