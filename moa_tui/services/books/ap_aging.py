"""Accounts payable aging (issue 13 item 2): what the practice owes each vendor, in the
same buckets as the A/R aging (services/billing/aging.py: one definition), aged from the
bill's date as the A/R ages from the date of service. Only approved bills with money open
count; the buckets of each row add up to its balance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ...db.models import Bill, StaffMember, Vendor
from .. import clock
from ..billing.aging import BUCKETS, AgingReport, AgingRow, bucket_of
from ..core import reader
from ..validate import check_date


def open_bills():
    """(vendor id, bill date, open cents) of every approved bill with money open."""
    return list(
        Bill.select(
            Bill.vendor, Bill.bill_date, Bill.total_cents - Bill.paid_cents - Bill.discount_cents
        )  # fmt: skip
        .where(
            (Bill.status == "approved")
            & (Bill.total_cents - Bill.paid_cents - Bill.discount_cents > 0)
        )
        .tuples()
    )


def payables_aging_report(as_of: dt.date) -> AgingReport:
    sums: dict[int, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
    counts: dict[int, int] = defaultdict(int)
    for vendor_id, bill_date, cents in open_bills():
        sums[vendor_id][bucket_of(max(0, (as_of - bill_date).days))] += cents
        counts[vendor_id] += 1
    names = dict(Vendor.select(Vendor.id, Vendor.name).where(Vendor.id.in_(list(sums))).tuples())
    rows = sorted(
        (AgingRow(vid, names.get(vid, f"Vendor {vid}"), tuple(b), counts[vid])
         for vid, b in sums.items()),
        key=lambda r: (-r.total, r.name),
    )  # fmt: skip
    return AgingReport("vendor", as_of, tuple(rows))


@reader("payables.read")
def ap_aging(actor: StaffMember, as_of: dt.date | None = None) -> AgingReport:
    """A/P aging by vendor as of *as_of* (today)."""
    day = check_date("as_of", as_of, label="As of") if as_of is not None else clock.today()
    return payables_aging_report(day)
