"""The line under the claims worklist: count, charges and open balance of what a filter
shows, summed by index walks and remembered per change of the claims (issue 10)."""

from __future__ import annotations

import datetime as dt
import threading

from peewee import Case, fn

from ...db import changes
from ...db.models import ChangeCounter, Claim, StaffMember
from .. import clock
from ..core import reader
from .claims import AGE_BUCKETS, ClaimFilter, ClaimTotals, _filtered


@reader("claims.read")
def claim_totals(actor: StaffMember, f: ClaimFilter) -> ClaimTotals:
    """Count, charges and open balance of every claim the filter shows: summed once per
    filter and change of the claims (the "claims" change counter), then remembered, so
    changing the filter back, coming back to the list or a change of something else
    sums nothing again (issue 10)."""
    _filtered(f)  # refuses a filter the screen cannot have made, as the page does
    key = (str(Claim._meta.database.database), clock.today(), f.status, f.payer_id, f.age)
    stamp = (
        ChangeCounter.select(ChangeCounter.version)
        .where(ChangeCounter.topic == changes.CLAIMS)
        .scalar(),
        Claim.select(fn.MAX(Claim.id)).scalar(),
    )
    walked = key[:2] + ("every",)  # the one walk's totals, kept whole
    with _totals_lock:
        held = _totals.get(key)
        every = _totals.get(walked) if f.age in (None, "90+") else None
    if every and every[0] == stamp:  # (a filter no claim matches is not in it: zeros)
        return every[1].get(key[2:], ClaimTotals(0, 0, 0))
    if held and held[0] == stamp:
        return held[1]
    if f.status or f.age not in (None, "90+"):
        found, totals = (key, _sum_claims(f)), None  # a range of the index (status, month)
    else:
        # No status: the whole amounts index is read anyway, so the one walk sums every
        # total a status, payer and 90+ filter can ask for (a status or payer key pressed
        # next is then answered at once).
        walk = _sum_by_status_and_payer()
        found, totals = (walked, walk), walk.get(key[2:], ClaimTotals(0, 0, 0))
    with _totals_lock:
        if len(_totals) >= 64:  # old days, old versions, closed databases
            _totals.clear()
        _totals[found[0]] = (stamp, found[1])
    return totals or found[1]


# (database, day, status, payer, age) -> (stamp, totals), and (database, day, "every") ->
# (stamp, {(status, payer, age): totals}) from the one walk. The stamp is the "claims" change
# counter's version, which every service writing a claim moves (core.CHANGES), and the
# highest claim id (a claim inserted outside the services, by an import, still counts).
_totals: dict[tuple, tuple[tuple, ClaimTotals]] = {}
_totals_lock = threading.Lock()


def _sum_by_status_and_payer() -> dict[tuple, ClaimTotals]:
    """(status, payer id, age) -> totals for every unbounded filter (a status or none, a
    payer or none, 90+ or any age), from ONE walk of the (status, payer, date, id,
    amounts) index grouped by its first two columns: no table row, no sort."""
    cutoff = clock.today() - dt.timedelta(days=AGE_BUCKETS["90+"][0])
    old = Claim.service_date <= cutoff
    settled = Claim.paid_cents + Claim.adjusted_cents
    query = (
        Claim.select(
            Claim.status,
            Claim.payer,
            fn.COUNT(Claim.id),
            fn.SUM(Claim.total_cents),
            fn.SUM(settled),
            fn.SUM(Case(None, [(old, 1)], 0)),
            fn.SUM(Case(None, [(old, Claim.total_cents)], 0)),
            fn.SUM(Case(None, [(old, settled)], 0)),
        )
        .group_by(Claim.status, Claim.payer)
        .order_by(Claim.status, Claim.payer)
    )
    sums: dict[tuple, list[int]] = {}
    for status, payer, *amounts in query.tuples():
        every, aged = amounts[:3], amounts[3:]
        for s in (status, None):
            for p in (payer, None):
                for age, part in ((None, every), ("90+", aged)):
                    acc = sums.setdefault((s, p, age), [0, 0, 0])
                    for i, value in enumerate(part):
                        acc[i] += value or 0
    return {k: ClaimTotals(n, total, total - done) for k, (n, total, done) in sums.items()}


def _sum_claims(f: ClaimFilter) -> ClaimTotals:
    """One sum: a bounded age bucket is a date range (a month of claims); otherwise it is
    read from the (status, payer, date, id, amounts) index alone, a range of it for a
    status (and payer), the whole of it without, which is still a tenth of the table and
    never a table row per claim. The payer and 90+ tests are written so that no other
    index can be picked for them (each would fetch nearly every claim's row)."""
    query = Claim.select(
        fn.COUNT(Claim.id),
        fn.SUM(Claim.total_cents),
        fn.SUM(Claim.paid_cents + Claim.adjusted_cents),
    )
    payer = Claim.payer
    if f.status:
        query = query.where(Claim.status == f.status)
    else:
        payer = Claim.payer + 0
    if f.payer_id:
        query = query.where(payer == f.payer_id)
    if f.age:
        low, high = AGE_BUCKETS[f.age]
        today = clock.today()
        # A bounded age (at most a month of claims, at any table size) is a date range;
        # 90+ (nearly all of them) is read from the amounts index.
        day = (
            Claim.service_date
            if high is not None
            else fn.COALESCE(Claim.service_date, Claim.service_date)
        )
        query = query.where(day <= today - dt.timedelta(days=low))
        if high is not None:
            query = query.where(day >= today - dt.timedelta(days=high))
    count, total, settled = query.tuples().get()
    return ClaimTotals(count or 0, total or 0, (total or 0) - (settled or 0))
