"""Documents filed to a chart (issue 12 items 8, 10): read in from a typed path, stored in
the database with a SHA-256 and a size limit, opened back through the safe export path
with the checksum verified; bad files refused beside the field with nothing written. On
SQLite and PostgreSQL (bytes in a BLOB / bytea column)."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from moa_tui.db.database import db
from moa_tui.db.models import ClinicSettings, DocumentBlob, PatientDocument
from moa_tui.services.errors import ServiceError, ValidationError
from moa_tui.services.files import FileExists
from moa_tui.services.records.documents import (
    export_document,
    file_document,
    read_document,
    set_document_limit,
)
from moa_tui.services.records.summary import clinical_record
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

from .conftest import FROZEN_NOW
from .test_records_services import blank_patient

pytestmark = pytest.mark.both_backends


@pytest.fixture(autouse=True)
def _clock_stopped_again(desk, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


@pytest.fixture
def patient(desk):
    return blank_patient()


def values(path, **changes) -> dict:
    v = {"path": str(path), "kind": "referral", "date": "t-1", "description": "From Dr Ng"}
    v.update(changes)
    return v


def test_a_scan_is_filed_and_opened_back_byte_for_byte(desk, patient, tmp_path):
    scan = tmp_path / "referral.pdf"
    data = b"%PDF-1.4\n" + bytes(range(256)) * 40
    scan.write_bytes(data)
    row = file_document(desk, patient.id, values(scan))
    assert (row.kind, row.date, row.file_name, row.size) == (
        "Referral letter",
        "11/17/2026",
        "referral.pdf",
        len(data),
    )
    assert row.sha256 == hashlib.sha256(data).hexdigest() and not row.is_text
    assert clinical_record(desk, patient.id).documents[0].id == row.id
    out = export_document(desk, row.id, str(tmp_path / "copy.pdf"))
    assert out.read_bytes() == data
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with pytest.raises(FileExists):  # never over a file without the user's yes
        export_document(desk, row.id, str(out))
    assert export_document(desk, row.id, str(out), overwrite=True) == out
    view = read_document(desk, row.id)
    assert view.text is None and view.document.description == "From Dr Ng"


def test_a_text_document_is_shown_with_its_unsafe_characters_replaced(desk, patient, tmp_path):
    note = tmp_path / "labs.txt"
    note.write_bytes(b"Glucose 98\n\x1b[31mred\x1b[0m\tA1c 5.4\n")
    row = file_document(desk, patient.id, values(note, kind="lab"))
    text = read_document(desk, row.id).text
    assert "\x1b" not in text and "\t" not in text
    assert text.splitlines()[0] == "Glucose 98" and "A1c 5.4" in text


def test_a_stored_document_that_no_longer_matches_its_checksum_is_not_exported(
    desk, patient, tmp_path
):
    scan = tmp_path / "id.png"
    scan.write_bytes(b"\x89PNG fake image")
    row = file_document(desk, patient.id, values(scan, kind="id_card"))
    with db.connection_context():
        DocumentBlob.update(data=b"\x89PNG other image").where(
            DocumentBlob.document == row.id
        ).execute()
    with pytest.raises(ServiceError, match="checksum"):
        export_document(desk, row.id, str(tmp_path / "back.png"))
    assert not (tmp_path / "back.png").exists()


def _file(folder, name: str, data: bytes):
    (folder / name).write_bytes(data)
    return folder / name


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: d, "is a folder"),
        (lambda d: d / "missing.pdf", "There is no file"),
        (lambda d: _file(d, "empty.pdf", b""), "is empty"),
        # a named pipe: refused, not waited on for a writer that never comes
        (lambda d: (os.mkfifo(d / "pipe.pdf"), d / "pipe.pdf")[1], "not an ordinary file"),
        (lambda d: _file(d, "big.pdf", b"x" * (1024 * 1024 + 1)), "1 MB at most"),
        (lambda d: _file(d, "old.db", b"SQLite format 3\x00" + bytes(100)), "database or a backup"),
    ],
)
def test_a_file_that_cannot_be_filed_is_named_beside_the_field(
    desk, patient, tmp_path, make, words
):
    set_document_limit(find_staff("manager"), "1")
    before = (PatientDocument.select().count(), DocumentBlob.select().count())
    with pytest.raises(ValidationError) as err:
        file_document(desk, patient.id, values(make(tmp_path)))
    assert words in err.value.errors["path"]
    assert (PatientDocument.select().count(), DocumentBlob.select().count()) == before


def test_the_database_itself_is_never_read_in(desk, patient):
    live = db.database
    if "://" in str(live):
        pytest.skip("a server's database has no file here")
    with pytest.raises(ValidationError, match="belongs to the clinic's database"):
        file_document(desk, patient.id, values(live))
    with pytest.raises(ValidationError, match="belongs to the clinic's database"):
        file_document(desk, patient.id, values(f"{live}-wal"))


def test_an_unreadable_file_is_named_beside_the_field(desk, patient, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    scan = tmp_path / "locked.pdf"
    scan.write_bytes(b"%PDF-1.4 x")
    scan.chmod(0)
    with pytest.raises(ValidationError) as err:
        file_document(desk, patient.id, values(scan))
    assert "cannot be read" in err.value.errors["path"]


def test_bad_details_are_refused_before_the_file_is_read(desk, patient, tmp_path):
    with pytest.raises(ValidationError) as err:
        file_document(desk, patient.id, values(tmp_path / "nothing", kind="x", date="t+2"))
    assert set(err.value.errors) == {"kind", "date"}


def test_who_may_file_and_read_documents(patient, tmp_path):
    scan = tmp_path / "consent.pdf"
    scan.write_bytes(b"%PDF-1.4 consent")
    row = file_document(find_staff("nurse"), patient.id, values(scan, kind="consent"))
    with pytest.raises(PermissionDenied):
        file_document(find_staff("billing"), patient.id, values(scan))
    with pytest.raises(PermissionDenied):
        read_document(find_staff("billing"), row.id)
    with pytest.raises(PermissionDenied):
        set_document_limit(find_staff("desk"), "20")
    with pytest.raises(ValidationError):
        set_document_limit(find_staff("manager"), "1000")
    assert set_document_limit(find_staff("manager"), "20") == 20
    with db.connection_context():
        assert ClinicSettings.get().document_max_mb == 20
