"""Issue 9 item 3: a waitlisted patient who already has a later visit is moved into the
freed slot (a reschedule, linked old -> new), never booked a second time."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.db.models import Appointment, AppointmentType, Patient, Provider, WaitlistEntry
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services import clock
from moa_tui.services.scheduling.booking import (
    SlotFilter,
    book_appointment,
    cancel_appointment,
    find_open_slots,
)
from moa_tui.services.scheduling.waitlist import add_to_waitlist, book_from_waitlist
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import PickDialog

from .ui_helpers import move_to_row, settle, static_text

SIZE = (80, 24)


def _booked(patient_id: int) -> list[Appointment]:
    return list(
        Appointment.select()
        .where((Appointment.patient == patient_id) & (Appointment.status == "booked"))
        .order_by(Appointment.starts_at)
    )


def _later_visit(desk, patient: Patient, provider_id: int, kind: AppointmentType) -> Appointment:
    """Book *patient* a visit two weeks out with this provider and type."""
    slot = find_open_slots(
        desk,
        kind.id,
        SlotFilter(provider_id=provider_id, earliest=clock.today() + dt.timedelta(days=14)),
        1,
    )[0]
    row = book_appointment(desk, patient.id, provider_id, kind.id, slot.starts_at)
    return Appointment.get_by_id(row.id)


def test_taking_a_freed_slot_moves_the_later_visit(desk):
    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    provider = Provider.select().order_by(Provider.full_name).first()
    tomorrow = clock.today() + dt.timedelta(days=1)
    slot = find_open_slots(
        desk, kind.id, SlotFilter(provider_id=provider.id, earliest=tomorrow), 1
    )[0]
    patients = Patient.select().order_by(Patient.id)
    freed = book_appointment(desk, patients[0].id, provider.id, kind.id, slot.starts_at)
    waiting = patients[5]
    later = _later_visit(desk, waiting, provider.id, kind)
    before = _booked(waiting.id)
    entry = add_to_waitlist(desk, waiting.id, {"provider_id": provider.id, "type_id": kind.id})
    cancel_appointment(desk, freed.id, freed.version, "patient")
    count = Appointment.select().count()

    row = book_from_waitlist(desk, entry.id, provider.id, kind.id, slot.starts_at)

    assert Appointment.select().count() == count + 1  # the new slot; the old one is kept
    old = Appointment.get_by_id(later.id)
    assert old.status == "rescheduled" and old.rescheduled_to_id == row.id
    assert row.starts_at == slot.starts_at and row.moved_from == later.starts_at
    after = _booked(waiting.id)
    assert len(after) == len(before)  # moved, not doubled
    assert row.id in [a.id for a in after] and later.id not in [a.id for a in after]
    assert not WaitlistEntry.get_by_id(entry.id).active


def test_a_patient_without_a_later_visit_is_booked_as_before(desk):
    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    provider = Provider.select().order_by(Provider.full_name).first()
    tomorrow = clock.today() + dt.timedelta(days=1)
    slot = find_open_slots(
        desk, kind.id, SlotFilter(provider_id=provider.id, earliest=tomorrow), 1
    )[0]
    waiting = Patient.select().order_by(Patient.id)[5]
    for a in _booked(waiting.id):  # a clean slate: no later visit to move
        cancel_appointment(desk, a.id, a.version, "clinic")
    entry = add_to_waitlist(desk, waiting.id, {"provider_id": provider.id})
    row = book_from_waitlist(desk, entry.id, provider.id, kind.id, slot.starts_at)
    assert row.moved_from is None and row.patient_id == waiting.id
    assert [a.id for a in _booked(waiting.id)] == [row.id]


async def test_x_offer_take_moves_the_later_visit_and_says_so(demo_db):
    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        slot = next(r for r in app.screen.rows.values() if r.status == "booked")
        kind = AppointmentType.get(AppointmentType.name == slot.appt_type)
        waiting = Patient.select().where(Patient.id != slot.patient_id).first()
        later = _later_visit(desk, waiting, slot.provider_id, kind)
        entry = add_to_waitlist(
            desk, waiting.id, {"provider_id": slot.provider_id, "type_id": kind.id}
        )
        before = len(_booked(waiting.id))
        move_to_row(app, lambda c: c[2] == slot.patient and c[0] == f"{slot.starts_at:%H:%M}")
        for key in ("x", "enter"):  # cancel; the patient cancelled
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        move_to_row(app, lambda cells: cells[0] == entry.patient)
        await pilot.press("enter")  # the waiting patient takes it
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert app.screen.selected().patient_id == waiting.id
        message = static_text(app, "#message")
        assert (
            f"Moved {entry.patient} from {later.starts_at:%m/%d %H:%M} "
            f"to {slot.starts_at:%m/%d %H:%M}" in message
        )
    assert len(_booked(waiting.id)) == before
    old = Appointment.get_by_id(later.id)
    assert old.status == "rescheduled"
    assert old.rescheduled_to.starts_at == slot.starts_at
    assert old.rescheduled_to.provider_id == slot.provider_id
