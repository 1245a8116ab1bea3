"""Disclosures of a patient's records (issue 12 items 9, 10): the log of records released
(to whom, what, why, when, by whom, the authorization on file), opened as the chart is
(every opening audited), and the accounting of disclosures HIPAA gives a patient
(45 CFR 164.528: up to six years back; disclosures for treatment, payment and health
care operations are left out, and the accounting says so) as a letter (PDF and text,
kept with the patient's letters) and as CSV, both through the one export path."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

from ...db.models import Disclosure, StaffMember
from ...text import csv_cell
from .. import clock
from ..comms.letters import letter_context, save_letter
from ..comms.templates import render
from ..core import audit, writer
from ..errors import ValidationError
from ..files import save_export
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
YEARS_BACK = 6  # HIPAA: the accounting covers up to six years before the request
DESCRIPTION_MAX = 500

ACCOUNTING_LETTER = (
    "{{ date.today }}\n\n{{ patient.name }}\n{{ patient.address }}\n"
    "{{ patient.city }}, {{ patient.state }} {{ patient.zip }}\n\n"
    "Re: Accounting of disclosures, {{ patient.name }}, DOB {{ patient.dob }}\n\n"
    "Dear {{ patient.first_name }},\n\n"
    "As you asked, these are the disclosures of your health information that\n"
    "{{ clinic.name }} made from {{ disclosures.since }} to {{ disclosures.until }}.\n\n"
    "{{ disclosures.list }}\n\n"
    "{{ disclosures.excluded }}\n\n"
    "If you have questions, call us at {{ clinic.phone }}.\n\n"
    "Sincerely,\nMedical records, {{ clinic.name }}\n{{ clinic.address }}\n"
)


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


@dataclasses.dataclass(frozen=True)
class Accounting:
    patient_id: int
    patient: str
    since: dt.date
    until: dt.date
    rows: list[DisclosureRow]  # what the patient is told (not TPO)
    excluded: int  # disclosures for treatment, payment or operations in the period
    text: str  # the letter


def _rows(query) -> list[DisclosureRow]:
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
    return _rows(Disclosure.select().where(Disclosure.id == d.id))[0]


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
    return _rows(query)


def _period(since: str | None, until: str | None) -> tuple[dt.date, dt.date]:
    today = clock.today()
    errors: dict[str, str] = {}
    start = end = None
    try:
        end = parse_date("until", until or "t", today=today, label="To")
    except ValidationError as exc:
        errors.update(exc.errors)
    if end and end > today:
        end = today
    try:
        if (since or "").strip():
            start = parse_date("since", since, today=today, label="From")
        elif end:
            start = _years_before(end, YEARS_BACK)
    except ValidationError as exc:
        errors.update(exc.errors)
    if start and end and start > end:
        errors["since"] = f"From {start:%m/%d/%Y} is after to {end:%m/%d/%Y}."
    if errors:
        raise ValidationError(errors)
    return start, end


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # Feb 29 in a year without one
        return day.replace(year=day.year - years, day=28)


@writer("patient.read", changes=())  # a writer: reading the record is audited
def disclosure_accounting(
    actor: StaffMember, patient_id: int, since: str | None = None, until: str | None = None
) -> Accounting:
    """The accounting of disclosures for the patient from *since* (blank: six years
    before *until*) to *until* (blank: today): every disclosure in the period except
    those for treatment, payment or operations, which are counted and said to be left
    out; and the letter to the patient."""
    start, end = _period(since, until)
    patient = require_access(actor, patient_id, "accounting of disclosures")
    query = (
        Disclosure.select()
        .where(
            (Disclosure.patient == patient.id)
            & (Disclosure.disclosed_on >= start)
            & (Disclosure.disclosed_on <= end)
        )
        .order_by(Disclosure.disclosed_on, Disclosure.id)
    )
    rows = _rows(query)
    told = [r for r in rows if not r.tpo]
    excluded = len(rows) - len(told)
    context = letter_context(patient)
    context["disclosures"] = {
        "since": f"{start:%m/%d/%Y}",
        "until": f"{end:%m/%d/%Y}",
        "list": "\n\n".join(_entry(r) for r in told) or "There were no such disclosures.",
        "excluded": (
            "Not listed, as the law allows: disclosures for your treatment, for payment\n"
            "and for our health care operations"
            + (f" ({excluded} in this period)." if excluded else ".")
        ),
    }
    text = render(ACCOUNTING_LETTER, context, field="text")
    audit(
        actor,
        "disclosures.accounting",
        patient_id=patient.id,
        entity="patient",
        entity_id=patient.id,
        detail=f"{start:%m/%d/%Y}-{end:%m/%d/%Y}: {len(told)} listed",
    )
    name = f"{patient.first_name} {patient.last_name}"
    return Accounting(patient.id, name, start, end, told, excluded, text)


def _entry(r: DisclosureRow) -> str:
    to = r.recipient + (f", {r.recipient_address}" if r.recipient_address else "")
    return (
        f"{r.disclosed_on:%m/%d/%Y}  To: {to}\n"
        f"  What: {r.description}\n  Why: {r.purpose_label}\n  Authorization: {r.authorization}"
        + "".join(f"\n  Released: {label}" for label in r.released)
    )


def save_accounting_letter(
    actor: StaffMember,
    patient_id: int,
    path: str,
    since: str | None = None,
    until: str | None = None,
    overwrite: bool = False,
) -> str:
    """The accounting as a letter: PDF and text through the letters' export path, kept
    with the patient's letters. Returns the PDF's path."""
    acc = disclosure_accounting(actor, patient_id, since, until)
    values = {"text": acc.text, "addressee": acc.patient, "via": "mail"}
    return save_letter(actor, patient_id, None, values, path, overwrite=overwrite)


CSV_HEADER = [
    "released_on",
    "recipient",
    "recipient_address",
    "what",
    "purpose",
    "authorization",
    "recorded_by",
    "recorded_at",
    "released",
]


def accounting_csv(acc: Accounting) -> bytes:
    """The accounting's disclosures as CSV (each cell safe for a spreadsheet)."""
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer)
    out.writerow(CSV_HEADER)
    for r in acc.rows:
        out.writerow(
            [
                f"{r.disclosed_on:%Y-%m-%d}",
                csv_cell(r.recipient),
                csv_cell(r.recipient_address),
                csv_cell(r.description),
                csv_cell(r.purpose_label),
                csv_cell(r.authorization),
                csv_cell(r.recorded_by),
                f"{r.recorded_at:%Y-%m-%d %H:%M}",
                csv_cell("; ".join(r.released)),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def export_accounting_csv(
    actor: StaffMember,
    patient_id: int,
    path: str,
    since: str | None = None,
    until: str | None = None,
    overwrite: bool = False,
) -> int:
    """The accounting's disclosures as a CSV file through files.save_export (owner-only,
    never over the database, an existing file only after the user agreed). Returns the
    number of rows."""
    acc = disclosure_accounting(actor, patient_id, since, until)
    save_export(
        actor,
        path,
        accounting_csv(acc),
        action="disclosures.csv",
        detail=f"accounting of disclosures, {len(acc.rows)} rows",
        overwrite=overwrite,
        patient_id=acc.patient_id,
    )
    return len(acc.rows)
