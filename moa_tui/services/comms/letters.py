"""Letters to or about a patient from a template (issue 12 item 3): merge, edit, save as
PDF and text through files.save_export, and keep in the patient's record who wrote it,
when, to whom and how it was sent. Reading a patient's data into a letter is audited like
the chart (require_access for a restricted record, a letter event for every one)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ...db.models import (
    Appointment,
    ClinicSettings,
    Letter,
    LetterTemplate,
    Patient,
    Provider,
    StaffMember,
)
from ...text import latin1
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import ValidationError
from ..files import FileExists, export_target, save_export
from ..frontdesk.frontdesk import balance_of
from ..patients.privacy import require_access
from ..validate import clean_text, format_money, format_phone
from .mail import address_returned
from .templates import FIELDS, OUTPUT_MAX, clean_body, render, seed_templates

VIA_LABELS = {"mail": "Mail", "fax": "Fax", "email": "Email", "hand": "Handed over",
              "portal": "Portal"}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class LetterDraft:
    patient_id: int
    template_id: int
    template_name: str
    text: str
    warning: str = ""  # mail to the patient's address came back and it is not fixed yet
    addressee: str = ""  # who it is to, when known (a referral's other provider)
    via: str = ""  # how it goes, when known (fax, for a referral with a fax number)


@dataclasses.dataclass(frozen=True)
class LetterRow:
    id: int
    written_at: str
    template_name: str
    addressee: str
    via: str
    written_by: str
    file_name: str


def _date(d) -> str:
    return d.strftime("%m/%d/%Y") if d else ""


def letter_context(patient: Patient, appt: Appointment | None = None) -> dict[str, dict[str, str]]:
    """The merge fields for *patient*, plain strings only: *appt* (else the next booked
    visit, or the last one) and its provider, the account balance, the clinic and today."""
    appt = (
        appt
        or (
            Appointment.select()
            .where((Appointment.patient == patient.id) & (Appointment.status == "booked"))
            .order_by(Appointment.starts_at)
            .first()
        )
        or (
            Appointment.select()
            .where(Appointment.patient == patient.id)
            .order_by(Appointment.starts_at.desc())
            .first()
        )
    )
    provider = appt.provider if appt else Provider.select().where(Provider.active).first()
    clinic = ClinicSettings.select().first()
    phone = patient.phone_mobile or patient.phone_home or patient.phone_work
    cents = balance_of(patient.id)
    name = f"{patient.first_name} {patient.last_name}"
    return {
        "patient": {
            "name": name, "first_name": patient.preferred_name or patient.first_name,
            "last_name": patient.last_name, "mrn": patient.mrn, "dob": _date(patient.dob),
            "address": patient.address1, "city": patient.city, "state": patient.state,
            "zip": patient.zip, "phone": format_phone(phone) if phone else "",
        },
        "appointment": {
            "date": _date(appt.starts_at) if appt else "",
            "time": appt.starts_at.strftime("%-I:%M %p") if appt else "",
            "provider": appt.provider.full_name if appt else "",
            "type": appt.appt_type.name if appt else "",
        },
        "balance": {"amount": format_money(max(cents, 0)), "cents": str(cents)},
        "provider": {
            "name": provider.full_name if provider else "",
            "credentials": provider.credentials if provider else "",
            "npi": provider.npi if provider else "",
        },
        "clinic": {
            "name": clinic.name if clinic else "", "address": clinic.address if clinic else "",
            "phone": format_phone(clinic.phone) if clinic and clinic.phone else "",
        },
        "date": {"today": _date(clock.today())},
        "referral": dict.fromkeys(FIELDS["referral"], ""),  # a referral's letter fills it
    }  # fmt: skip


@writer("comms.write", changes=())  # a writer: reading the record into a letter is audited
def draft_letter(actor: StaffMember, patient_id: int, template_id: int) -> LetterDraft:
    """The template merged for the patient: the text the desk edits before saving."""
    patient = require_access(actor, patient_id, "letter")
    seed_templates()
    t = get_or_refuse(LetterTemplate, template_id, "template")
    text = render(t.body, letter_context(patient))
    audit(actor, "letter.draft", patient_id=patient.id, entity="letter_template",
          entity_id=t.id, detail=t.name)  # fmt: skip
    warning = ""
    if (returned := address_returned(patient.id)) is not None:
        warning = (
            f"Mail to this patient came back on {returned.mail_date:%m/%d/%Y}: the address is "
            "marked bad until it is fixed."
        )
    return LetterDraft(patient.id, t.id, t.name, text, warning)


def check_letter(values: dict) -> dict:
    """The letter's text, addressee and how it is sent, checked; errors by field."""
    if not isinstance(values, dict):
        raise ValidationError.one("text", "Nothing to save.")
    v = {k: values.get(k) for k in ("text", "addressee", "via")}
    v = {k: (x if isinstance(x, str) or x is None else str(x)) for k, x in v.items()}
    errors: dict[str, str] = {}
    out: dict = {}
    for key, check in (
        ("text", lambda: clean_body("text", v["text"], max_len=OUTPUT_MAX, label="Letter")),
        ("addressee", lambda: clean_text("addressee", v["addressee"], max_len=300,
                                         label="Addressee")),
    ):  # fmt: skip
        try:
            out[key] = check()
        except ValidationError as exc:
            errors.update(exc.errors)
    via = (v["via"] or "mail").strip().lower()
    if via not in Letter.VIA:
        errors["via"] = "Sent by: " + ", ".join(Letter.VIA) + "."
    out["via"] = via
    if errors:
        raise ValidationError(errors)
    return out


@writer("comms.write", changes=())
def _may_write_letter(actor: StaffMember, patient_id: int) -> int:
    """The patient's id once the account may write a letter about them."""
    return require_access(actor, patient_id, "letter").id


@writer("comms.write", changes=())
def record_letter(
    actor: StaffMember, patient_id: int, template_id: int | None, values: dict, file_name: str
) -> LetterRow:
    """Keep the letter in the patient's record (after its files were written)."""
    v = check_letter(values)
    patient = require_access(actor, patient_id, "letter")
    t = None
    if template_id is not None:
        t = get_or_refuse(LetterTemplate, template_id, "template")
    letter = Letter.create(
        patient=patient, template=t, template_name=t.name if t else "", addressee=v["addressee"],
        body=v["text"], via=v["via"], file_name=str(file_name)[:500], written_by=actor,
        written_at=clock.now_utc(),
    )  # fmt: skip
    audit(actor, "letter.write", patient_id=patient.id, entity="letter", entity_id=letter.id,
          detail=f"{letter.template_name or 'letter'} by {v['via']}")  # fmt: skip
    return _letter_row(letter)


def _letter_row(x: Letter) -> LetterRow:
    return LetterRow(
        x.id, x.written_at.strftime("%m/%d/%Y %H:%M"), x.template_name, x.addressee,
        VIA_LABELS.get(x.via, x.via), x.written_by.full_name, x.file_name,
    )  # fmt: skip


@writer("comms.read", changes=())  # a writer: a restricted record's read is audited
def patient_letters(actor: StaffMember, patient_id: int) -> list[LetterRow]:
    """The patient's letters, newest first."""
    patient = require_access(actor, patient_id, "letters")
    rows = Letter.select().where(Letter.patient == patient.id).order_by(Letter.id.desc())
    return [_letter_row(x) for x in rows]


# Paper -> (page size in mm, margin, font size, line height): a letter, or a 6 x 4 inch
# postcard (a reminder batch).
PAPER = {"letter": ("letter", 25, 11, 6), "postcard": ((101.6, 152.4), 8, 8, 3.6)}


def letter_pdf(text: str) -> bytes:
    """The letter on US letter paper, wrapped to the margins (Latin-1 text)."""
    return letters_pdf([text])


def letters_pdf(texts: list[str], paper: str = "letter") -> bytes:
    """One PDF with each text on a page of its own (more if a text is longer), on letter
    paper or postcards (PAPER)."""
    from fpdf import FPDF

    size, margin, font, line_height = PAPER[paper]
    pdf = FPDF(orientation="landscape" if paper == "postcard" else "portrait", format=size)
    pdf.set_auto_page_break(True, margin=margin if paper == "postcard" else 20)
    pdf.set_margins(margin, margin, margin)
    for text in texts:
        pdf.add_page()
        pdf.set_font("Helvetica", size=font)
        for line in text.split("\n"):
            if line.strip():
                pdf.multi_cell(0, line_height, latin1(line), new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(line_height)
    return bytes(pdf.output())


def save_letter(
    actor: StaffMember,
    patient_id: int,
    template_id: int | None,
    values: dict,
    path: str,
    overwrite: bool = False,
) -> str:
    """Write the letter as PDF (*path*, ".pdf" added when missing) and as text beside it
    (".txt"), through save_export, then keep it in the patient's record. Returns the PDF's
    path. Bad text or addressee is refused before any file is written; either file being
    there already raises FileExists (the dialog asks; *overwrite* replaces both)."""
    v = check_letter(values)
    pid = _may_write_letter(actor, patient_id)
    raw = str(path or "").strip()
    if not raw:
        raise ValidationError.one("path", "File name is required.")
    pdf_path = raw if raw.lower().endswith(".pdf") else raw + ".pdf"
    head = f"To: {v['addressee']}\n\n" if v["addressee"] else ""
    beside = export_target(pdf_path).with_suffix(".txt")
    if beside.exists() and not overwrite:  # both files are replaced, or neither is written
        raise FileExists(beside)
    written = save_export(
        actor, pdf_path, letter_pdf(v["text"]), action="letter.pdf", detail="letter",
        overwrite=overwrite, patient_id=pid,
    )  # fmt: skip
    save_export(
        actor, str(Path(written).with_suffix(".txt")),
        (head + v["text"]).encode("utf-8"), action="letter.txt", detail="letter",
        overwrite=True, patient_id=pid,
    )  # fmt: skip
    record_letter(actor, pid, template_id, v, str(written))
    return str(written)
