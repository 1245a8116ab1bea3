"""The mail log (issue 12 items 4, 10): mail in and out with its date, from or to whom,
kind, what it is about (a patient, a claim or a vendor), who handled it and the outcome.
Returned mail about a patient marks the address as bad until someone records it fixed."""

from __future__ import annotations

import dataclasses

from ...db.models import Claim, MailItem, StaffMember
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import check_limit, clean_text, parse_date

MAIL_FIELDS = ("direction", "date", "party", "kind", "vendor", "outcome")
KIND_LABELS = {
    "payment": "Payment", "correspondence": "Correspondence", "claim": "Claim",
    "records_request": "Records request", "returned": "Returned mail",
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class MailRow:
    id: int
    direction: str
    date: str
    party: str
    kind: str
    about: str  # the patient's name, the claim's number or the vendor
    handled_by: str
    outcome: str
    address_bad: bool  # returned mail whose address is not fixed yet
    version: int


def _row(m: MailItem) -> MailRow:
    about = ""
    if m.patient_id:
        about = f"{m.patient.first_name} {m.patient.last_name}"
    elif m.claim_id:
        about = f"claim {m.claim_id}"
    elif m.vendor:
        about = m.vendor
    bad = m.kind == "returned" and m.patient_id is not None and m.address_fixed_at is None
    return MailRow(
        m.id, m.direction, m.mail_date.strftime("%m/%d/%Y"), m.party,
        KIND_LABELS.get(m.kind, m.kind), about, m.handled_by.full_name, m.outcome, bad, m.version,
    )  # fmt: skip


def address_returned(patient_id: int) -> MailItem | None:
    """The patient's returned mail whose address is not fixed yet (oldest), or None."""
    return (
        MailItem.select()
        .where(
            (MailItem.patient == patient_id)
            & (MailItem.kind == "returned")
            & MailItem.address_fixed_at.is_null()
        )
        .order_by(MailItem.id)
        .first()
    )


def _check(values: dict) -> dict:
    if not isinstance(values, dict):
        raise ValidationError.one("party", "Nothing to save.")
    v = {k: values.get(k) for k in MAIL_FIELDS}
    v = {k: (x if isinstance(x, str) or x is None else str(x)) for k, x in v.items()}
    errors: dict[str, str] = {}
    out: dict = {}
    direction = (v["direction"] or "in").strip().lower()
    if direction not in MailItem.DIRECTIONS:
        errors["direction"] = "In or out."
    out["direction"] = direction
    kind = (v["kind"] or "").strip().lower().replace(" ", "_")
    if kind not in MailItem.KINDS:
        errors["kind"] = "Kind: " + ", ".join(KIND_LABELS.values()).lower() + "."
    out["kind"] = kind
    today = clock.today()
    for key, check in (
        ("date", lambda: parse_date("date", v["date"] or "t", today=today, label="Date")),
        ("party", lambda: clean_text("party", v["party"], max_len=120, required=True,
                                     label="From/to")),
        ("vendor", lambda: clean_text("vendor", v["vendor"], max_len=80, label="Vendor")),
        ("outcome", lambda: clean_text("outcome", v["outcome"], max_len=300, label="Outcome")),
    ):  # fmt: skip
        try:
            out[key] = check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if "date" in out and out["date"] > today:
        errors["date"] = "Mail cannot be dated after today."
    if errors:
        raise ValidationError(errors)
    return out


@writer("comms.write", changes=())
def log_mail(
    actor: StaffMember, values: dict, patient_id: int | None = None, claim_id: int | None = None
) -> MailRow:
    """One piece of mail, handled by *actor*. Returned mail is mail that came back, about
    a patient: it marks the patient's address as bad until it is fixed."""
    v = _check(values)
    patient = claim = None
    if claim_id is not None:
        claim = get_or_refuse(Claim, claim_id, "claim")
        patient = require_access(actor, claim.patient_id, "mail log")
    if patient_id is not None:
        patient = require_access(actor, patient_id, "mail log")
    if v["kind"] == "returned":
        if patient is None:
            raise ValidationError.one("kind", "Returned mail needs the patient it was sent to.")
        if v["direction"] != "in":
            raise ValidationError.one("direction", "Returned mail comes in.")
    m = MailItem.create(
        direction=v["direction"], mail_date=v["date"], party=v["party"], kind=v["kind"],
        patient=patient, claim=claim, vendor=v["vendor"], outcome=v["outcome"],
        handled_by=actor, created_at=clock.now_utc(),
    )  # fmt: skip
    audit(actor, "mail.log", patient_id=patient.id if patient else None, entity="mail_item",
          entity_id=m.id, detail=f"{v['direction']} {v['kind']}")  # fmt: skip
    return _row(m)


@reader("comms.read")
def mail_log(actor: StaffMember, limit: int = 50) -> list[MailRow]:
    """The newest mail first (a patient shows by name, as every list of patients does)."""
    limit = check_limit(limit)
    rows = MailItem.select().order_by(MailItem.mail_date.desc(), MailItem.id.desc()).limit(limit)
    return [_row(m) for m in rows]


@writer("comms.read", changes=())  # a writer: a restricted record's read is audited
def patient_mail(actor: StaffMember, patient_id: int) -> list[MailRow]:
    """The patient's mail, newest first; a row with address_bad says the address is bad."""
    patient = require_access(actor, patient_id, "mail log")
    rows = MailItem.select().where(MailItem.patient == patient.id).order_by(MailItem.id.desc())
    return [_row(m) for m in rows]


@writer("patient.write", changes=())
def mark_address_fixed(actor: StaffMember, mail_id: int, version: int) -> MailRow:
    """The patient's address was corrected: the returned mail no longer marks it bad."""
    m = get_or_refuse(MailItem, mail_id, "mail")
    if m.kind != "returned" or m.patient_id is None:
        raise ValidationError.one("kind", "Only returned mail about a patient marks an address.")
    if m.address_fixed_at is not None:
        raise Conflict("That address was already marked fixed.")
    require_access(actor, m.patient_id, "mail log")
    n = (
        MailItem.update(address_fixed_at=clock.now_utc(), address_fixed_by=actor,
                        version=MailItem.version + 1)
        .where((MailItem.id == m.id) & (MailItem.version == version))
        .execute()
    )  # fmt: skip
    if n != 1:
        raise Conflict("Someone else changed this mail entry; it was reloaded.")
    audit(actor, "mail.address_fixed", patient_id=m.patient_id, entity="mail_item",
          entity_id=m.id)  # fmt: skip
    return _row(MailItem.get_by_id(m.id))
