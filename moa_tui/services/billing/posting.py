"""Money posted against claims (issue 11 item 7): a payer's payment and its adjustments
per line (a paper EOB, or an 835: remittance.py), the patient's share, a patient's payment
(cash, check, card), write-offs and refunds (billing or above), and reversals. Posted money
is never edited or deleted: a mistake is reversed by another posting naming it.

A claim's balance is always its charges less payments (the payer's and the patient's) and
adjustments. Claim.paid_cents and Claim.adjusted_cents (which the claims list reads) are
kept by the same transaction that posts, and the claim's status follows from them (paid
when nothing is left, partially paid while some is), never the other way round. The
patient's share (adjustment group PR) stays owed on the claim, now by the patient: it is
charged to the patient's account, the one ledger the front desk shows, so what is still
pending with insurance is never shown as what the patient owes."""

from __future__ import annotations

from dataclasses import dataclass

from ...db import changes
from ...db.models import AccountEntry, Claim, ClaimPosting, StaffMember
from .. import clock
from ..books import accounts as acct
from ..books.postings import PAYMENT_ACCOUNT, Batch
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import clean_text, format_money, parse_money
from .ledger import Adj, LinePay, check_codes, post, post_lines, settle

PATIENT_METHODS = ("cash", "check", "card")


@dataclass(frozen=True)
class PostingRow:
    posting_id: int
    at: str
    kind: str
    line_no: int | None
    cents: int
    codes: str
    reference: str
    note: str
    reversed: bool


@dataclass(frozen=True)
class ClaimMoney:
    claim_id: int
    version: int
    status: str
    charges_cents: int
    paid_cents: int
    adjusted_cents: int
    balance_cents: int  # still owed on the claim: by the payer, or the patient's share
    patient_cents: int  # the patient's share (PR), charged to their account
    postings: tuple[PostingRow, ...]


def _claim_for(actor: StaffMember, claim_id: int, version: int | None, what: str) -> Claim:
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} {what}")
    if version is not None and c.version != version:
        raise Conflict(f"Claim {c.id} was changed meanwhile; it has been reloaded.")
    if c.status in ("draft", "held", "ready", "void"):
        raise ValidationError.one("amount", f"Claim {c.id} has not been sent; nothing to post.")
    return c


def _done(actor: StaffMember, c: Claim, action: str, detail: str) -> ClaimMoney:
    settle(c, actor, detail)
    c.version += 1
    c.save()
    audit(actor, action, patient_id=c.patient_id, entity="claim", entity_id=c.id, detail=detail)
    return _money(c)


def parse_eob_line(line_no: int | None, paid: str, adjustments: list[tuple[str, str, str]]):
    """A paper EOB line as typed: paid amount and (group, reason, amount) rows."""
    cents = parse_money("paid", paid or "0", label="Paid")
    adjs = []
    for group, reason, amount in adjustments:
        g, r, _ = check_codes(group, reason)
        adjs.append(Adj(g, r, parse_money("adjustment", amount, label="Adjustment")))
    return LinePay(line_no, cents, tuple(adjs))


@writer("claims.write", changes=(changes.CLAIMS, changes.PATIENTS))
def post_eob(
    actor: StaffMember,
    claim_id: int,
    version: int,
    lines: list[tuple[int | None, str, list[tuple[str, str, str]]]],
    reference: str,
) -> ClaimMoney:
    """A paper EOB: per line (or None for the claim) the amount paid and adjustments
    (group, reason code, amount), with the check number. Refuses a stale claim, a bad
    amount or code, and more posted than the claim's charges."""
    reference = clean_text("reference", reference, max_len=50, required=True,
                           label="Check or EFT number")  # fmt: skip
    c = _claim_for(actor, claim_id, version, "payment posted")
    if not isinstance(lines, list | tuple) or not lines or len(lines) > 50:
        raise ValidationError.one("paid", "Enter what the payer paid or adjusted.")
    pays = [parse_eob_line(no, paid, list(adjs)) for no, paid, adjs in lines]
    total = sum(p.paid_cents + sum(a.cents for a in p.adjustments) for p in pays)
    if total == 0:
        raise ValidationError.one("paid", "Nothing to post: every amount is zero.")
    if total > c.total_cents - c.paid_cents - c.adjusted_cents:
        raise ValidationError.one(
            "paid", f"That is more than claim {c.id}'s balance; post a refund for an overpayment."
        )
    paid = post_lines(c, actor, pays, reference=reference, method="check", note="Paper EOB")
    return _done(actor, c, "claim.eob", f"EOB {reference}: paid {format_money(paid)}")


@writer("billing.writeoff")
def write_off(
    actor: StaffMember, claim_id: int, version: int, amount: str, reason: str
) -> ClaimMoney:
    """Write off part or all of a claim's open balance, with the reason (billing or above)."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    c = _claim_for(actor, claim_id, version, "written off")
    cents = parse_money("amount", amount)
    balance = c.total_cents - c.paid_cents - c.adjusted_cents
    if not 0 < cents <= balance:
        raise ValidationError.one(
            "amount", f"Write off up to the balance, {format_money(balance)}."
        )
    post(c, actor, "write_off", cents, note=reason)
    return _done(actor, c, "claim.write_off", f"{format_money(cents)}: {reason}")


@writer("billing.writeoff")
def refund_payer(
    actor: StaffMember, claim_id: int, version: int, amount: str, reason: str
) -> ClaimMoney:
    """Give back part of what a payer paid (an overpayment), with the reason."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    c = _claim_for(actor, claim_id, version, "refunded")
    cents = parse_money("amount", amount)
    if not 0 < cents <= c.paid_cents:
        raise ValidationError.one(
            "amount", f"Refund up to what was paid, {format_money(c.paid_cents)}."
        )
    post(c, actor, "refund", -cents, note=reason)
    return _done(actor, c, "claim.refund", f"{format_money(cents)} to {c.payer.name}: {reason}")


@writer("billing.writeoff")
def reverse_posting(actor: StaffMember, posting_id: int, reason: str) -> ClaimMoney:
    """Reverse a posting with another of the opposite amount (a patient share moved to the
    account is taken back from it too). Refuses a reversal, or one reversed already."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    p = get_or_refuse(ClaimPosting, posting_id, "posting")
    c = _claim_for(actor, p.claim_id, None, "posting reversed")
    if p.reverses_id is not None:
        raise ValidationError.one("reason", "That posting is itself a reversal.")
    if ClaimPosting.select().where(ClaimPosting.reverses == p.id).exists():
        raise ValidationError.one("reason", "That posting was reversed already.")
    adj = Adj(p.group_code, p.reason_code, -p.cents, p.remark_codes) if p.group_code else None
    post(c, actor, p.kind, -p.cents, line=p.line, adj=adj, method=p.method,
         reference=p.reference, note=f"Reversal: {reason}", reverses=p)  # fmt: skip
    if p.kind == "patient_payment":
        _patient_payment_back(actor, c, p)
    return _done(actor, c, "claim.reversal", f"posting {p.id} ({format_money(p.cents)}): {reason}")


def _patient_payment_back(actor: StaffMember, c: Claim, p: ClaimPosting) -> None:
    """A patient's payment reversed is taken back where post_patient_payment put it: out
    of the account it went into (the drawer, undeposited funds) and back onto the
    patient's account, which owes it again; the claim's side is the reversing posting."""
    books = Batch()  # the patient's balance is read before the entry below moves it
    books.add(PAYMENT_ACCOUNT.get(p.method, acct.UNDEPOSITED), -p.cents)
    books.patient(c.patient_id, p.cents)
    books.post(memo=f"Claim {c.id}: patient payment reversed ({p.method})",
               source="patient_payment", source_id=c.id, staff=actor)  # fmt: skip
    AccountEntry.create(
        patient=c.patient_id, appointment=c.appointment_id, kind="payment", cents=p.cents,
        description=f"Payment toward claim {c.id} reversed", method=p.method,
        reference=p.reference, staff=actor, at=clock.now_utc(),
    )  # fmt: skip


@writer("claims.write", changes=(changes.CLAIMS, changes.PATIENTS))
def post_patient_payment(
    actor: StaffMember, claim_id: int, amount: str, method: str, reference: str = ""
) -> ClaimMoney:
    """A patient's payment (cash, check, card) toward a claim: posted on the claim and
    into the patient's account, where their share of it was charged. Refuses more than
    the claim's balance (take that at the desk, on the account)."""
    c = _claim_for(actor, claim_id, None, "patient payment")
    cents = parse_money("amount", amount)
    balance = c.total_cents - c.paid_cents - c.adjusted_cents
    if cents == 0:
        raise ValidationError.one("amount", "The amount is zero.")
    if cents > balance:
        raise ValidationError.one(
            "amount", f"That is more than claim {c.id}'s balance, {format_money(balance)}."
        )
    if method not in PATIENT_METHODS:
        raise ValidationError.one("method", "Cash, check or card.")
    reference = clean_text("reference", reference, max_len=40, label="Reference")
    if method in ("check", "card") and not reference:
        raise ValidationError.one("reference", "Note the check number or card reference.")
    post(c, actor, "patient_payment", cents, method=method, reference=reference,
         note="Patient payment")  # fmt: skip
    books = Batch()
    books.add(PAYMENT_ACCOUNT[method], cents)
    books.patient(c.patient_id, -cents)
    books.post(memo=f"Claim {c.id}: patient payment ({method})", source="patient_payment",
               source_id=c.id, staff=actor)  # fmt: skip
    AccountEntry.create(
        patient=c.patient_id, appointment=c.appointment_id, kind="payment", cents=-cents,
        description=f"Payment toward claim {c.id}", method=method, reference=reference,
        staff=actor, at=clock.now_utc(),
    )  # fmt: skip
    return _done(actor, c, "claim.patient_payment", f"{format_money(cents)} {method} {reference}")


def _money(c: Claim) -> ClaimMoney:
    rows = list(ClaimPosting.select().where(ClaimPosting.claim == c.id).order_by(ClaimPosting.id))
    reversed_ids = {p.reverses_id for p in rows if p.reverses_id}
    line_nos = {ln.id: ln.line_no for ln in c.lines}
    return ClaimMoney(
        claim_id=c.id,
        version=c.version,
        status=c.status,
        charges_cents=c.total_cents,
        paid_cents=c.paid_cents,
        adjusted_cents=c.adjusted_cents,
        balance_cents=c.total_cents - c.paid_cents - c.adjusted_cents,
        patient_cents=sum(p.cents for p in rows if p.kind == "patient_share"),
        postings=tuple(
            PostingRow(
                p.id,
                f"{clock.utc_to_local(p.at):%Y-%m-%d}",
                p.kind,
                line_nos.get(p.line_id),
                p.cents,
                " ".join(
                    filter(
                        None, (p.group_code and f"{p.group_code}-{p.reason_code}", p.remark_codes)
                    )
                ),
                p.reference,
                p.note,
                p.id in reversed_ids,
            )  # fmt: skip
            for p in rows
        ),
    )


@writer("claims.read", changes=())  # a writer only to record a restricted record's reading
def claim_money(actor: StaffMember, claim_id: int) -> ClaimMoney:
    """A claim's charges, payments, adjustments, balance and every posting."""
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} payments")
    return _money(c)
