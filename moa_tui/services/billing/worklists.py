"""The claims screen's worklists (issue 11 item 6): claims sent with no 835 after N days (a
clinic setting, 30 by default), denials grouped by reason code, by payer or by age, and claims
whose follow-up date has come. A follow-up date is set with a note, recorded in the claim's
status history (who, when, why) like every status change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Tuple, fn

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
OVER_90 = "over 90 days"
NO_CODE = "no code"


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

    @property
    def id(self) -> int:  # the list's key, as other keyset lists' rows have
        return self.claim_id


@dataclass(frozen=True)
class WorkPage:
    rows: list[WorkRow]
    next_after: tuple | None  # pass it back for the next page; None at the end


@dataclass(frozen=True)
class WorkGroup:
    key: str  # what denials_page takes: a payer id, a reason code or an age band
    label: str
    claims: int
    balance_cents: int


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


def _midnight_utc(day: dt.date) -> dt.datetime:
    return clock.local_to_utc(dt.datetime.combine(day, dt.time()))


def _open(query) -> tuple[int, int]:
    """(claims, open balance) of a claims query, summed in the database."""
    count, balance = (
        query.select(
            fn.COUNT(Claim.id),
            fn.SUM(Claim.total_cents - Claim.paid_cents - Claim.adjusted_cents),
        )
        .tuples()
        .get()
    )
    return int(count or 0), int(balance or 0)


def _page(claims: list[Claim], limit: int, key, make) -> WorkPage:
    more = len(claims) > limit
    claims = claims[:limit]
    return WorkPage([make(c) for c in claims], key(claims[-1]) if more else None)


def _after(column, after: tuple | None):
    """The keyset condition after the last row shown, as a row value (one index range)."""
    if after is None:
        return True
    kind = dt.datetime if column is Claim.status_changed_at else dt.date
    try:
        value, claim_id = after
        if isinstance(value, str):
            value = kind.fromisoformat(value)
        if not isinstance(value, kind):
            raise TypeError(value)
        claim_id = int(claim_id)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValidationError.one("after", "That is not a page of this list.") from exc
    return Tuple(column, Claim.id) > Tuple(column.to_value(value), claim_id)


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


def _no_response(status: str):
    days = ClinicSettings.select(ClinicSettings.no_response_days).scalar() or 30
    cutoff = clock.now_utc() - dt.timedelta(days=days)
    answered = RemittanceClaim.select(RemittanceClaim.claim).where(
        RemittanceClaim.claim == Claim.id
    )
    return Claim.status == status, Claim.status_changed_at <= cutoff, ~fn.EXISTS(answered)


@reader("claims.read")
def no_response(actor: StaffMember, after: tuple | None = None, limit: int = 100) -> WorkPage:
    """Claims sent (submitted or accepted) more than N days ago with no 835 answer, oldest
    first, a keyset page at a time: each status is one range of the (status, sent, id)
    index, the two merged here (an IN of both would sort every sent claim)."""
    check_limit(limit)
    claims: list[Claim] = []
    for status in SENT:
        claims += list(
            _base()
            .where(*_no_response(status), _after(Claim.status_changed_at, after))
            .order_by(Claim.status_changed_at, Claim.id)
            .limit(limit + 1)
        )
    claims.sort(key=lambda c: (c.status_changed_at, c.id))
    today = clock.today()
    return _page(
        claims, limit, lambda c: (c.status_changed_at, c.id),
        lambda c: _row(c, today, _local_day(c.status_changed_at)),
    )  # fmt: skip


@reader("claims.read")
def no_response_total(actor: StaffMember) -> tuple[int, int]:
    """(claims, open balance) of the whole no-response list."""
    count = balance = 0
    for status in SENT:
        n, cents = _open(Claim.select().where(*_no_response(status)))
        count, balance = count + n, balance + cents
    return count, balance


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


def _age_range(label: str) -> tuple:
    """The denials of one age band, as a range of the day they were denied."""
    today = clock.today()
    for low, high, name in AGE_GROUPS:
        if name == label:
            return (
                Claim.status_changed_at >= _midnight_utc(today - dt.timedelta(days=high)),
                Claim.status_changed_at < _midnight_utc(today - dt.timedelta(days=low - 1)),
            )
    if label == OVER_90:
        return (Claim.status_changed_at < _midnight_utc(today - dt.timedelta(days=90)),)
    raise ValidationError.one("group", "Choose a group from the list.")


def _grouping(by: str) -> None:
    if by not in GROUPINGS:
        raise ValidationError.one("by", "Group denials by reason code, payer or age.")


@reader("claims.read")
def denial_groups(actor: StaffMember, by: str) -> list[WorkGroup]:
    """The denied claims' groups by reason code (the first denial's, kept on the claim),
    payer or age of the denial, each with its claims and open balance: the largest balance
    first, ages in order. Summed in the database from indexes that hold the amounts."""
    _grouping(by)
    denied = Claim.select().where(Claim.status == "denied")
    if by == "age":
        groups = [(label, _open(denied.where(*_age_range(label)))) for *_r, label in AGE_GROUPS]
        groups.append((OVER_90, _open(denied.where(*_age_range(OVER_90)))))
        return [WorkGroup(k, k, n, cents) for k, (n, cents) in groups if n]
    balance = fn.SUM(Claim.total_cents - Claim.paid_cents - Claim.adjusted_cents)
    if by == "payer":
        names = dict(Payer.select(Payer.id, Payer.name).tuples())
        found = [
            WorkGroup(str(payer), names.get(payer, "?"), int(n), int(cents or 0))
            for payer, n, cents in denied.select(Claim.payer, fn.COUNT(Claim.id), balance)
            .group_by(Claim.payer)
            .tuples()
        ]
    else:
        found = [
            WorkGroup(code or NO_CODE, code or NO_CODE, int(n), int(cents or 0))
            for code, n, cents in denied.select(Claim.denial_code, fn.COUNT(Claim.id), balance)
            .group_by(Claim.denial_code)
            .tuples()
        ]
    return sorted(found, key=lambda g: (-g.balance_cents, g.label))


@reader("claims.read")
def denials_page(
    actor: StaffMember, by: str, group: str, after: tuple | None = None, limit: int = 100
) -> WorkPage:
    """One group's denied claims (see denial_groups), oldest denial first, a keyset page at
    a time: a range of the (status, denied, id) index, the group tested on the way."""
    _grouping(by)
    check_limit(limit)
    group = clean_text("group", group, max_len=40, label="Group")
    query = _base().where(Claim.status == "denied", _after(Claim.status_changed_at, after))
    if by == "age":
        query = query.where(*_age_range(group))
    elif by == "payer":
        if not group.isdigit():
            raise ValidationError.one("group", "Choose a payer from the list.")
        # Tested on the walk of denials in order (+ 0: the payer's own indexes would
        # fetch all of that payer's denials and sort them).
        query = query.where(Claim.payer + 0 == int(group))
    elif group == NO_CODE:
        query = query.where(Claim.denial_code.is_null())
    else:
        query = query.where(Claim.denial_code == group)
    claims = list(query.order_by(Claim.status_changed_at, Claim.id).limit(limit + 1))
    codes = _denial_codes([c.id for c in claims[:limit]])
    today = clock.today()
    return _page(
        claims, limit, lambda c: (c.status_changed_at, c.id),
        lambda c: _row(c, today, _local_day(c.status_changed_at), group,
                       " ".join(codes.get(c.id, []))),
    )  # fmt: skip


def _due():
    return Claim.follow_up_on.is_null(False), Claim.follow_up_on <= clock.today()


@reader("claims.read")
def follow_ups_due(actor: StaffMember, after: tuple | None = None, limit: int = 100) -> WorkPage:
    """Claims whose follow-up date is today or past, earliest first, a keyset page at a
    time (a range of the (follow-up, id) index)."""
    check_limit(limit)
    claims = list(
        _base()
        .where(*_due(), _after(Claim.follow_up_on, after))
        .order_by(Claim.follow_up_on, Claim.id)
        .limit(limit + 1)
    )
    today = clock.today()
    return _page(
        claims, limit, lambda c: (c.follow_up_on, c.id),
        lambda c: _row(c, today, c.follow_up_on, note=f"{c.follow_up_on:%m/%d/%Y}"),
    )  # fmt: skip


@reader("claims.read")
def follow_ups_total(actor: StaffMember) -> tuple[int, int]:
    """(claims, open balance) of every follow-up due."""
    return _open(Claim.select().where(*_due()))


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
