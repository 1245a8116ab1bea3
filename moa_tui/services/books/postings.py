"""What the office's money events post to the books (issue 13 item 1), inside each event's
own transaction, so the control accounts always equal their sub-ledgers:

- INSURANCE_AR == the payers' part of every billed claim (status in RECEIVABLE): its
  charges less payments and adjustments, less the patient's share still owed on it
  (patient_share postings less the patient's payments posted on the claim).
- PATIENT_AR == the sum of patients' balances that are owed (their account entries), and
  PATIENT_CREDITS == the sum of balances in patients' favour (prepaid, overpaid): an
  account moving across zero splits its posting between the two.

A claim's payer part is booked (Dr INSURANCE_AR, Cr REVENUE) when it becomes receivable
(sent in a batch, or its status moved by hand) and taken off when it stops being one
(replaced by a corrected claim, voided, closed). Money posted against a claim that is not
receivable moves REVENUE instead of INSURANCE_AR, so the tie holds whatever the order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from peewee import Case, fn

from ...db.models import AccountEntry, Claim, ClaimPosting, StaffMember
from .. import clock
from . import accounts as acct
from .ledger import post_journal

# Billed claims (billing/ledger.py SETTLES: tests/test_books_postings.py keeps them equal).
RECEIVABLE = ("submitted", "accepted", "rejected", "denied", "partial", "paid", "appealed")
# Where a payment's money goes, by how it came.
PAYMENT_ACCOUNT = {"cash": acct.CASH, "check": acct.UNDEPOSITED, "card": acct.UNDEPOSITED,
                   "eft": acct.BANK}  # fmt: skip
# A claim posting's other side, by kind (a patient_share is the patient's account).
CLAIM_COUNTER = {"adjustment": acct.CONTRACTUAL, "write_off": acct.BAD_DEBT,
                 "refund": acct.BANK}  # fmt: skip
SOURCE_OF_KIND = {
    "payer_payment": "payer_payment",
    "adjustment": "adjustment",
    "patient_share": "adjustment",
    "write_off": "writeoff",
    "refund": "refund",
}


def patient_balance(patient_id: int) -> int:
    return int(
        AccountEntry.select(fn.COALESCE(fn.SUM(AccountEntry.cents), 0))
        .where(AccountEntry.patient == patient_id)
        .scalar()
    )


class Batch:
    """The lines one money job posts, netted by account and posted as one entry at its
    end. Call patient() BEFORE the job writes that patient's account entries: each
    patient's balance is read once, at the first call, and carried forward here."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = defaultdict(int)
        self._balances: dict[int, int] = {}

    def add(self, code: str, cents: int) -> None:
        self.lines[code] += cents

    def patient(self, patient_id: int, cents: int) -> None:
        """The patient's account moves by *cents* (a charge +, a payment or credit -)."""
        if patient_id not in self._balances:
            self._balances[patient_id] = patient_balance(patient_id)
        before = self._balances[patient_id]
        after = before + cents
        self.add(acct.PATIENT_AR, max(after, 0) - max(before, 0))
        self.add(acct.PATIENT_CREDITS, min(after, 0) - min(before, 0))
        self._balances[patient_id] = after

    def post(self, *, memo: str, source: str, source_id: int | None,
             staff: StaffMember) -> int | None:  # fmt: skip
        """Post what was gathered (nothing if it nets to zero); returns the entry id."""
        lines = [(code, cents) for code, cents in sorted(self.lines.items()) if cents]
        self.lines.clear()
        if not lines:
            return None
        return post_journal(on=clock.today(), memo=memo[:200], source=source,
                            source_id=source_id, lines=lines, staff=staff)  # fmt: skip


def claim_control(c: Claim) -> str:
    """Where a claim's payer part sits: INSURANCE_AR while it is billed, else REVENUE."""
    return acct.INSURANCE_AR if c.status in RECEIVABLE else acct.REVENUE


def claim_posting(batch: Batch, c: Claim, kind: str, cents: int, method: str = "") -> bool:
    """A ClaimPosting's lines (billing/ledger.post calls this for every posting); a
    patient's payment on a claim is posted by post_patient_payment with its account entry,
    a denial moves no money. Returns whether anything was added."""
    control = claim_control(c)
    if kind == "patient_share":
        batch.patient(c.patient_id, cents)
    elif kind == "payer_payment":
        batch.add(PAYMENT_ACCOUNT.get(method, acct.UNDEPOSITED), cents)
    elif kind in CLAIM_COUNTER:
        batch.add(CLAIM_COUNTER[kind], cents)
    else:
        return False
    batch.add(control, -cents)
    return True


def post_claim_posting(c: Claim, kind: str, cents: int, method: str,
                       staff: StaffMember, note: str = "") -> None:  # fmt: skip
    """One claim posting as its own entry (a posting made outside a batch job)."""
    batch = Batch()
    if claim_posting(batch, c, kind, cents, method):
        memo = f"Claim {c.id}: {kind.replace('_', ' ')}" + (f" ({note})" if note else "")
        batch.post(memo=memo, source=SOURCE_OF_KIND[kind], source_id=c.id, staff=staff)


def payer_parts(claim_ids: Iterable[int]) -> dict[int, int]:
    """Per claim: charges less payments and adjustments less the patient's share still
    owed on it (not clipped at zero: the books carry it exactly)."""
    ids = list(claim_ids)
    out: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = Claim.select(
            Claim.id, Claim.total_cents - Claim.paid_cents - Claim.adjusted_cents
        ).where(Claim.id.in_(chunk))
        out.update({cid: int(cents) for cid, cents in rows.tuples()})
        share = Case(None, [(ClaimPosting.kind == "patient_share", ClaimPosting.cents)],
                     ClaimPosting.cents * -1)  # fmt: skip
        shares = (
            ClaimPosting.select(ClaimPosting.claim, fn.SUM(share))
            .where(ClaimPosting.claim.in_(chunk)
                   & ClaimPosting.kind.in_(("patient_share", "patient_payment")))
            .group_by(ClaimPosting.claim)
            .tuples()
        )  # fmt: skip
        for cid, cents in shares:
            out[cid] -= int(cents or 0)
    return out


def claims_moved(moves: list[tuple[int, str, str]], staff: StaffMember, memo: str,
                 source_id: int | None = None) -> int | None:  # fmt: skip
    """Claims whose status moved (claim id, from, to): a claim becoming receivable books
    its payer part (Dr INSURANCE_AR, Cr REVENUE); one ceasing to be takes it off. Call
    with the claims' sums as they are at the move. Returns the entry id, if any."""
    signs = {cid: (new in RECEIVABLE) - (old in RECEIVABLE) for cid, old, new in moves}
    moving = [cid for cid, sign in signs.items() if sign]
    if not moving:
        return None
    total = sum(signs[cid] * cents for cid, cents in payer_parts(moving).items())
    batch = Batch()
    batch.add(acct.INSURANCE_AR, total)
    batch.add(acct.REVENUE, -total)
    return batch.post(memo=memo, source="charge", source_id=source_id, staff=staff)
