"""Accounts receivable aging (issue 11 item 8): what is owed, by patient and by payer, in
buckets of 0-30, 31-60, 61-90, 91-120 and over 120 days.

Where the age counts from:
- a payer's part of a claim ages from the claim's date of service (how payers and timely
  filing count it);
- a patient's balance ages from the day each charge reached the patient's account (the
  co-pay at the visit, or the patient's share the day the payer's remittance moved it
  there), the patient's payments and credits settling the oldest charges first.

Insurance-pending money is in the payer aging only: the patient's account (the one ledger
the desk shows) receives only what the payer said is the patient's share (group PR), so a
claim still with the payer never counts against the patient. A claim's open balance is
split: the outstanding patient share (share charged less the patient's payments posted on
the claim) is the patient's, the rest is the payer's. Draft, held, ready and void claims
have not been billed: they are not receivables yet.

The buckets of each row add up to its balance, and the totals line to the sum of the open
balances (tests/test_billing_aging.py checks both)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peewee import fn

from ...db.models import AccountEntry, Claim, ClaimPosting, Patient, Payer, StaffMember
from .. import clock
from ..core import reader
from .ledger import SETTLES

BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")
_LIMITS = (30, 60, 90, 120)


def bucket_of(age_days: int) -> int:
    """The bucket index of an age in days (a future date counts as 0 days)."""
    for n, limit in enumerate(_LIMITS):
        if age_days <= limit:
            return n
    return len(_LIMITS)


@dataclass(frozen=True)
class AgingRow:
    key: int  # the patient's or payer's id
    name: str
    buckets: tuple[int, int, int, int, int]  # cents per bucket, BUCKETS order
    count: int  # claims (payer) or open charges (patient)

    @property
    def total(self) -> int:
        return sum(self.buckets)


@dataclass(frozen=True)
class AgingReport:
    kind: str  # "payer" or "patient"
    as_of: dt.date
    rows: tuple[AgingRow, ...]
    credits_cents: int = 0  # patients: balances in the patient's favour (not receivables)

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(r.buckets[n] for r in self.rows) for n in range(len(BUCKETS)))

    @property
    def total(self) -> int:
        return sum(self.totals)


def _add(buckets: list[int], age_days: int, cents: int) -> None:
    buckets[bucket_of(age_days)] += cents


def outstanding_shares(claim_ids) -> dict[int, int]:
    """Per claim, the patient's share still unpaid on it (never below zero)."""
    shares: dict[int, int] = defaultdict(int)
    ids = list(claim_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = (
            ClaimPosting.select(ClaimPosting.claim, ClaimPosting.kind, fn.SUM(ClaimPosting.cents))
            .where(
                ClaimPosting.claim.in_(chunk)
                & ClaimPosting.kind.in_(("patient_share", "patient_payment"))
            )
            .group_by(ClaimPosting.claim, ClaimPosting.kind)
            .tuples()
        )
        for claim_id, kind, cents in rows:
            shares[claim_id] += (cents or 0) if kind == "patient_share" else -(cents or 0)
    return {k: max(0, v) for k, v in shares.items()}


def payer_open_claims(as_of: dt.date | None = None):
    """(claim id, payer id, service date, the payer's open cents) of every billed claim
    with money still owed by its payer."""
    rows = list(
        Claim.select(
            Claim.id,
            Claim.payer,
            Claim.service_date,
            Claim.total_cents - Claim.paid_cents - Claim.adjusted_cents,
        )
        .where(
            Claim.status.in_(SETTLES)
            & (Claim.total_cents - Claim.paid_cents - Claim.adjusted_cents > 0)
        )
        .tuples()
    )
    shares = outstanding_shares(r[0] for r in rows)
    out = []
    for claim_id, payer_id, service_date, balance in rows:
        owed = balance - min(balance, shares.get(claim_id, 0))
        if owed > 0:
            out.append((claim_id, payer_id, service_date, owed))
    return out


def payer_aging_report(as_of: dt.date | None = None) -> AgingReport:
    as_of = as_of or clock.today()
    sums: dict[int, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
    counts: dict[int, int] = defaultdict(int)
    for _claim_id, payer_id, service_date, owed in payer_open_claims(as_of):
        _add(sums[payer_id], max(0, (as_of - service_date).days), owed)
        counts[payer_id] += 1
    names = dict(Payer.select(Payer.id, Payer.name).where(Payer.id.in_(list(sums))).tuples())
    rows = sorted(
        (
            AgingRow(pid, names.get(pid, f"Payer {pid}"), tuple(b), counts[pid])
            for pid, b in sums.items()
        ),  # fmt: skip
        key=lambda r: (-r.total, r.name),
    )
    return AgingReport("payer", as_of, tuple(rows))


def patient_open_charges(as_of: dt.date | None = None) -> dict[int, list[tuple[dt.date, int]]]:
    """Per patient with money owed: the charges still open after the patient's payments
    and credits settled the oldest first, as (day charged, cents left). Patients whose
    account is even or in credit are left out (their credit is -sum, see credits())."""
    owing = [
        pid
        for pid, total in AccountEntry.select(AccountEntry.patient, fn.SUM(AccountEntry.cents))
        .group_by(AccountEntry.patient)
        .tuples()
        if (total or 0) > 0
    ]
    entries: dict[int, list[tuple[dt.datetime, int, int]]] = defaultdict(list)
    for start in range(0, len(owing), 500):
        chunk = owing[start : start + 500]
        q = (
            AccountEntry.select(
                AccountEntry.patient, AccountEntry.at, AccountEntry.id, AccountEntry.cents
            )
            .where(AccountEntry.patient.in_(chunk))
            .tuples()
        )
        for pid, at, entry_id, cents in q:
            entries[pid].append((at, entry_id, cents))
    out: dict[int, list[tuple[dt.date, int]]] = {}
    for pid, rows in entries.items():
        rows.sort()
        credit = -sum(c for _at, _id, c in rows if c < 0)
        left = []
        for at, _id, cents in rows:
            if cents <= 0:
                continue
            used = min(credit, cents)
            credit -= used
            if cents - used:
                left.append((clock.utc_to_local(at).date(), cents - used))
        if left:
            out[pid] = left
    return out


def patient_credits() -> int:
    """The sum of balances in patients' favour (overpaid accounts), shown apart."""
    return -sum(
        total or 0
        for _pid, total in AccountEntry.select(AccountEntry.patient, fn.SUM(AccountEntry.cents))
        .group_by(AccountEntry.patient)
        .tuples()
        if (total or 0) < 0
    )


def patient_aging_report(as_of: dt.date | None = None) -> AgingReport:
    as_of = as_of or clock.today()
    open_charges = patient_open_charges(as_of)
    names = {
        pid: f"{last}, {first}"
        for pid, last, first in Patient.select(Patient.id, Patient.last_name, Patient.first_name)
        .where(Patient.id.in_(list(open_charges)))
        .tuples()
    }
    rows = []
    for pid, charges in open_charges.items():
        b = [0] * len(BUCKETS)
        for day, cents in charges:
            _add(b, max(0, (as_of - day).days), cents)
        rows.append(AgingRow(pid, names.get(pid, f"Patient {pid}"), tuple(b), len(charges)))
    rows.sort(key=lambda r: (-r.total, r.name))
    return AgingReport("patient", as_of, tuple(rows), credits_cents=patient_credits())


@reader("claims.read")
def ar_aging(actor: StaffMember, by: str = "payer") -> AgingReport:
    """A/R aging as of today, by "payer" or by "patient" (a list of names and amounts,
    as the claims worklist shows them; opening a record is checked there)."""
    if by == "patient":
        return patient_aging_report()
    return payer_aging_report()
