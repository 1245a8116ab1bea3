"""Referrals in and out (issue 12 item 6): the patient, the direction, the status, the
other provider (name, NPI with its check digit, phone, fax), the reason with an optional
ICD-10-CM code from the billing code table, our provider, the dates and notes. The office's
open referrals are one keyset-paged list, oldest first (the ones to chase)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Tuple

from ...db.models import Patient, Provider, Referral, StaffMember
from .. import clock
from ..billing.charges import check_diagnosis
from ..billing.setup import parse_npi
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import (
    check_limit,
    clean_text,
    format_phone,
    is_whole_number,
    parse_date,
    parse_phone,
)
from ..wording import date_text

REFERRAL_FIELDS = (
    "direction", "status", "other_name", "other_npi", "other_phone", "other_fax", "reason",
    "diagnosis", "provider", "referred_on", "seen_on", "notes",
)  # fmt: skip
DIRECTION_LABELS = {"out": "Out", "in": "In"}
STATUS_LABELS = {
    "draft": "Draft", "sent": "Sent", "received": "Received", "scheduled": "Scheduled",
    "completed": "Completed", "cancelled": "Cancelled", "denied": "Denied",
}  # fmt: skip
# An outgoing referral is written (draft) and sent; an incoming one is received.
STATUSES_BY_DIRECTION = {
    "out": ("draft", "sent", "scheduled", "completed", "cancelled", "denied"),
    "in": ("received", "scheduled", "completed", "cancelled", "denied"),
}


@dataclass(frozen=True)
class ReferralRow:
    id: int
    patient_id: int
    patient: str  # "Last, First"
    direction: str
    status: str
    other_name: str
    other_npi: str
    other_phone: str  # 555-201-3344, or ""
    other_fax: str
    reason: str
    diagnosis: str
    provider_id: int | None
    provider: str  # our provider's short name, or ""
    referred_on: dt.date
    seen_on: dt.date | None
    notes: str
    version: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in Referral.OPEN

    def values(self) -> dict[str, str]:
        """The row as the form types it (so saving it unchanged changes nothing)."""
        return {
            "direction": self.direction, "status": self.status, "other_name": self.other_name,
            "other_npi": self.other_npi, "other_phone": self.other_phone,
            "other_fax": self.other_fax, "reason": self.reason, "diagnosis": self.diagnosis,
            "provider": str(self.provider_id or ""), "referred_on": date_text(self.referred_on),
            "seen_on": date_text(self.seen_on) if self.seen_on else "", "notes": self.notes,
        }  # fmt: skip


@dataclass(frozen=True)
class ReferralPage:
    rows: list[ReferralRow]
    next_after: tuple | None  # pass back as *after* for the next page; None at the end


def _row(r: Referral) -> ReferralRow:
    p = r.patient
    return ReferralRow(
        r.id, p.id, f"{p.last_name}, {p.first_name}", r.direction, r.status, r.other_name,
        r.other_npi, format_phone(r.other_phone), format_phone(r.other_fax), r.reason,
        r.diagnosis_code, r.provider_id, r.provider.short_name if r.provider_id else "",
        r.referred_on, r.seen_on, r.notes, r.version,
    )  # fmt: skip


def _provider(text: str) -> Provider | None:
    """Our provider from the form's choice (an id), or None when left blank."""
    text = text.strip()
    if not text:
        return None
    found = Provider.get_or_none(Provider.id == int(text)) if is_whole_number(text, 18) else None
    if found is None:
        raise ValidationError.one("provider", "Choose one of the practice's providers.")
    return found


def check_referral(values: dict) -> dict:
    """The referral's fields as typed, checked: errors by field (every field at once)."""
    if not isinstance(values, dict):
        raise ValidationError.one("other_name", "Nothing to save.")
    v = {k: values.get(k) for k in REFERRAL_FIELDS}
    v = {k: (x if isinstance(x, str) else "" if x is None else str(x)) for k, x in v.items()}
    errors: dict[str, str] = {}
    out: dict = {}
    direction = v["direction"].strip().lower() or "out"
    if direction not in Referral.DIRECTIONS:
        errors["direction"] = "Out (we refer the patient) or in (referred to us)."
    out["direction"] = direction
    allowed = STATUSES_BY_DIRECTION.get(direction, Referral.STATUSES)
    status = v["status"].strip().lower() or allowed[0]
    if status not in allowed:
        errors["status"] = "Status: " + ", ".join(allowed) + "."
    out["status"] = status
    today = clock.today()
    checks = {
        "other_name": lambda t: clean_text("other_name", t, max_len=120, required=True,
                                           label="Referred to/from"),
        "other_npi": lambda t: parse_npi("other_npi", t, "NPI") if t.strip() else "",
        "other_phone": lambda t: parse_phone("other_phone", t, label="Phone"),
        "other_fax": lambda t: parse_phone("other_fax", t, label="Fax"),
        "reason": lambda t: clean_text("reason", t, max_len=300, required=True, label="Reason"),
        "diagnosis": lambda t: check_diagnosis(t).code if t.strip() else "",
        "provider": _provider,
        "referred_on": lambda t: parse_date("referred_on", t or "t", today=today,
                                            label="Referred on"),
        "seen_on": lambda t: parse_date("seen_on", t, today=today, label="Visit date")
        if t.strip() else None,
        "notes": lambda t: clean_text("notes", t, max_len=1000, label="Notes"),
    }  # fmt: skip
    for key, check in checks.items():
        try:
            out[key] = check(v[key])
        except ValidationError as exc:
            errors[key] = next(iter(exc.errors.values()))  # (check_diagnosis says "code")
    if "referred_on" in out and out["referred_on"] > today:
        errors["referred_on"] = "A referral cannot be dated after today."
    if out.get("seen_on") and "referred_on" in out and out["seen_on"] < out["referred_on"]:
        errors["seen_on"] = "The visit cannot be before the referral."
    if status in ("scheduled", "completed") and "seen_on" in out and out["seen_on"] is None:
        errors["seen_on"] = f"{STATUS_LABELS[status]}: say when the visit is (or was)."
    if errors:
        raise ValidationError(errors)
    return out


@writer("patient.write")
def save_referral(
    actor: StaffMember,
    patient_id: int,
    referral_id: int | None,
    version: int | None,
    values: dict,
) -> ReferralRow:
    """A new referral for the patient (*referral_id* None) or a change to one at *version*
    (a stale edit is refused, naming who changed it and when)."""
    v = check_referral(values)
    patient = require_access(actor, patient_id, "referrals")
    now = clock.now_utc()
    fields = dict(
        direction=v["direction"], status=v["status"], is_open=v["status"] in Referral.OPEN,
        other_name=v["other_name"], other_npi=v["other_npi"], other_phone=v["other_phone"],
        other_fax=v["other_fax"], reason=v["reason"], diagnosis_code=v["diagnosis"],
        provider=v["provider"], referred_on=v["referred_on"], seen_on=v["seen_on"],
        notes=v["notes"], updated_by=actor, updated_at=now,
    )  # fmt: skip
    if referral_id is None:
        r = Referral.create(patient=patient, created_by=actor, created_at=now, **fields)
        action = "referral.create"
    else:
        r = get_or_refuse(Referral, referral_id, "referral")
        if r.patient_id != patient.id:
            raise ValidationError.one("other_name", "That referral is another patient's.")
        n = (
            Referral.update(version=Referral.version + 1, **fields)
            .where((Referral.id == r.id) & (Referral.version == version))
            .execute()
        )
        if n != 1:
            raise Conflict(changed_by(r))
        action = "referral.update"
    audit(actor, action, patient_id=patient.id, entity="referral", entity_id=r.id,
          detail=f"{v['direction']} {v['status']}: {v['other_name']}")  # fmt: skip
    return _row(Referral.get_by_id(r.id))


def changed_by(record) -> str:
    """'Changed by M. Diaz at 10:42; it was reloaded.' for a stale edit of *record*."""
    who = record.updated_by.short_name if record.updated_by_id else "someone"
    at = clock.utc_to_local(record.updated_at)
    return f"Changed by {who} at {at:%H:%M} since you opened it; it was reloaded."


@writer("patient.read", changes=())  # a writer: a restricted record's read is audited
def patient_referrals(actor: StaffMember, patient_id: int) -> list[ReferralRow]:
    """The patient's referrals, newest first."""
    patient = require_access(actor, patient_id, "referrals")
    rows = (
        Referral.select(Referral, Patient)
        .join(Patient)
        .where(Referral.patient == patient.id)
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
    )
    return [_row(r) for r in rows]


@reader("patient.read")
def open_referrals(actor: StaffMember, after: tuple | None = None, limit: int = 50) -> ReferralPage:
    """The office's open referrals (draft, sent, received, scheduled), the oldest first,
    a keyset page at a time: pass the previous page's ``next_after``. One range of the
    (is_open, referred_on) index at any depth. A list of many patients shows the name,
    as every such list does; opening one is the patient's own (checked) list."""
    check_limit(limit)
    query = (
        Referral.select(Referral, Patient).join(Patient).where(Referral.is_open == True)  # noqa: E712 (peewee builds SQL from ==)
    )
    if after:
        day, referral_id = after
        query = query.where(
            Tuple(Referral.referred_on, Referral.id)
            > Tuple(Referral.referred_on.to_value(day), referral_id)
        )
    rows = [_row(r) for r in query.order_by(Referral.referred_on, Referral.id).limit(limit + 1)]
    more = len(rows) > limit
    rows = rows[:limit]
    return ReferralPage(rows, (rows[-1].referred_on, rows[-1].id) if more else None)
