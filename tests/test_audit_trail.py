"""The audit trail cannot be forged, cut or emptied unnoticed (issue 8 item 3): each
tampering found by a probe is made here, by someone who can write the database file but
does not have the audit key, and `verify` must name it."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from moa_tui.cli import main
from moa_tui.db import audit_trail
from moa_tui.db.anchors import anchor_path, parse_anchor, write_anchor
from moa_tui.db.audit_key import key_path
from moa_tui.db.audit_trail import FIELDS, GENESIS, legacy_hash
from moa_tui.db.database import db, open_database, write_transaction
from moa_tui.db.models import AuditEvent, ClinicSettings, Patient
from moa_tui.services.core import audit
from moa_tui.services.errors import ServiceError
from moa_tui.services.patients.patients import open_patient
from moa_tui.services.security.audit import audit_page, verify_chain
from moa_tui.services.security.staff import find_staff


def _events(n: int) -> None:
    """*n* audit events, as services write them."""
    actor = find_staff("desk")
    with db.connection_context(), write_transaction():
        for i in range(n):
            audit(actor, "patient.open", patient_id=i % 50 + 1, entity="patient")


def _sql(path: Path, *statements: tuple[str, tuple]) -> None:
    """Tamper with the file directly, as someone with write access to it would."""
    conn = sqlite3.connect(path)
    with conn:
        for sql, params in statements:
            conn.execute(sql, params)
    conn.close()


def _rows(path: Path) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit_event ORDER BY id")]
    conn.close()
    return rows


def _legacy_fields(row: dict) -> dict:
    from datetime import datetime

    fields = {k: row["staff_id" if k == "staff" else k] for k in FIELDS}
    fields["at"] = datetime.fromisoformat(row["at"])
    return fields


@pytest.fixture
def anchored(demo_db, desk):
    """A demo clinic with some events and an anchor written after them."""
    _events(20)
    anchor = write_anchor("manual")
    return demo_db, anchor


def _last_id(path: Path) -> int:
    return max((r["id"] for r in _rows(path)), default=0)


# --- intact ----------------------------------------------------------------------------


def test_an_untouched_trail_is_intact_numbered_and_anchored(anchored):
    path, anchor = anchored
    ids = [r["id"] for r in _rows(path)]
    assert ids == list(range(1, len(ids) + 1))
    assert anchor.events == ids[-1]
    report = verify_chain()
    assert report.ok, report.message
    assert report.events == ids[-1] and report.anchors == 1
    assert "intact" in report.message


def test_a_rolled_back_write_leaves_no_gap(demo_db, desk):
    with pytest.raises(RuntimeError), db.connection_context(), write_transaction():
        audit(desk, "patient.open")
        raise RuntimeError("the job failed after its audit event")
    _events(2)
    ids = [r["id"] for r in _rows(demo_db)]
    assert ids == list(range(1, len(ids) + 1))
    assert verify_chain().ok


# --- cut ---------------------------------------------------------------------------


def test_deleting_the_last_event_is_found_against_the_anchor(anchored):
    path, anchor = anchored
    _sql(path, ("DELETE FROM audit_event WHERE id = ?", (anchor.events,)))
    report = verify_chain()
    assert not report.ok and report.broken_at == anchor.events
    assert f"Event {anchor.events:,} is missing: the anchor of" in report.message
    assert f"counted {anchor.events:,}" in report.message


def test_deleting_the_last_500_events_is_found(demo_db, desk):
    _events(600)
    anchor = write_anchor("hourly")
    first = anchor.events - 499
    _sql(demo_db, ("DELETE FROM audit_event WHERE id >= ?", (first,)))
    report = verify_chain()
    assert not report.ok and report.broken_at == first
    assert f"Events {first:,}-{anchor.events:,} are missing" in report.message


def test_deleting_every_event_is_found(anchored):
    path, anchor = anchored
    _sql(path, ("DELETE FROM audit_event", ()))
    report = verify_chain()
    assert not report.ok
    assert "The audit trail is empty but the anchor of" in report.message
    assert f"counted {anchor.events:,}" in report.message


def test_an_emptied_trail_is_found_even_without_an_anchor(demo_db, desk):
    _events(3)
    _sql(demo_db, ("DELETE FROM audit_event", ()))
    report = verify_chain()
    assert not report.ok and "empty" in report.message


def test_cutting_the_tail_and_writing_on_is_found(anchored):
    """Events after the cut get the cut events' numbers again: their seals differ from
    the anchored one."""
    path, anchor = anchored
    _sql(path, ("DELETE FROM audit_event WHERE id > ?", (anchor.events - 5,)))
    _events(10)
    report = verify_chain()
    assert not report.ok and report.broken_at == anchor.events
    assert "is not the one the anchor of" in report.message


# --- forged -------------------------------------------------------------------------


def test_an_edit_with_the_sha256_links_recomputed_after_it_is_found(anchored):
    path, _ = anchored
    rows = _rows(path)
    target = rows[5]["id"]
    statements = [("UPDATE audit_event SET detail = ? WHERE id = ?", ("nothing here", target))]
    prev = rows[4]["hash"]
    for row in rows[5:]:
        if row["id"] == target:
            row["detail"] = "nothing here"
        prev = legacy_hash(prev, _legacy_fields(row))
        statements.append(("UPDATE audit_event SET hash = ? WHERE id = ?", (prev, row["id"])))
    _sql(path, *statements)
    report = verify_chain()
    assert not report.ok and report.broken_at == target
    assert f"Event {target:,}: its content does not match its seal" in report.message


def test_an_appended_event_with_a_correct_sha256_link_is_found(anchored):
    path, _ = anchored
    last = _rows(path)[-1]
    row = {**last, "id": last["id"] + 1, "detail": "forged", "action": "patient.open"}
    forged = legacy_hash(last["hash"], _legacy_fields(row))
    _sql(
        path,
        (
            "INSERT INTO audit_event (id, at, staff_id, action, patient_id, entity, entity_id,"
            " detail, outcome, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["id"],
                row["at"],
                row["staff_id"],
                row["action"],
                row["patient_id"],
                row["entity"],
                row["entity_id"],
                row["detail"],
                row["outcome"],
                forged,
            ),
        ),
    )
    report = verify_chain()
    assert not report.ok and report.broken_at == row["id"]
    assert "does not match its seal" in report.message


def test_an_event_numbered_minus_one_is_found_and_not_reported_as_real(anchored):
    path, _ = anchored
    _sql(
        path,
        (
            "INSERT INTO audit_event (id, at, staff_id, action, patient_id, entity, detail,"
            " outcome, hash) VALUES (-1, '2026-11-18 15:00:00', 1, 'patient.open', 1, '',"
            " 'planted', 'ok', 'garbage')",
            (),
        ),
    )
    report = verify_chain()
    assert not report.ok and report.broken_at == -1
    assert "Event -1 is outside the numbering" in report.message
    page = audit_page(find_staff("manager"), username="desk", limit=1000)
    assert all(r.id > 0 for r in page.rows)
    assert "planted" not in {r.detail for r in page.rows}


def test_a_gap_in_the_middle_is_found(anchored):
    path, _ = anchored
    _sql(path, ("DELETE FROM audit_event WHERE id IN (7, 8, 9)", ()))
    report = verify_chain()
    assert not report.ok and report.broken_at == 7
    assert "Events 7-9 are missing (the numbering jumps from 6 to 10)" in report.message


# --- the key ------------------------------------------------------------------------


def test_the_key_file_is_private_random_and_fingerprinted(empty_db):
    path = key_path(empty_db)
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text().strip()
    assert len(text) == 64 and int(text, 16) >= 0
    other = Path(str(empty_db) + "-2")
    open_database(other)
    assert key_path(other).read_text() != path.read_text()


def test_a_wrong_audit_key_is_named_as_such(anchored):
    path, _ = anchored
    key_path(path).write_text(os.urandom(32).hex() + "\n")
    open_database(path)
    report = verify_chain()
    assert not report.ok
    assert "is not the one this clinic's audit trail was sealed with" in report.message
    with pytest.raises(ServiceError, match="not the one this clinic's audit trail"):
        open_patient(find_staff("desk"), Patient.select().first().id)


def test_without_its_key_file_nothing_is_recorded_and_no_new_key_is_made(anchored):
    path, _ = anchored
    key_path(path).unlink()
    open_database(path)
    assert not key_path(path).exists()
    with pytest.raises(ServiceError, match="audit key file .* is missing"):
        open_patient(find_staff("desk"), Patient.select().first().id)
    assert not verify_chain().ok


def _make_legacy(path: Path, *, break_at: int | None = None) -> None:
    """Turn the trail into one written before the audit key: sha256 links, no fingerprint,
    no key file."""
    rows = _rows(path)
    prev, statements = GENESIS, []
    for row in rows:
        if row["id"] == break_at:
            row["detail"] = "edited before the upgrade"
            statements.append(
                ("UPDATE audit_event SET detail = ? WHERE id = ?", (row["detail"], row["id"]))
            )
            fields = {**_legacy_fields(row), "detail": "was"}
        else:
            fields = _legacy_fields(row)
        prev = legacy_hash(prev, fields)
        statements.append(("UPDATE audit_event SET hash = ? WHERE id = ?", (prev, row["id"])))
    statements.append(("UPDATE clinic_settings SET audit_key_id = ''", ()))
    _sql(path, *statements)
    key_path(path).unlink()


def test_an_old_intact_trail_is_sealed_once_with_a_new_key(demo_db, desk):
    _events(5)
    db.close()
    _make_legacy(demo_db)
    before = len(_rows(demo_db))
    open_database(demo_db)
    assert key_path(demo_db).exists()
    rows = _rows(demo_db)
    assert len(rows) == before + 1
    assert rows[-1]["action"] == "audit.reseal" and f"{before} events" in rows[-1]["detail"]
    assert verify_chain().ok
    open_patient(desk, Patient.select().first().id)
    assert verify_chain().ok
    with db.connection_context():
        assert ClinicSettings.select().first().audit_key_id


def test_an_old_broken_trail_is_not_sealed_silently(demo_db, desk, capsys):
    _events(5)
    db.close()
    _make_legacy(demo_db, break_at=3)
    state = open_database(demo_db) and audit_trail.current()
    assert state.legacy_broken_at == 3
    assert "already broken at event 3" in state.refusal
    with pytest.raises(ServiceError, match="already broken at event 3"):
        open_patient(desk, Patient.select().first().id)
    assert not verify_chain().ok
    assert main(["--db", str(demo_db), "audit", "reseal"]) == 1
    assert main(["--db", str(demo_db), "audit", "reseal", "--accept-broken"]) == 0
    last = _rows(demo_db)[-1]
    assert last["action"] == "audit.reseal" and "broken at event 3" in last["detail"]
    assert verify_chain().ok


# --- anchors and the command line ---------------------------------------------------


def test_audit_anchor_command_appends_a_private_parsable_line(demo_db, capsys):
    assert main(["--db", str(demo_db), "audit", "anchor"]) == 0
    assert main(["--db", str(demo_db), "audit", "anchor"]) == 0
    path = anchor_path(demo_db)
    assert path.stat().st_mode & 0o777 == 0o600
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    anchor = parse_anchor(lines[0])
    assert anchor.kind == "manual" and anchor.events == _last_id(demo_db)
    assert anchor.db == str(demo_db.absolute())


def test_every_backup_writes_an_anchor_and_a_restore_starts_afresh(demo_db, tmp_path, capsys):
    backup = tmp_path / "clinic.bak"
    assert main(["--db", str(demo_db), "backup", str(backup)]) == 0
    kinds = [parse_anchor(line).kind for line in anchor_path(demo_db).read_text().splitlines()]
    assert kinds == ["backup"]
    open_database(demo_db)
    _events(5)
    write_anchor("hourly")
    # Putting the backup back cuts the 5 events on purpose: it is anchored as a restore.
    assert main(["--db", str(demo_db), "restore", str(backup)]) == 0
    assert main(["--db", str(demo_db), "audit", "verify"]) == 0


def test_verify_command_exit_codes_and_the_event_it_names(anchored, capsys):
    path, anchor = anchored
    assert main(["--db", str(path), "audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    _sql(path, ("DELETE FROM audit_event WHERE id = ?", (anchor.events,)))
    assert main(["--db", str(path), "audit", "verify"]) == 1
    assert f"Event {anchor.events:,} is missing" in capsys.readouterr().out


def test_verify_reads_anchors_from_the_system_journal(anchored, tmp_path, capsys):
    path, anchor = anchored
    journal = tmp_path / "journal.txt"
    journal.write_text(f"Nov 18 10:30:00 host moa-tui[123]: {anchor.line()}\n")
    anchor_path(path).unlink()
    _sql(path, ("DELETE FROM audit_event WHERE id > 10", ()))
    assert main(["--db", str(path), "audit", "verify"]) == 0  # nothing to compare with
    capsys.readouterr()
    assert main(["--db", str(path), "audit", "verify", "--anchors", str(journal)]) == 1
    assert f"Events 11-{anchor.events:,} are missing" in capsys.readouterr().out


def test_a_copied_clinic_needs_its_key_copied_too(anchored, tmp_path):
    path, _ = anchored
    db.close()
    copy = tmp_path / "copy" / "clinic.db"
    copy.parent.mkdir()
    shutil.copy(path, copy)
    open_database(copy)
    assert "is missing" in verify_chain().message
    shutil.copy(key_path(path), key_path(copy))
    open_database(copy)
    assert verify_chain().ok
    assert AuditEvent.select().count() > 0


# --- the app ----------------------------------------------------------------------------


async def test_the_audit_screen_names_the_cut_event_and_the_app_anchors_at_exit(anchored):
    from moa_tui.cli import make_app
    from moa_tui.screens.security.audit import AuditScreen

    from .ui_helpers import settle, static_text

    path, anchor = anchored
    _sql(path, ("DELETE FROM audit_event WHERE id = ?", (anchor.events,)))
    app = make_app(path, actor=find_staff("manager"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("v")
        await settle(pilot)
        # Opening the report recorded an event in the cut one's place: not the anchored one.
        message = static_text(app, "#message")
        assert f"Event {anchor.events:,} is not the one the anchor of" in message
    kinds = [parse_anchor(line).kind for line in anchor_path(path).read_text().splitlines()]
    assert kinds == ["manual", "exit"]
