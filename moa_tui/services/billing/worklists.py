"""The claims screen's worklists (issue 11 item 6): claims sent with no 835 after N days (a
clinic setting, 30 by default), denials grouped by reason code, by payer or by age, and claims
whose follow-up date has come. A follow-up date is set with a note, recorded in the claim's
status history (who, when, why) like every status change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import (
    Claim,
    ClaimPosting,
    ClaimStatusChange,
    ClinicSettings,
    Patient,
    Payer,
    RemittanceClaim,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..parsing import parse_minutes
from ..patients.privacy import require_access
from ..validate import check_limit, clean_text, parse_date

SENT = ("submitted", "accepted")
GROUPINGS = {"reason": "reason code", "payer": "payer", "age": "age"}
AGE_GROUPS = ((0, 30, "0-30 days"), (31, 60, "31-60 days"), (61, 90, "61-90 days"))


@dataclass(frozen=True)
class WorkRow:
    claim_id: int
    group: str  # the denial's reason code, payer or age band; "" on the other lists
    patient: str
    payer: str
    service_date: dt.date
    days: int  # since it was sent, denied or since the follow-up date
    status: str
    balance_cents: int
    note: str  # the denial's codes, or the follow-up date


def _base():
    return (
        Claim.select(Claim, Patient, Payer)
        .join(Patient, on=(Claim.patient == Patient.id))
        .switch(Claim)
        .join(Payer, on=(Claim.payer == Payer.id))
    )


def _row(c: Claim, today: dt.date, since: dt.date, group: str = "", note: str = "") -> WorkRow:
    return WorkRow(
        c.id, group, f"{c.patient.last_name}, {c.patient.first_name}", c.payer.name,
        c.service_date, (today - since).days, c.status,
        c.total_cents - c.paid_cents - c.adjusted_cents, note,
    )  # fmt: skip


def _local_day(at: dt.datetime) -> dt.date:
    return clock.utc_to_local(at).date()


@reader("claims.read")
def no_response_days(actor: StaffMember) -> int:
    """The N of "no response after N days" (the clinic's setting, 30 by default)."""
    days = ClinicSettings.select(ClinicSettings.no_response_days).scalar()
    return days if days else 30


@writer("billing.codes")
def set_no_response_days(actor: StaffMember, days: str) -> int:
    """Set N (1 to 365 days) for every terminal."""
    n = parse_minutes("days", days, 1, 365, "Enter a whole number of days from 1 to 365.")
    ClinicSettings.update(no_response_days=n, version=ClinicSettings.version + 1).execute()
    audit(actor, "claims.no_response_days", detail=str(n))
    return n


@reader("claims.read")
def no_response(actor: StaffMember, limit: int = 200) -> list[WorkRow]:
    """Claims sent (submitted or accepted) more than N days ago with no 835 answer,
    oldest first."""
    days = ClinicSettings.select(ClinicSettings.no_response_days).scalar() or 30
    cutoff = clock.now_utc() - dt.timedelta(days=days)
    answered = RemittanceClaim.select(RemittanceClaim.claim).where(
        RemittanceClaim.claim == Claim.id
    )
    query = (
        _base()
        .where(Claim.status.in_(SENT), Claim.status_changed_at <= cutoff, ~fn.EXISTS(answered))
        .order_by(Claim.status_changed_at, Claim.id)
        .limit(check_limit(limit))
    )
    today = clock.today()
    return [_row(c, today, _local_day(c.status_changed_at)) for c in query]


def _denial_codes(ids: list[int]) -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        found = ClaimPosting.select().where(
            ClaimPosting.claim << ids[start : start + 500], ClaimPosting.kind == "denial"
        )
        for p in found.order_by(ClaimPosting.id):
            for code in (f"{p.group_code}-{p.reason_code}", *p.remark_codes.split()):
                if code.strip("-") and code not in codes.setdefault(p.claim_id, []):
                    codes[p.claim_id].append(code)
    return codes


def _age_group(days: int) -> str:
    for low, high, label in AGE_GROUPS:
        if low <= days <= high:
            return label
    return "over 90 days"


@reader("claims.read")
def denials_by(actor: StaffMember, by: str, limit: int = 500) -> list[WorkRow]:
    """Denied claims grouped by their first reason code, their payer or the age of the
    denial; the groups in order (largest amount first), oldest denial first within one."""
    if by not in GROUPINGS:
        raise ValidationError.one("by", "Group denials by reason code, payer or age.")
    claims = list(
        _base()
        .where(Claim.status == "denied")
        .order_by(Claim.status_changed_at, Claim.id)
        .limit(check_limit(limit, maximum=5000))
    )
    codes = _denial_codes([c.id for c in claims])
    today = clock.today()
    rows = []
    for c in claims:
        since = _local_day(c.status_changed_at)
        mine = codes.get(c.id, [])
        if by == "reason":
            group = mine[0] if mine else "no code"
        elif by == "payer":
            group = c.payer.name
        else:
            group = _age_group((today - since).days)
        rows.append(_row(c, today, since, group, " ".join(mine)))
    totals: dict[str, int] = {}
    for r in rows:
        totals[r.group] = totals.get(r.group, 0) + r.balance_cents
    if by == "age":
        order = {label: n for n, (_l, _h, label) in enumerate(AGE_GROUPS)}
        rows.sort(key=lambda r: order.get(r.group, len(order)))
    else:
        rows.sort(key=lambda r: (-totals[r.group], r.group))
    return rows


@reader("claims.read")
def follow_ups_due(actor: StaffMember, limit: int = 200) -> list[WorkRow]:
    """Claims whose follow-up date is today or past, earliest first."""
    today = clock.today()
    query = (
        _base()
        .where(Claim.follow_up_on.is_null(False), Claim.follow_up_on <= today)
        .order_by(Claim.follow_up_on, Claim.id)
        .limit(check_limit(limit))
    )
    return [_row(c, today, c.follow_up_on, note=f"{c.follow_up_on:%m/%d/%Y}") for c in query]


@writer("claims.write")
def set_follow_up(actor: StaffMember, claim_id: int, version: int, day: str, note: str) -> int:
    """Set (or with a blank date, clear) a claim's follow-up date, with a note saying why,
    kept in its status history. Returns the claim's new version."""
    note = clean_text("note", note, max_len=400, required=True, label="Note")
    today = clock.today()
    when = parse_date("day", day, today=today, label="Follow-up date") if day.strip() else None
    if when is not None and when < today:
        raise ValidationError.one("day", "The follow-up date is in the past.")
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} follow-up")
    if c.version != version:
        raise Conflict(f"Claim {c.id} was changed meanwhile; it has been reloaded.")
    said = f"Follow up on {when:%m/%d/%Y}" if when else "Follow-up cleared"
    ClaimStatusChange.create(
        claim=c, from_status=c.status, to_status=c.status, note=f"{said}: {note}"[:500],
        staff=actor, at=clock.now_utc(),
    )  # fmt: skip
    Claim.update(follow_up_on=when, version=Claim.version + 1).where(Claim.id == c.id).execute()
    audit(actor, "claim.follow_up", patient_id=c.patient_id, entity="claim", entity_id=c.id,
          detail=f"{said}: {note}")  # fmt: skip
    return c.version + 1
