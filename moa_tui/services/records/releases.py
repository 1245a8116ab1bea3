"""What a disclosure released (issue 12 item 9): the patient's filed documents and letters
picked when the release is logged (disclosure_item), named in the log and the accounting,
and the export of the release: one archive (.zip, written owner-only through
files.save_export, never over the database) with the cover letter (the "Records release
cover letter" template, PDF and text, its enclosures listed) and the released files, each
document's checksum verified on the way out. Each document and letter released is audited
as disclosed, and the cover letter is kept with the patient's letters."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from ...db.models import (
    Disclosure,
    DisclosureItem,
    DocumentBlob,
    Letter,
    LetterTemplate,
    Patient,
    PatientDocument,
    StaffMember,
)
from ...text import printable
from .. import clock
from ..comms.letters import letter_context, letter_pdf
from ..comms.templates import DEFAULTS, render, seed_templates
from ..core import audit, get_or_refuse, writer
from ..errors import ServiceError, ValidationError
from ..files import save_export
from .common import read_chart
from .documents import KIND_LABELS

COVER_TEMPLATE = "Records release cover letter"
CHOICES_MAX = 200  # the newest documents and letters offered for a release, of each
PICKS_MAX = 200
FIELD = "released"  # the field a bad pick is named against


@dataclasses.dataclass(frozen=True)
class ReleaseChoice:
    key: str  # "document:<id>" or "letter:<id>"
    kind: str  # "Document" or "Letter"
    label: str


def document_label(d: PatientDocument) -> str:
    what = d.description or d.file_name
    return f"{KIND_LABELS.get(d.kind, d.kind)} {d.doc_date:%m/%d/%Y}: {what}"


def letter_label(x: Letter) -> str:
    to = f" to {x.addressee}" if x.addressee else ""
    return f"Letter {clock.utc_to_local(x.written_at):%m/%d/%Y}: {x.template_name or 'letter'}{to}"


@writer("patient.read", changes=())  # a writer: reading the chart's list is audited
def release_choices(actor: StaffMember, patient_id: int) -> list[ReleaseChoice]:
    """The patient's filed documents, then their letters, newest first: what a release
    may pick."""
    patient = read_chart(actor, patient_id, "documents and letters to release")
    docs = (
        PatientDocument.select()
        .where(PatientDocument.patient == patient.id)
        .order_by(PatientDocument.doc_date.desc(), PatientDocument.id.desc())
        .limit(CHOICES_MAX)
    )
    letters = (
        Letter.select()
        .where(Letter.patient == patient.id)
        .order_by(Letter.written_at.desc(), Letter.id.desc())
        .limit(CHOICES_MAX)
    )
    return [ReleaseChoice(f"document:{d.id}", "Document", document_label(d)) for d in docs] + [
        ReleaseChoice(f"letter:{x.id}", "Letter", letter_label(x)) for x in letters
    ]


def check_picks(
    patient_id: int, picked: Iterable[str] | None
) -> tuple[list[PatientDocument], list[Letter]]:
    """The documents and letters *picked* ("document:<id>", "letter:<id>"), each the
    patient's own; anything else is refused beside the released field."""
    if picked is None:
        return [], []
    if isinstance(picked, str | bytes) or not isinstance(picked, Iterable):
        raise ValidationError.one(FIELD, "Pick documents or letters from the list.")
    picks = list(picked)
    if len(picks) > PICKS_MAX:
        raise ValidationError.one(FIELD, f"A release takes {PICKS_MAX} items at most.")
    ids: dict[str, list[int]] = {"document": [], "letter": []}
    for pick in picks:
        kind, _, number = pick.partition(":") if isinstance(pick, str) else ("", "", "")
        if kind not in ids or not (number.isascii() and number.isdigit() and len(number) < 12):
            raise ValidationError.one(FIELD, "Pick documents or letters from the list.")
        if int(number) not in ids[kind]:
            ids[kind].append(int(number))
    docs = list(PatientDocument.select().where(PatientDocument.id.in_(ids["document"] or [0])))
    letters = list(Letter.select().where(Letter.id.in_(ids["letter"] or [0])))
    if len(docs) != len(ids["document"]) or len(letters) != len(ids["letter"]):
        raise ValidationError.one(FIELD, "Something picked is no longer on file.")
    if any(x.patient_id != patient_id for x in [*docs, *letters]):
        raise ValidationError.one(FIELD, "Only this patient's documents and letters.")
    order = {f"document:{d}": i for i, d in enumerate(ids["document"])}
    docs.sort(key=lambda d: order[f"document:{d.id}"])
    letters.sort(key=lambda x: ids["letter"].index(x.id))
    return docs, letters


def add_items(disclosure: Disclosure, docs: list[PatientDocument], letters: list[Letter]) -> None:
    """Link what was released to the disclosure (inside the caller's transaction)."""
    for d in docs:
        DisclosureItem.create(disclosure=disclosure, document=d)
    for x in letters:
        DisclosureItem.create(disclosure=disclosure, letter=x)


def released_labels(disclosure_ids: list[int]) -> dict[int, list[str]]:
    """What each disclosure released, as the log and the accounting name it."""
    out: dict[int, list[str]] = {}
    if not disclosure_ids:
        return out
    items = (
        DisclosureItem.select()
        .where(DisclosureItem.disclosure.in_(disclosure_ids))
        .order_by(DisclosureItem.id)
    )
    for item in items:
        label = document_label(item.document) if item.document_id else letter_label(item.letter)
        out.setdefault(item.disclosure_id, []).append(label)
    return out


@dataclasses.dataclass(frozen=True)
class ReleaseBundle:
    disclosure_id: int
    patient_id: int
    recipient: str
    cover: str  # the cover letter's text, its enclosures listed
    files: list[tuple[str, bytes]]  # (name in the archive, bytes), in the cover's order


def _safe_name(name: str) -> str:
    text = printable(name).replace("/", "_").replace("\\", "_").strip().lstrip(".")
    return text[:100] or "document"


def _cover(patient: Patient, d: Disclosure, listed: list[str]) -> str:
    seed_templates()
    template = LetterTemplate.get_or_none(
        (LetterTemplate.name == COVER_TEMPLATE) & LetterTemplate.active
    )
    body = template.body if template else DEFAULTS[COVER_TEMPLATE]
    to = [d.recipient_name, d.recipient_org, d.recipient_address]
    head = "\n".join(x for x in to if x)
    enclosed = "\n".join(f"  {n}. {label}" for n, label in enumerate(listed, 1))
    return f"{head}\n\n{render(body, letter_context(patient), field='text').rstrip()}\n\n" + (
        f"Enclosures ({len(listed)}):\n{enclosed}\n"
    )


def _release(actor: StaffMember, disclosure_id: int, what: str):
    d = get_or_refuse(Disclosure, disclosure_id, "disclosure")
    patient = read_chart(actor, d.patient_id, what)
    items = list(
        DisclosureItem.select().where(DisclosureItem.disclosure == d.id).order_by(DisclosureItem.id)
    )
    if not items:
        raise ServiceError(
            "No documents or letters were picked when this release was logged: there is "
            "nothing to export. Log the release again with what was sent."
        )
    return d, patient, items


@writer("clinical.read", changes=())  # a writer: reading the documents is audited
def release_bundle(actor: StaffMember, disclosure_id: int) -> ReleaseBundle:
    """The release's cover letter and files, each document checked against the checksum
    taken when it was filed (a mismatch exports nothing)."""
    d, patient, items = _release(actor, disclosure_id, f"disclosure {disclosure_id} export")
    files: list[tuple[str, bytes]] = []
    listed: list[str] = []
    for n, item in enumerate(items, 1):
        if item.document_id:
            doc = item.document
            blob = DocumentBlob.get_or_none(DocumentBlob.document == doc.id)
            data = bytes(blob.data) if blob else b""
            if hashlib.sha256(data).hexdigest() != doc.sha256 or len(data) != doc.size:
                raise ServiceError(
                    f"{doc.file_name} as stored no longer matches the checksum taken when it "
                    "was filed: nothing was exported. Tell the office manager."
                )
            files.append((f"{n:02d}-{_safe_name(doc.file_name)}", data))
            listed.append(document_label(doc))
        else:
            letter = item.letter
            files.append((f"{n:02d}-letter-{letter.id}.txt", letter.body.encode("utf-8")))
            listed.append(letter_label(letter))
    recipient = ", ".join(x for x in (d.recipient_name, d.recipient_org) if x)
    return ReleaseBundle(d.id, patient.id, recipient, _cover(patient, d, listed), files)


def release_archive(bundle: ReleaseBundle) -> bytes:
    """The release as one .zip: the cover letter (PDF and text), then the files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00-cover-letter.pdf", letter_pdf(bundle.cover))
        archive.writestr("00-cover-letter.txt", bundle.cover.encode("utf-8"))
        for name, data in bundle.files:
            archive.writestr(name, data)
    return out.getvalue()


@writer("clinical.read", changes=())
def record_release(actor: StaffMember, disclosure_id: int, file_name: str) -> int:
    """After the archive is written: each document and letter released is audited as
    disclosed, and the cover letter is kept with the patient's letters. Returns how many
    were released."""
    d, patient, items = _release(actor, disclosure_id, f"disclosure {disclosure_id} released")
    where = printable(file_name if isinstance(file_name, str) else "")[:400]
    listed = []
    for item in items:
        if item.document_id:
            entity, entity_id, label = "patient_document", item.document_id, item.document
            listed.append(document_label(label))
        else:
            entity, entity_id, label = "letter", item.letter_id, item.letter
            listed.append(letter_label(label))
        detail = f"disclosure {d.id} to {d.recipient_name}: {where}"
        audit(actor, "disclosure.release", patient_id=patient.id, entity=entity,
              entity_id=entity_id, detail=detail)  # fmt: skip
    template = LetterTemplate.get_or_none(LetterTemplate.name == COVER_TEMPLATE)
    Letter.create(
        patient=patient, template=template, template_name=COVER_TEMPLATE,
        addressee=", ".join(x for x in (d.recipient_name, d.recipient_org) if x)[:300],
        body=_cover(patient, d, listed), via="mail", file_name=where, written_by=actor,
        written_at=clock.now_utc(),
    )  # fmt: skip
    return len(items)


def export_release(
    actor: StaffMember, disclosure_id: int, path: str, overwrite: bool = False
) -> Path:
    """Export what the disclosure released: one .zip archive (".zip" added when missing)
    with the cover letter and the released files, through files.save_export (owner-only,
    never over the database, an existing file only after the user agreed); then each
    document and letter is audited as disclosed. Returns the archive's path."""
    bundle = release_bundle(actor, disclosure_id)
    raw = str(path or "").strip()
    if not raw:
        raise ValidationError.one("path", "File name is required.")
    target = raw if raw.lower().endswith(".zip") else raw + ".zip"
    written = save_export(
        actor, target, release_archive(bundle), action="disclosure.export",
        detail=f"release to {bundle.recipient}: {len(bundle.files)} files and the cover letter",
        overwrite=overwrite, entity="disclosure", entity_id=bundle.disclosure_id,
        patient_id=bundle.patient_id,
    )  # fmt: skip
    record_release(actor, disclosure_id, str(written))
    return written
