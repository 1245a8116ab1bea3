"""The one safe-write function every export goes through (services/files.py): it never
writes over the database, its journals, its key or a backup, never replaces a file the
user did not agree to replace, and always leaves the file readable by its owner only."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from moa_tui.db import database
from moa_tui.db.models import AuditEvent, Patient
from moa_tui.services import clock
from moa_tui.services.errors import ValidationError
from moa_tui.services.files import (
    FileExists,
    _link_new,
    export_location,
    where_export_goes,
    write_private,
)
from moa_tui.services.frontdesk.payments import save_receipt_pdf
from moa_tui.services.scheduling.day_sheet import day_sheet_pdf, save_day_sheet_text
from moa_tui.services.scheduling.ical import export_icalendar
from moa_tui.services.security.audit import export_audit_csv
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff, set_export_folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused(path, message: str = "belongs to the clinic's database") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        write_private(path, b"%PDF-1.4 not a database", overwrite=True)
    assert set(caught.value.errors) == {"path"}
    assert message in caught.value.errors["path"]
    return caught.value


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    """The user's documents folder, somewhere harmless."""
    folder = tmp_path / "Documents"
    folder.mkdir()
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(folder))
    return folder


def test_the_database_file_is_refused(empty_db):
    before = _digest(empty_db)
    _refused(empty_db)
    _refused(str(empty_db))
    assert _digest(empty_db) == before


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_the_database_journals_are_refused_whether_there_or_not(empty_db, suffix):
    journal = Path(f"{empty_db}{suffix}")
    _refused(journal)
    journal.write_bytes(b"journal")
    _refused(journal)
    assert journal.read_bytes() == b"journal"


@pytest.mark.parametrize("suffix", [".audit-key", ".anchors", ".before-restore-20261118"])
def test_files_named_after_the_database_are_refused(empty_db, suffix):
    beside = Path(f"{empty_db}{suffix}")
    before = beside.read_bytes() if beside.exists() else None  # the audit key may exist
    _refused(beside)
    assert (beside.read_bytes() if beside.exists() else None) == before


def test_the_key_file_in_use_is_refused(empty_db, tmp_path):
    key_file = tmp_path / "clinic.key"
    key_file.write_text("a" * 64)
    database.use_keys(key_file)
    try:
        _refused(key_file)
        _refused(tmp_path / "." / "clinic.key")
    finally:
        database.use_keys(None)
    assert key_file.read_text() == "a" * 64


def test_a_symbolic_link_to_the_database_is_refused(empty_db, tmp_path):
    link = tmp_path / "elsewhere" / "report.pdf"
    link.parent.mkdir()
    link.symlink_to(empty_db)
    before = _digest(empty_db)
    _refused(link)
    # A link to the folder it is in, then the database's name.
    folder_link = tmp_path / "alias"
    folder_link.symlink_to(empty_db.parent)
    _refused(folder_link / empty_db.name)
    _refused(folder_link / f"{empty_db.name}-wal")
    assert _digest(empty_db) == before


def test_a_hard_link_to_the_database_is_refused(empty_db, tmp_path):
    link = tmp_path / "report.pdf"
    os.link(empty_db, link)
    before = _digest(empty_db)
    _refused(link)
    assert _digest(empty_db) == before


def test_an_existing_sqlite_database_is_refused(empty_db, tmp_path):
    backup = tmp_path / "backups" / "monday.bak"
    backup.parent.mkdir()
    with sqlite3.connect(backup) as conn:
        conn.execute("create table t (x)")
    conn.close()
    before = _digest(backup)
    _refused(backup, "not a PDF or text file")
    assert _digest(backup) == before


def test_an_existing_encrypted_backup_is_refused_even_when_replacing(empty_db, tmp_path):
    """SQLCipher files are random bytes from the first one: no header to recognise, so
    only files that look like exports (PDF or text) may ever be replaced."""
    backup = tmp_path / "clinic-2026-11-30.db"
    backup.write_bytes(os.urandom(8192))
    before = _digest(backup)
    for overwrite in (False, True):
        with pytest.raises(ValidationError, match="not a PDF or text file"):
            write_private(backup, b"%PDF-1.4 export", overwrite=overwrite)
    assert _digest(backup) == before
    # A report saved before (text or PDF) can still be replaced once confirmed.
    report = tmp_path / "report.txt"
    report.write_text("Day sheet\n")
    write_private(report, b"new", overwrite=True)
    assert report.read_bytes() == b"new"


def test_a_folder_is_refused(empty_db, tmp_path):
    _refused(tmp_path, "is a folder")


def test_an_existing_file_is_kept_unless_replacing_was_agreed(empty_db, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"yesterday's")
    with pytest.raises(FileExists) as caught:
        write_private(path, b"today's")
    assert caught.value.errors == {"path": "report.pdf exists. Replace it?"}
    assert path.read_bytes() == b"yesterday's"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    write_private(path, b"today's", overwrite=True)
    assert path.read_bytes() == b"today's"


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path):
    tmp = tmp_path / "new.part"
    tmp.write_bytes(b"new")
    target = tmp_path / "report.pdf"
    target.write_bytes(b"someone else's")
    with pytest.raises(FileExistsError):
        _link_new(tmp, target)
    assert target.read_bytes() == b"someone else's"


def test_a_new_file_is_owner_only(empty_db, tmp_path):
    path = write_private(tmp_path / "new.txt", [b"one ", b"two"])
    assert path.read_bytes() == b"one two" and _mode(path) == 0o600


def test_the_audit_csv_replaces_a_0644_file_with_an_owner_only_one(demo_db, tmp_path):
    manager = find_staff("manager")
    target = tmp_path / "report.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    with pytest.raises(FileExists):
        export_audit_csv(manager, str(target))
    assert target.read_text() == "old\n" and _mode(target) == 0o644
    count = export_audit_csv(manager, str(target), overwrite=True)
    assert _mode(target) == 0o600
    assert len(target.read_text().splitlines()) == count + 1


def test_a_refused_export_leaves_the_database_whole_and_is_audited(demo_db):
    desk = find_staff("desk")
    with pytest.raises(ValidationError, match="belongs to the clinic's database"):
        day_sheet_pdf(desk, clock.today(), 1, demo_db, overwrite=True)
    with pytest.raises(ValidationError, match="belongs to the clinic's database"):
        export_icalendar(desk, 1, clock.today(), clock.today(), f"{demo_db}-wal")
    with pytest.raises(ValidationError, match="belongs to the clinic's database"):
        save_day_sheet_text(desk, clock.today(), 1, str(demo_db))
    refused = (
        AuditEvent.select()
        .where(AuditEvent.outcome == "refused")
        .order_by(AuditEvent.id.desc())
        .first()
    )
    assert refused.action == "export.day_sheet" and "database" in refused.detail
    database.db.close()
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    conn.close()
    assert Patient.select().count() > 0


def test_a_bare_name_goes_to_the_documents_folder_or_the_clinic_setting(
    demo_db, documents, tmp_path
):
    desk, manager = find_staff("desk"), find_staff("manager")
    assert export_location(desk) == documents
    path = day_sheet_pdf(desk, clock.today(), 1, "sheet.pdf")
    assert path == documents / "sheet.pdf" and path.read_bytes().startswith(b"%PDF")
    assert where_export_goes(desk, "~/x.pdf") == Path.home() / "x.pdf"

    shared = tmp_path / "shared"
    shared.mkdir()
    assert set_export_folder(manager, str(shared)) == str(shared)
    assert export_location(desk) == shared
    assert save_day_sheet_text(desk, clock.today(), 1, "sheet.txt") == shared / "sheet.txt"
    receipt_pdf = save_receipt_pdf(desk, _receipt(desk), "receipt.pdf")
    assert receipt_pdf == str(shared / "receipt.pdf")
    assert set_export_folder(manager, "") == str(documents)
    assert export_location(desk) == documents


def test_the_documents_folder_falls_back_to_the_data_folder(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(tmp_path / "none"))
    monkeypatch.setattr("platformdirs.user_data_dir", lambda app: str(tmp_path / "data" / app))
    desk = find_staff("desk")
    assert export_location(desk) == tmp_path / "data" / "moa-tui"
    path = save_day_sheet_text(desk, clock.today(), 1, "sheet.txt")
    assert path == tmp_path / "data" / "moa-tui" / "sheet.txt" and _mode(path) == 0o600


def test_the_export_folder_setting_is_checked(demo_db, tmp_path):
    manager = find_staff("manager")
    for typed, message in (
        ("relative/folder", "full path"),
        (str(tmp_path / "missing"), "There is no folder"),
        ("bad\x1b[2Jname", "control character"),
    ):
        with pytest.raises(ValidationError) as caught:
            set_export_folder(manager, typed)
        assert message in caught.value.errors["folder"]
    with pytest.raises(PermissionDenied):
        set_export_folder(find_staff("desk"), str(tmp_path))


def _receipt(desk):
    from moa_tui.services.frontdesk.payments import collect_payment

    patient = Patient.select().first()
    return collect_payment(desk, patient.id, "5.00", "cash", "", None, "Co-pay")


def test_a_home_folder_of_an_unknown_user_is_refused_with_a_sentence(empty_db):
    from moa_tui.services.files import export_target

    with database.db.connection_context(), pytest.raises(ValidationError) as refused:
        export_target("~no_such_user_here_0/day.pdf")
    assert "no home folder for ~no_such_user_here_0" in str(refused.value)


def test_a_batch_folder_is_made_owner_only_and_a_file_in_its_place_is_refused(empty_db, tmp_path):
    from moa_tui.services.files import make_export_folder
    from moa_tui.services.security.staff import create_first_admin

    admin = create_first_admin(
        {"username": "ada", "full_name": "Ada Admin", "password": "quiet lake 2026 sun"}
    )
    made = make_export_folder(admin, str(tmp_path / "claims"))
    assert made.is_dir() and stat.S_IMODE(made.stat().st_mode) == 0o700
    assert make_export_folder(admin, str(made)) == made  # there already: used as it is
    (tmp_path / "taken").write_text("x")
    with pytest.raises(ValidationError, match="is a file, not a folder"):
        make_export_folder(admin, str(tmp_path / "taken"))
    with pytest.raises(ValidationError, match="Could not make the folder"):
        make_export_folder(admin, str(tmp_path / "no" / "such" / "parent"))
