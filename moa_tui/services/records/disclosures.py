"""Disclosures of a patient's records (issue 12 items 9, 10): the log of records released
(to whom, what, why, when, by whom, the authorization on file), opened as the chart is
(every opening audited). The accounting of disclosures made from it for the patient is
accounting.py's."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ...db.models import Disclosure, StaffMember
from .. import clock
from ..core import audit, writer
from ..errors import ValidationError
from ..patients.privacy import require_access
from ..validate import clean_text, parse_date
from .releases import add_items, check_picks, released_labels

FIELDS = (
    "recipient_name",
    "recipient_org",
    "recipient_address",
    "description",
    "purpose",
    "purpose_note",
    "disclosed_on",
    "auth_ref",
    "auth_date",
)
PURPOSE_LABELS = {
    "treatment": "Treatment",
    "payment": "Payment",
    "operations": "Health care operations",
    "legal": "Legal (subpoena, order)",
    "patient_request": "At the patient's request",
    "other": "Other",
}
NOT_REQUIRED = "Not required (treatment, payment or operations)"
DESCRIPTION_MAX = 500


@dataclasses.dataclass(frozen=True)
class DisclosureRow:
    id: int
    disclosed_on: dt.date
    recipient: str  # name, organisation
    recipient_address: str
    description: str
    purpose: str  # the key
    purpose_label: str  # with the note for "other"
    authorization: str  # "ref, dated mm/dd/yyyy" or NOT_REQUIRED
    recorded_by: str
    recorded_at: dt.datetime  # local
    released: tuple[str, ...] = ()  # the documents and letters picked (releases.py)

    @property
    def tpo(self) -> bool:
        return self.purpose in Disclosure.TPO


def disclosure_rows(query) -> list[DisclosureRow]:
    found = list(query)
    labels = released_labels([d.id for d in found])
    return [_row(d, labels.get(d.id, ())) for d in found]


def _row(d: Disclosure, released=()) -> DisclosureRow:
    recipient = ", ".join(x for x in (d.recipient_name, d.recipient_org) if x)
    purpose = PURPOSE_LABELS.get(d.purpose, d.purpose)
    if d.purpose_note:
        purpose += f": {d.purpose_note}"
    if d.auth_ref:
        auth = d.auth_ref + (f", dated {d.auth_date:%m/%d/%Y}" if d.auth_date else "")
    else:
        auth = NOT_REQUIRED
    return DisclosureRow(
        d.id,
        d.disclosed_on,
        recipient,
        d.recipient_address,
        d.description,
        d.purpose,
        purpose,
        auth,
        d.recorded_by.full_name,
        clock.utc_to_local(d.recorded_at),
        tuple(released),
    )


def _check(values: dict) -> dict:
    """The disclosure's fields, checked; every bad one named at once."""
    if not isinstance(values, dict):
        raise ValidationError.one("recipient_name", "Nothing to save.")
    v = {k: values.get(k) for k in FIELDS}
    v = {k: (x if isinstance(x, str) or x is None else str(x)) for k, x in v.items()}
    errors: dict[str, str] = {}
    out: dict = {}
    today = clock.today()

    def take(key, check):
        try:
            out[key] = check()
        except ValidationError as exc:
            for field, message in exc.errors.items():
                errors.setdefault(field, message)

    take(
        "recipient_name",
        lambda: clean_text(
            "recipient_name", v["recipient_name"], max_len=120, required=True, label="Recipient"
        ),
    )
    if errors.get("recipient_name", "").endswith("is required."):
        errors["recipient_name"] = "Recipient is required: who received the records."
    take(
        "recipient_org",
        lambda: clean_text("recipient_org", v["recipient_org"], max_len=120, label="Organisation"),
    )
    take(
        "recipient_address",
        lambda: clean_text(
            "recipient_address", v["recipient_address"], max_len=300, label="Address"
        ),
    )
    take(
        "description",
        lambda: clean_text(
            "description", v["description"], max_len=DESCRIPTION_MAX, required=True, label="What"
        ),
    )
    purpose = (v["purpose"] or "").strip().lower().replace(" ", "_")
    if purpose not in Disclosure.PURPOSES:
        errors["purpose"] = "Why: " + ", ".join(PURPOSE_LABELS.values()).lower() + "."
    out["purpose"] = purpose
    take(
        "purpose_note",
        lambda: clean_text("purpose_note", v["purpose_note"], max_len=200, label="Purpose note"),
    )
    if purpose == "other" and not out.get("purpose_note") and "purpose_note" not in errors:
        errors["purpose_note"] = "Say what the other purpose was."
    take(
        "disclosed_on",
        lambda: parse_date(
            "disclosed_on", v["disclosed_on"] or "t", today=today, label="Released on"
        ),
    )
    if out.get("disclosed_on") and out["disclosed_on"] > today:
        errors["disclosed_on"] = "Records cannot be released after today."
    take(
        "auth_ref",
        lambda: clean_text("auth_ref", v["auth_ref"], max_len=120, label="Authorization"),
    )
    out["auth_date"] = None
    if (v["auth_date"] or "").strip():
        take(
            "auth_date",
            lambda: parse_date(
                "auth_date", v["auth_date"], today=today, label="Authorization date"
            ),
        )
        if out.get("auth_date") and out["auth_date"] > today:
            errors["auth_date"] = "The authorization cannot be dated after today."
    needs_auth = purpose in Disclosure.PURPOSES and purpose not in Disclosure.TPO
    if needs_auth and not out.get("auth_ref") and "auth_ref" not in errors:
        errors["auth_ref"] = (
            "Name the authorization (or the order or request) on file: only treatment, "
            "payment or operations need none."
        )
    if errors:
        raise ValidationError(errors)
    return out


@writer("patient.write", changes=())
def record_disclosure(
    actor: StaffMember, patient_id: int, values: dict, released: list[str] | None = None
) -> DisclosureRow:
    """Log records released: to whom (name required; organisation, address), what
    (required), why (a purpose; "other" says what), when (not after today), the
    authorization on file (required unless for treatment, payment or operations), and
    the patient's documents and letters released ("document:<id>", "letter:<id>"; what
    the release export writes). Nothing is written until every field is right."""
    v = _check(values)
    patient = require_access(actor, patient_id, "disclosures")
    docs, letters = check_picks(patient.id, released)
    d = Disclosure.create(patient=patient.id, recorded_by=actor, recorded_at=clock.now_utc(), **v)
    add_items(d, docs, letters)
    audit(
        actor,
        "disclosure.record",
        patient_id=patient.id,
        entity="disclosure",
        entity_id=d.id,
        detail=f"{v['purpose']} to {v['recipient_name']}"[:200]
        + (f", {len(docs)} documents and {len(letters)} letters" if docs or letters else ""),
    )
    return disclosure_rows(Disclosure.select().where(Disclosure.id == d.id))[0]


@writer("patient.read", changes=())  # a writer: every opening is audited, as the chart's
def patient_disclosures(actor: StaffMember, patient_id: int) -> list[DisclosureRow]:
    """The patient's disclosure log, the latest release first (at most 500 entries)."""
    patient = require_access(actor, patient_id, "disclosures")
    audit(actor, "disclosures.open", patient_id=patient.id, entity="patient", entity_id=patient.id)
    query = (
        Disclosure.select()
        .where(Disclosure.patient == patient.id)
        .order_by(Disclosure.disclosed_on.desc(), Disclosure.id.desc())
        .limit(500)
    )
    return disclosure_rows(query)
