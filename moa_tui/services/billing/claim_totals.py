"""The line under the claims worklist: count, charges and open balance of what a filter
shows. Without a bounded age (every claim, a status, a payer, 90+ days) it is summed from
the claim tally that triggers keep as claims change (migration 0026): a few thousand
(status, payer, month) rows at any table size, as quick right after a change as before
it (summing the claims index took 390 ms at a million claims). A bounded age (0-30,
31-60, 61-90 days) is a date range of a month of claims, summed from the claims index."""

from __future__ import annotations

import datetime as dt

from peewee import fn

from ...db.models import Claim, ClaimTally, StaffMember
from .. import clock
from ..core import reader
from .claims import AGE_BUCKETS, ClaimFilter, ClaimTotals, _filtered


@reader("claims.read")
def claim_totals(actor: StaffMember, f: ClaimFilter) -> ClaimTotals:
    """Count, charges and open balance of every claim the filter shows."""
    _filtered(f)  # refuses a filter the screen cannot have made, as the page does
    today = clock.today()
    if f.age:
        low, high = AGE_BUCKETS[f.age]
        last = today - dt.timedelta(days=low)
        if high is not None:
            return _sum_claims(f, today - dt.timedelta(days=high), last)
        # 90+: whole months before the last day's month from the tally, that month's
        # first days from the claims.
        first = last.replace(day=1)
        before = _sum_tally(f, before=f"{first:%Y-%m}")
        edge = _sum_claims(f, first, last)
        return ClaimTotals(
            before.count + edge.count,
            before.total_cents + edge.total_cents,
            before.balance_cents + edge.balance_cents,
        )
    return _sum_tally(f)


def _sum_tally(f: ClaimFilter, before: str | None = None) -> ClaimTotals:
    query = ClaimTally.select(
        fn.SUM(ClaimTally.claims), fn.SUM(ClaimTally.total_cents), fn.SUM(ClaimTally.settled_cents)
    )
    if f.status:
        query = query.where(ClaimTally.status == f.status)
    if f.payer_id:
        query = query.where(ClaimTally.payer_id == f.payer_id)
    if before:
        query = query.where(ClaimTally.month < before)
    count, total, settled = query.tuples().get()
    return ClaimTotals(int(count or 0), int(total or 0), int(total or 0) - int(settled or 0))


def _sum_claims(f: ClaimFilter, first: dt.date, last: dt.date) -> ClaimTotals:
    """The claims with a date of service from *first* to *last* (about a month of them at
    any table size): a range of the date index, or of the (status, payer, date, id,
    amounts) index with a status and payer. Without a status the payer is tested on the
    rows of the date range (payer + 0), so the payer's index, which would fetch every one
    of that payer's claims, is never picked."""
    query = Claim.select(
        fn.COUNT(Claim.id),
        fn.SUM(Claim.total_cents),
        fn.SUM(Claim.paid_cents + Claim.adjusted_cents),
    ).where(Claim.service_date.between(first, last))
    payer = Claim.payer
    if f.status:
        query = query.where(Claim.status == f.status)
    else:
        payer = Claim.payer + 0
    if f.payer_id:
        query = query.where(payer == f.payer_id)
    count, total, settled = query.tuples().get()
    return ClaimTotals(count or 0, total or 0, (total or 0) - (settled or 0))
