"""What a disclosure released, and the export of the release (issue 12 item 9): the
documents and letters picked when the release is logged, named in the log, the accounting
and its CSV; the export as one archive with the cover letter, through the safe export path,
each document audited as disclosed. Both backends."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from moa_tui.db.models import (
    AuditEvent,
    Disclosure,
    DisclosureItem,
    DocumentBlob,
    Letter,
    Patient,
)
from moa_tui.services.comms.letters import record_letter
from moa_tui.services.errors import ServiceError, ValidationError
from moa_tui.services.files import FileExists
from moa_tui.services.records.accounting import accounting_csv, disclosure_accounting
from moa_tui.services.records.disclosures import patient_disclosures, record_disclosure
from moa_tui.services.records.documents import store_document
from moa_tui.services.records.releases import (
    COVER_TEMPLATE,
    export_release,
    release_choices,
)

SCAN = b"%PDF-1.4 outside records from Dr Ng\n"


def _patients() -> list[Patient]:
    return list(Patient.select().where(~Patient.restricted).order_by(Patient.id).limit(2))


def released(**changes) -> dict:
    values = dict(recipient_name="Ann Lawyer", recipient_org="Lawyer & Co",
                  recipient_address="9 Court St", description="Records as asked",
                  purpose="patient_request", auth_ref="Signed request",
                  auth_date="t", disclosed_on="t")  # fmt: skip
    values.update(changes)
    return values


def _filed(desk, patient: Patient) -> tuple[str, str]:
    doc = store_document(
        desk,
        patient.id,
        {"kind": "outside", "date": "t", "description": "Dr Ng's notes"},
        "ng-notes.pdf",
        SCAN,
    )
    letter = record_letter(
        desk, patient.id, None, {"text": "Dear Ann,\nYour visit.", "addressee": "Ann"}, "l.pdf"
    )
    return f"document:{doc.id}", f"letter:{letter.id}"


def test_a_release_names_the_documents_and_letters_picked(desk):
    patient = _patients()[0]
    doc, letter = _filed(desk, patient)
    keys = [c.key for c in release_choices(desk, patient.id)]
    assert doc in keys and letter in keys
    row = record_disclosure(desk, patient.id, released(), [doc, letter])
    assert row.released == ("Outside records 11/18/2026: Dr Ng's notes",
                            "Letter 11/18/2026: letter to Ann")  # fmt: skip
    assert patient_disclosures(desk, patient.id)[0].released == row.released
    acc = disclosure_accounting(desk, patient.id)
    assert "  Released: Outside records 11/18/2026: Dr Ng's notes" in acc.text
    csv_text = accounting_csv(acc).decode()
    assert csv_text.splitlines()[0].endswith(",released")
    assert "Dr Ng's notes; Letter 11/18/2026" in csv_text


@pytest.mark.both_backends  # (it writes a file, so it would run on SQLite only)
def test_the_release_exports_the_files_and_the_cover_letter_each_audited(desk, tmp_path):
    patient = _patients()[0]
    doc, letter = _filed(desk, patient)
    row = record_disclosure(desk, patient.id, released(), [doc, letter])
    letters_before = Letter.select().where(Letter.patient == patient.id).count()
    written = export_release(desk, row.id, str(tmp_path / "release"))
    assert written == tmp_path / "release.zip"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    archive = zipfile.ZipFile(io.BytesIO(written.read_bytes()))
    names = archive.namelist()
    assert names[:2] == ["00-cover-letter.pdf", "00-cover-letter.txt"]
    assert archive.read("01-ng-notes.pdf") == SCAN
    assert archive.read(f"02-letter-{letter.split(':')[1]}.txt") == b"Dear Ann,\nYour visit.\n"
    assert archive.read("00-cover-letter.pdf").startswith(b"%PDF")
    cover = archive.read("00-cover-letter.txt").decode()
    assert cover.startswith("Ann Lawyer\nLawyer & Co\n9 Court St\n")
    assert "Enclosed are the medical records" in cover
    assert "Enclosures (2):\n  1. Outside records 11/18/2026: Dr Ng's notes\n" in cover
    # Each document and letter is audited as disclosed; the export itself too.
    events = AuditEvent.select().where(AuditEvent.action == "disclosure.release")
    assert {(e.entity, e.entity_id, e.patient_id) for e in events} == {
        ("patient_document", int(doc.split(":")[1]), patient.id),
        ("letter", int(letter.split(":")[1]), patient.id),
    }
    export = AuditEvent.get(AuditEvent.action == "disclosure.export")
    assert export.entity_id == row.id and str(written) in export.detail
    # The cover letter is kept with the patient's letters.
    kept = Letter.select().where(Letter.patient == patient.id).order_by(Letter.id.desc()).first()
    assert Letter.select().where(Letter.patient == patient.id).count() == letters_before + 1
    assert kept.template_name == COVER_TEMPLATE and kept.body == cover
    # An existing file is replaced only when the user agreed.
    with pytest.raises(FileExists):
        export_release(desk, row.id, str(written))
    assert export_release(desk, row.id, str(written), overwrite=True) == written


def test_only_the_patients_own_documents_can_be_released(desk):
    first, second = _patients()
    doc, letter = _filed(desk, second)
    before = (Disclosure.select().count(), DisclosureItem.select().count())
    for picks, says in (
        ([doc], "Only this patient's"),
        ([letter], "Only this patient's"),
        (["document:999999"], "no longer on file"),
        (["chart:1"], "Pick documents or letters"),
        ("document:1", "Pick documents or letters"),
    ):
        with pytest.raises(ValidationError) as refused:
            record_disclosure(desk, first.id, released(), picks)
        assert says in refused.value.errors["released"]
    assert (Disclosure.select().count(), DisclosureItem.select().count()) == before


def test_an_export_with_nothing_picked_or_a_changed_document_writes_nothing(desk, tmp_path):
    patient = _patients()[0]
    bare = record_disclosure(desk, patient.id, released())
    with pytest.raises(ServiceError, match="nothing to export"):
        export_release(desk, bare.id, str(tmp_path / "bare.zip"))
    doc, _letter = _filed(desk, patient)
    row = record_disclosure(desk, patient.id, released(), [doc])
    DocumentBlob.update(data=b"changed").where(
        DocumentBlob.document == int(doc.split(":")[1])
    ).execute()
    with pytest.raises(ServiceError, match="checksum"):
        export_release(desk, row.id, str(tmp_path / "changed.zip"))
    assert not list(tmp_path.glob("*.zip"))
    assert not AuditEvent.select().where(AuditEvent.action == "disclosure.release").exists()
