"""The large clinic generator (services/demo/large.py, `moa-tui generate`) at a tiny size:
what it builds, that it builds the same clinic twice, that it never touches an existing
file, that the app opens what it built and that its audit trail verifies."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from moa_tui import cli
from moa_tui.cli import make_app
from moa_tui.db.database import db, open_database
from moa_tui.db.models import (
    Appointment,
    AuditEvent,
    Claim,
    Coverage,
    Patient,
    Payer,
    Provider,
    StaffMember,
    StockMovement,
    SupplyItem,
)
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services.demo.large import ClinicFileExists, generate_clinic
from moa_tui.services.errors import ServiceError
from moa_tui.services.security.audit_verify import verify_chain
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle, table_rows

TODAY = dt.date(2026, 11, 18)  # the frozen clinic clock's day (conftest)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("large") / "tiny.db"
    report = generate_clinic(path, patients=1000, years=1, seed=11, today=TODAY)
    return path, report


def _dump(path) -> dict[str, list[tuple]]:
    """Every table's rows, without what depends on the random audit key."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if r[0] != "schema_migration"  # when each migration ran
        ]
        out = {}
        for table in tables:
            columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')]
            keep = [
                c
                for c in columns
                if (table, c)
                not in {
                    ("audit_event", "hash"),
                    ("clinic_settings", "audit_key_id"),
                    ("staff_member", "password_hash"),
                    ("migrate_history", "migrated_at"),
                }
            ]
            names = ", ".join(f'"{c}"' for c in keep)
            out[table] = conn.execute(f'SELECT {names} FROM "{table}" ORDER BY 1').fetchall()
        return out
    finally:
        conn.close()


def test_counts_follow_the_sizes(tiny):
    path, report = tiny
    open_database(path)
    with db.connection_context():
        assert Patient.select().count() == report.patients == 1000
        assert Provider.select().count() == report.providers == 2
        appointments = Appointment.select().count()
        assert appointments == report.appointments
        assert 900 <= appointments <= 1100  # one a patient a year
        claims = Claim.select().count()
        assert claims == report.claims
        assert 0.3 * appointments <= claims <= 0.5 * appointments
        assert {c.status for c in Claim.select(Claim.status).distinct()} == set(Claim.STATUSES)
        assert Claim.select(Claim.payer).distinct().count() >= Payer.select().count() // 2
        assert AuditEvent.select().count() == report.audit_events > 100
        assert SupplyItem.select().count() == report.supply_items == 60
        assert StockMovement.select().count() == report.stock_movements > 60
        assert Coverage.select().count() > 800
        # A claim bills the patient's own primary coverage, with that coverage's payer.
        assert not Claim.select().where(Claim.coverage.is_null()).exists()
        wrong = (
            Claim.select()
            .join(Coverage, on=(Claim.coverage == Coverage.id))
            .where(
                (Coverage.patient != Claim.patient)
                | (Coverage.payer != Claim.payer)
                | (Coverage.priority != 1)
            )
        )
        assert not wrong.exists()
        # Today is the busiest day, and the report says how busy.
        start = dt.datetime.combine(TODAY, dt.time())
        today_count = (
            Appointment.select()
            .where(
                (Appointment.starts_at >= start)
                & (Appointment.starts_at < start + dt.timedelta(days=1))
            )
            .count()
        )
        assert report.busiest_day == TODAY and report.busiest_count == today_count > 0
        assert StaffMember.select().where(StaffMember.username == "desk").exists()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        # The indexes dropped for the build are all back.
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"appointment_provider_id_starts_at", "claim_service_date_id"} <= names
    finally:
        conn.close()


def test_the_audit_trail_verifies(tiny, capsys):
    path, _report = tiny
    assert cli.main(["--db", str(path), "audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    open_database(path)
    report = verify_chain()
    assert report.ok and report.events > 100


def test_same_seed_same_clinic_other_seed_other_clinic(tiny, tmp_path):
    path, _report = tiny
    again = tmp_path / "again.db"
    generate_clinic(again, patients=1000, years=1, seed=11, today=TODAY)
    assert _dump(again) == _dump(path)
    other = tmp_path / "other.db"
    generate_clinic(other, patients=1000, years=1, seed=12, today=TODAY)
    assert _dump(other)["patient"] != _dump(path)["patient"]


@pytest.mark.parametrize("content", [b"", b"my notes, not a database"])
def test_an_existing_file_is_refused_and_left_alone(tmp_path, content, capsys):
    target = tmp_path / "clinic.db"
    target.write_bytes(content)
    with pytest.raises(ClinicFileExists, match="already exists"):
        generate_clinic(target, patients=100, years=1)
    assert target.read_bytes() == content
    assert cli.main(["generate", "--patients", "100", "--years", "1", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.db"]


def test_an_existing_clinic_is_refused(tiny, capsys):
    path, _report = tiny
    before = path.read_bytes()
    assert cli.main(["generate", "--patients", "100", "--years", "1", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_bad_sizes_are_refused_before_anything_is_made(tmp_path):
    with pytest.raises(ServiceError, match="patients"):
        generate_clinic(tmp_path / "a.db", patients=0, years=1)
    with pytest.raises(ServiceError, match="years"):
        generate_clinic(tmp_path / "a.db", patients=100, years=0)
    assert list(tmp_path.iterdir()) == []


def test_the_command_builds_a_new_file(tmp_path, capsys):
    target = tmp_path / "new.db"
    assert cli.main(["generate", "--quiet", "--patients", "200", "--years", "1", str(target)]) == 0
    out = capsys.readouterr().out
    assert "200 patients" in out and "bench-password-2026" in out
    open_database(target)
    with db.connection_context():
        assert Patient.select().count() == 200


async def test_the_app_opens_the_generated_clinic(tiny):
    path, report = tiny
    open_database(path)
    app = make_app(path, actor=find_staff("desk"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        # Today is the busiest day: the schedule holds every one of its appointments.
        assert len(app.screen.rows) == report.busiest_count
        assert table_rows(app)  # and shows them
