"""Confirmation calls and the waitlist, driven by key presses at 80x24."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.db.models import (
    Appointment,
    AppointmentType,
    ConfirmationCall,
    Patient,
    Provider,
    WaitlistEntry,
)
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.scheduling.calls import CallsScreen
from moa_tui.screens.scheduling.waitlist import SlotsDialog, WaitlistScreen
from moa_tui.services import clock
from moa_tui.services.scheduling.waitlist import add_to_waitlist
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import ConfirmDialog

from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)


def _tomorrows_booked() -> list[Appointment]:
    day = clock.today() + dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time.min)
    return list(
        Appointment.select()
        .where(
            (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
            & (Appointment.status == "booked")
        )
        .order_by(Appointment.starts_at)
    )


async def _open(app, pilot, screen) -> None:
    await settle(pilot)
    app.push_screen(screen)
    await settle(pilot)


def _row_of(app, appt: Appointment) -> int:
    patient = Patient.get_by_id(appt.patient_id)
    return move_to_row(
        app,
        lambda row: (
            row[0] == f"{appt.starts_at:%H:%M}"
            and row[1] == f"{patient.last_name}, {patient.first_name}"
        ),
    )


async def test_calls_list_tomorrow_with_phones_and_confirm_leaves_it(demo_db):
    expected = _tomorrows_booked()
    assert len(expected) > 5
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, CallsScreen())
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        rows = table_rows(app)
        assert len(rows) == len(expected)
        assert [r[0] for r in rows] == [f"{a.starts_at:%H:%M}" for a in expected]
        first = Patient.get_by_id(expected[0].patient_id)
        phone = first.phone_mobile
        assert f"{phone[:3]}-{phone[3:6]}-{phone[6:]}" in rows[0][2]
        assert "tomorrow" in static_text(app, "#titlebar")

        target = expected[1]
        _row_of(app, target)
        await pilot.press("1")
        await settle(pilot)
        assert str(target.id) not in screen.items
        assert len(table_rows(app)) == len(expected) - 1
        assert "confirmed" in static_text(app, "#message")
    stored = Appointment.get_by_id(target.id)
    assert stored.confirmation == "confirmed" and stored.status == "booked"
    assert ConfirmationCall.get(ConfirmationCall.appointment == target.id).outcome == "confirmed"


async def test_left_message_stays_and_cancel_cancels(demo_db):
    expected = _tomorrows_booked()
    kept, cancelled = expected[2], expected[3]
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, CallsScreen())
        index = _row_of(app, kept)
        await pilot.press("2")
        await settle(pilot)
        assert table_rows(app)[index][3] == "Left message"
        assert app.screen.items[str(kept.id)].call.last_outcome == "Left message"
        # Called again later: the row's new version is used, no conflict.
        _row_of(app, kept)
        await pilot.press("3")
        await settle(pilot)
        assert table_rows(app)[index][3] == "No answer"

        _row_of(app, cancelled)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("y")  # asked once: yes, cancel it
        await settle(pilot)
        assert str(cancelled.id) not in app.screen.items
        assert "cancelled" in static_text(app, "#message")

        rescheduled = expected[4]
        _row_of(app, rescheduled)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("escape")  # the booking screen opened to move it: not now
        await settle(pilot)
        assert str(rescheduled.id) not in app.screen.items
        assert "r on the schedule moves it" in static_text(app, "#message")
    assert Appointment.get_by_id(kept.id).confirmation == "no_answer"
    assert Appointment.get_by_id(cancelled.id).status == "cancelled"
    assert Appointment.get_by_id(rescheduled.id).status == "booked"  # moved by hand next


async def test_calls_other_days_and_open_patient(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, CallsScreen())
        screen = app.screen
        await pilot.press("right")
        await settle(pilot)
        assert screen.days_ahead == 2
        day = clock.today() + dt.timedelta(days=2)
        assert all(i.call.starts_at.date() == day for i in screen.items.values())
        assert screen.items
        await pilot.press("left", "left")
        await settle(pilot)
        assert screen.days_ahead == 0
        await pilot.press("left")  # nothing before today
        await settle(pilot)
        assert screen.days_ahead == 0
        await pilot.press("right")
        await settle(pilot)
        item = next(iter(screen.items.values()))
        move_to_row(app, lambda row: row[1] == item.call.patient)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")  # back to the area it was opened over
        await settle(pilot)
        assert not isinstance(app.screen, CallsScreen)


async def test_calls_keys_hidden_from_a_read_only_role(demo_db):
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, CallsScreen())
        assert app.screen.items
        move_to_row(app, lambda row: True)
        await pilot.press("1")
        await settle(pilot)
    assert not ConfirmationCall.select().exists()


def _waitlist(desk, provider: Provider | None = None, kind=None, **prefs):
    patient = Patient.select().order_by(Patient.id.desc()).offset(len(prefs) + 3).first()
    return add_to_waitlist(
        desk,
        patient.id,
        {
            "provider_id": provider.id if provider else None,
            "type_id": kind.id if kind else None,
            **prefs,
        },
    )


async def test_waitlist_slots_book_and_leave_the_list(demo_db):
    desk = find_staff("desk")
    provider = Provider.get(Provider.short_name == "Dr Everbright")
    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    booked = _waitlist(desk, provider, kind, part_of_day="pm", note="any afternoon [b]")
    other = _waitlist(desk, weekdays="24", note="Wed or Fri")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, WaitlistScreen())
        screen = app.screen
        rows = table_rows(app)
        assert [r[0] for r in rows] == [booked.patient, other.patient]
        assert rows[0][2] == "Dr Everbright · Follow-up · pm"
        assert rows[0][4] == "any afternoon [b]"
        assert rows[1][2] == "any provider · any type · WeFr"

        move_to_row(app, lambda row: row[0] == booked.patient)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SlotsDialog)
        slots = list(dialog.slots.values())
        assert len(slots) == 10
        now = clock.now_local().naive
        for slot in slots:
            assert slot.provider_id == provider.id
            assert slot.starts_at.hour >= 12 and slot.starts_at > now
        assert [s.starts_at for s in slots] == sorted(s.starts_at for s in slots)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert [r[0] for r in table_rows(app)] == [other.patient]
        assert "Booked" in static_text(app, "#message")
    chosen = slots[1]
    appt = Appointment.get(
        (Appointment.provider == provider.id) & (Appointment.starts_at == chosen.starts_at)
    )
    assert appt.patient_id == booked.patient_id and appt.appt_type_id == kind.id
    assert not WaitlistEntry.get_by_id(booked.id).active


async def test_waitlist_any_type_uses_first_type_and_t_changes_it(demo_db):
    desk = find_staff("desk")
    entry = _waitlist(desk, weekdays="4")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, WaitlistScreen())
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert dialog.found.appt_type == "Follow-up"  # the first type by name
        assert all(s.starts_at.weekday() == 4 for s in dialog.slots.values())
        await pilot.press("t")
        await settle(pilot)
        assert dialog.found.appt_type == "New patient"
        assert all(s.minutes == 30 for s in dialog.slots.values())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WaitlistScreen)
    assert WaitlistEntry.get_by_id(entry.id).active


async def test_waitlist_remove_after_a_yes(demo_db):
    desk = find_staff("desk")
    first = _waitlist(desk, note="first")
    second = _waitlist(desk, weekdays="01", note="second")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, WaitlistScreen())
        move_to_row(app, lambda row: row[4] == "second")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert len(table_rows(app)) == 2
        move_to_row(app, lambda row: row[4] == "second")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [r[4] for r in table_rows(app)] == ["first"]
        assert "off the waitlist" in static_text(app, "#message")
    assert WaitlistEntry.get_by_id(first.id).active
    assert not WaitlistEntry.get_by_id(second.id).active


async def test_waitlist_slot_for_a_visit_needing_an_authorization_asks_first(demo_db):
    """The waitlist's open slots ask the question the slot list asks (issue 12 item 6):
    no authorization on file for a type that needs one: n books nothing, the entry stays."""
    from moa_tui.db.models import Coverage
    from moa_tui.widgets.dialogs import ConfirmDialog

    desk = find_staff("desk")
    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    AppointmentType.update(needs_authorization=True).where(AppointmentType.id == kind.id).execute()
    insured = (
        Coverage.select()
        .where(Coverage.ends.is_null())
        .join(Patient)
        .where(~Patient.restricted)
        .first()
    )
    entry = add_to_waitlist(desk, insured.patient_id, {"provider_id": None, "type_id": kind.id})
    before = Appointment.select().where(Appointment.patient == insured.patient_id).count()
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, WaitlistScreen())
        move_to_row(app, lambda row: row[0] == entry.patient)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SlotsDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "No authorization on file" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SlotsDialog)
        assert "Not booked" in static_text(app, "#dialog-message")
    assert Appointment.select().where(Appointment.patient == insured.patient_id).count() == before
    assert WaitlistEntry.get_by_id(entry.id).active
