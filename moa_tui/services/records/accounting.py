"""The accounting of disclosures HIPAA gives a patient (issue 12 item 9; 45 CFR 164.528):
up to six years back; disclosures for treatment, payment and health care operations are
left out, and the accounting says so. As a letter (PDF and text, kept with the patient's
letters) and as CSV, both through the one export path. The log it reads is
disclosures.py's."""

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
from ..validate import parse_date
from .disclosures import DisclosureRow, disclosure_rows

YEARS_BACK = 6  # HIPAA: the accounting covers up to six years before the request

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
class Accounting:
    patient_id: int
    patient: str
    since: dt.date
    until: dt.date
    rows: list[DisclosureRow]  # what the patient is told (not TPO)
    excluded: int  # disclosures for treatment, payment or operations in the period
    text: str  # the letter


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
    rows = disclosure_rows(query)
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
