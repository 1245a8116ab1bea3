"""'Changed' means a domain change: other terminals refetch a screen only when a topic it
shows moved. Opening a chart (an audit event only) makes no other terminal refetch, and a
terminal's own write is not reported back to it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from moa_tui.cli import make_app
from moa_tui.db import changes
from moa_tui.db.changes import ChangeWatcher
from moa_tui.db.database import db
from moa_tui.db.models import Patient, SupplyItem
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services.patients.patients import open_patient
from moa_tui.services.security.staff import find_staff
from moa_tui.services.supplies.inventory import receive_stock

from .ui_helpers import settle


def another_terminal(path, code: str) -> None:
    """Run *code* as desk in another process on the same database file."""
    script = textwrap.dedent(
        f"""
        from moa_tui.db.database import open_database
        from moa_tui.services import clock
        from moa_tui.services.security.staff import find_staff, load_clinic
        clock.freeze("2026-11-18T10:30:00")
        open_database({str(path)!r})
        load_clinic()
        desk = find_staff("desk")
        """
    ) + textwrap.dedent(code)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def _ids():
    with db.connection_context():
        return Patient.select().first().id, SupplyItem.select().first().id


def test_a_chart_opened_elsewhere_moves_only_the_audit_topic(demo_db):
    patient_id, item_id = _ids()
    watcher = ChangeWatcher(demo_db)
    try:
        another_terminal(
            demo_db,
            f"""
            from moa_tui.services.patients.patients import open_patient
            open_patient(desk, {patient_id})
            """,
        )
        assert watcher.changed() == {changes.AUDIT}
        another_terminal(
            demo_db,
            f"""
            from moa_tui.services.supplies.inventory import receive_stock
            receive_stock(desk, {item_id}, "3", "delivery")
            """,
        )
        # (received stock posts its value to the books in the same transaction)
        assert watcher.changed() == {changes.STOCK, changes.BOOKS, changes.AUDIT}
        assert watcher.changed() == set()
    finally:
        watcher.close()


def test_this_terminals_own_writes_are_not_reported_back(demo_db):
    patient_id, item_id = _ids()
    desk = find_staff("desk")
    watcher = ChangeWatcher(demo_db)
    try:
        receive_stock(desk, item_id, "3", "delivery")
        open_patient(desk, patient_id)
        # Its screen refetched already; only the audit report would care.
        assert changes.STOCK not in watcher.changed()
    finally:
        watcher.close()


async def test_the_schedule_refetches_for_a_booking_elsewhere_not_for_a_chart(demo_db, monkeypatch):
    patient_id, _ = _ids()
    reloads = []
    original = ScheduleScreen.reload

    def counting(self):
        reloads.append(1)
        return original(self)

    monkeypatch.setattr(ScheduleScreen, "reload", counting)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        before = len(reloads)
        another_terminal(
            demo_db,
            f"""
            from moa_tui.services.patients.patients import open_patient
            open_patient(desk, {patient_id})
            """,
        )
        app._look_for_changes()
        await settle(pilot)
        assert len(reloads) == before, "a chart opened elsewhere made the schedule refetch"
        another_terminal(
            demo_db,
            """
            from moa_tui.db.models import Appointment
            from moa_tui.services.scheduling.booking import cancel_appointment
            a = Appointment.select().where(Appointment.status == "booked").first()
            cancel_appointment(desk, a.id, a.version, "patient")
            """,
        )
        app._look_for_changes()
        await settle(pilot)
        assert len(reloads) == before + 1


def test_own_writes_count_per_database_file(demo_db, tmp_path):
    """A write this process made to another clinic file (an earlier test, a restore) must
    not hide the same version number of this file's topic."""
    _, item_id = _ids()
    changes._own[(str((tmp_path / "other.db").resolve()), changes.STOCK)] = 1
    watcher = ChangeWatcher(demo_db)
    try:
        another_terminal(
            demo_db,
            f"""
            from moa_tui.services.supplies.inventory import receive_stock
            receive_stock(desk, {item_id}, "3", "delivery")
            """,
        )
        assert changes.STOCK in watcher.changed()
    finally:
        watcher.close()


async def test_the_waiting_room_refetches_through_the_apps_one_watcher(demo_db, monkeypatch):
    """The waiting room has no poll of its own: the app's change watcher (ui/session.py)
    tells it of a schedule change and it refetches; an audit-only change does nothing."""
    from moa_tui.cli import make_kiosk_app
    from moa_tui.kiosk import WaitingRoomScreen

    reloads = []
    original = WaitingRoomScreen.reload
    monkeypatch.setattr(
        WaitingRoomScreen, "reload", lambda self: (reloads.append(1), original(self))
    )
    patient_id, _item = _ids()
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"), waiting_room=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WaitingRoomScreen) and app._watcher is not None
        before = len(reloads)
        another_terminal(
            demo_db,
            f"""
            from moa_tui.services.patients.patients import open_patient
            open_patient(desk, {patient_id})
            """,
        )
        app._look_for_changes()
        await settle(pilot)
        assert len(reloads) == before
        another_terminal(
            demo_db,
            """
            from moa_tui.db.models import Appointment
            from moa_tui.services.scheduling.booking import cancel_appointment
            a = Appointment.select().where(Appointment.status == "booked").first()
            cancel_appointment(desk, a.id, a.version, "patient")
            """,
        )
        app._look_for_changes()
        await settle(pilot)
        assert len(reloads) == before + 1
