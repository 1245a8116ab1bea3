"""The claims worklist: filter, page, open, change status with a note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Tuple, fn

from ...db.models import (
    Claim,
    ClaimAdjustment,
    ClaimLine,
    ClaimStatusChange,
    Patient,
    Payer,
    Provider,
    StaffMember,
)
from .. import clock
from ..books.postings import claims_moved, post_claim_posting
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import check_limit, clean_text, format_money

# The claims screen takes its payer filter from here.
from .payers import PayerInfo, list_payers  # noqa: F401

STATUS_LABELS = {
    "draft": "Draft",
    "held": "Held",
    "ready": "Ready",
    "submitted": "Submitted",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "denied": "Denied",
    "partial": "Part paid",  # (fits the list's 9-cell Status column at 80 columns)
    "paid": "Paid",
    "appealed": "Appealed",
    "closed": "Closed",
    "void": "Void",
}
# Age of a claim in days since the date of service: (label, lowest, highest).
AGE_BUCKETS = {
    "0-30": (0, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "90+": (91, None),
}
SORTS = ("age", "amount")


@dataclass(frozen=True)
class ClaimFilter:
    status: str | None = None
    payer_id: int | None = None
    age: str | None = None  # a key of AGE_BUCKETS
    sort: str = "age"  # oldest first, or largest amount first


@dataclass(frozen=True)
class ClaimRow:
    id: int
    version: int
    patient: str
    payer: str
    service_date: dt.date
    age_days: int
    status: str
    total_cents: int
    balance_cents: int


@dataclass(frozen=True)
class ClaimPage:
    rows: list[ClaimRow]
    next_after: tuple | None  # pass back as *after* for the next page; None at the end


@dataclass(frozen=True)
class ClaimTotals:
    count: int
    total_cents: int
    balance_cents: int


@dataclass(frozen=True)
class ClaimLineInfo:
    line_no: int
    procedure_code: str
    modifier: str
    diagnosis_codes: str
    units: int
    charge_cents: int


@dataclass(frozen=True)
class StatusChangeInfo:
    at: dt.datetime
    from_status: str
    to_status: str
    note: str
    staff: str


@dataclass(frozen=True)
class ClaimDetail:
    row: ClaimRow
    provider: str
    mrn: str
    lines: list[ClaimLineInfo]
    history: list[StatusChangeInfo]
    paid_cents: int = 0
    adjusted_cents: int = 0


def _filtered(f: ClaimFilter):
    # The filter's choices come from the screen's lists; anything else is refused, not a
    # KeyError.
    if f.status and f.status not in STATUS_LABELS:
        raise ValidationError.one("status", "Choose a claim status from the list.")
    if f.age and f.age not in AGE_BUCKETS:
        raise ValidationError.one("age", "Choose an age from the list.")
    if f.sort not in SORTS:
        raise ValidationError.one("sort", "Sort by age or by amount.")
    query = Claim.select()
    if f.status:
        query = query.where(Claim.status == f.status)
    if f.payer_id:
        query = query.where(Claim.payer == f.payer_id)
    if f.age:
        low, high = AGE_BUCKETS[f.age]
        today = clock.today()
        # Sorted by amount, the page walks the amount index and checks the date on the
        # way: COALESCE keeps the planner from taking the date range and sorting all of
        # it (tests/test_query_plans.py). Sorted by age, the date range is the walk.
        day = (
            Claim.service_date
            if f.sort == "age"
            else fn.COALESCE(Claim.service_date, Claim.service_date)
        )
        query = query.where(day <= today - dt.timedelta(days=low))
        if high is not None:
            query = query.where(day >= today - dt.timedelta(days=high))
    return query


def _to_row(c: Claim, today: dt.date) -> ClaimRow:
    return ClaimRow(
        id=c.id,
        version=c.version,
        patient=f"{c.patient.last_name}, {c.patient.first_name}",
        payer=c.payer.name,
        service_date=c.service_date,
        age_days=(today - c.service_date).days,
        status=c.status,
        total_cents=c.total_cents,
        balance_cents=c.total_cents - c.paid_cents - c.adjusted_cents,
    )


@reader("claims.read")
def claims_page(
    actor: StaffMember, f: ClaimFilter, after: tuple | None = None, limit: int = 100
) -> ClaimPage:
    """One page of the worklist, by keyset: pass the previous page's ``next_after``.
    Cost does not grow with the size of the table."""
    check_limit(limit)
    query = (
        _filtered(f).select(Claim, Patient, Payer).join_from(Claim, Patient).join_from(Claim, Payer)
    )
    # Row-value keysets: one index range from the last row shown, flat at any depth (the
    # OR-expanded form read from the start of the range every page, issue 10).
    if f.sort == "amount":
        if after:
            amount, claim_id = after
            query = query.where(Tuple(Claim.total_cents, Claim.id) < Tuple(amount, claim_id))
        query = query.order_by(Claim.total_cents.desc(), Claim.id.desc())
    else:
        if after:
            day, claim_id = after
            query = query.where(
                Tuple(Claim.service_date, Claim.id)
                > Tuple(Claim.service_date.to_value(day), claim_id)
            )
        query = query.order_by(Claim.service_date, Claim.id)
    today = clock.today()
    rows = [_to_row(c, today) for c in query.limit(limit + 1)]
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = None
    if more:
        last = rows[-1]
        next_after = (
            (last.total_cents, last.id) if f.sort == "amount" else (last.service_date, last.id)
        )
    return ClaimPage(rows, next_after)


def _detail(c: Claim) -> ClaimDetail:
    lines = [
        ClaimLineInfo(
            ln.line_no,
            ln.procedure_code,
            ln.modifier,
            ln.diagnosis_codes,
            ln.units,
            ln.charge_cents,
        )
        for ln in c.lines.order_by(ClaimLine.line_no)
    ]
    history = [
        StatusChangeInfo(h.at, h.from_status, h.to_status, h.note, h.staff.short_name)
        for h in c.history.order_by(ClaimStatusChange.at.desc(), ClaimStatusChange.id.desc())
    ]
    provider = Provider.get_by_id(c.provider_id)
    return ClaimDetail(
        _to_row(c, clock.today()),
        provider.short_name,
        c.patient.mrn,
        lines,
        history,
        c.paid_cents,
        c.adjusted_cents,
    )


@writer("claims.read")
def open_claim(actor: StaffMember, claim_id: int) -> ClaimDetail:
    """A claim with its lines and status history (recorded as a chart access)."""
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id}")
    audit(actor, "claim.open", patient_id=c.patient_id, entity="claim", entity_id=c.id)
    return _detail(c)


@writer("claims.write")
def change_claim_status(
    actor: StaffMember, claim_id: int, version: int, status: str, note: str
) -> ClaimDetail:
    """Move a claim to *status* with a note saying why. Refuses an unknown or unchanged
    status, a blank note, and a claim someone else changed since it was opened."""
    if status not in STATUS_LABELS:
        raise ValidationError.one("status", "Choose a status from the list.")
    note = clean_text("note", note, max_len=500, required=True, label="Note")
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} status changed")
    if c.version != version:
        last = c.history.order_by(ClaimStatusChange.id.desc()).first()
        who = (
            f"{last.staff.short_name} at {clock.utc_to_local(last.at):%H:%M}"
            if last
            else "another user"
        )
        raise Conflict(f"Claim {c.id} was changed by {who}; it has been reloaded.")
    if status == c.status:
        raise ValidationError.one("status", f"The claim is already {STATUS_LABELS[status]}.")
    now = clock.now_utc()
    ClaimStatusChange.create(
        claim=c, from_status=c.status, to_status=status, note=note, staff=actor, at=now
    )
    audit(
        actor,
        "claim.status",
        patient_id=c.patient_id,
        entity="claim",
        entity_id=c.id,
        detail=f"{c.status} -> {status}: {note}",
    )
    claims_moved([(c.id, c.status, status)], actor, f"Claim {c.id} {c.status} -> {status}", c.id)
    c.status = status
    c.status_changed_at = now
    c.version += 1
    c.save()
    return _detail(c)


@writer("billing.writeoff")
def write_off_balance(actor: StaffMember, claim_id: int, version: int, reason: str) -> ClaimDetail:
    """Write off a claim's whole open balance as a posted adjustment (never edited later;
    a mistake is reversed by another entry). Refuses a claim with nothing open, a blank
    reason and a stale version."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} written off")
    if c.version != version:
        raise Conflict(f"Claim {c.id} was changed meanwhile; it has been reloaded.")
    balance = c.total_cents - c.paid_cents - c.adjusted_cents
    if balance <= 0:
        raise ValidationError.one("reason", f"Claim {c.id} has no open balance to write off.")
    ClaimAdjustment.create(claim=c, cents=balance, reason=reason, staff=actor, at=clock.now_utc())
    post_claim_posting(c, "write_off", balance, "", actor, reason)
    c.adjusted_cents += balance
    c.version += 1
    c.save()
    audit(
        actor,
        "claim.write_off",
        patient_id=c.patient_id,
        entity="claim",
        entity_id=c.id,
        detail=f"{format_money(balance)}: {reason}",
    )
    return _detail(c)
