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
from moa_tui.widgets.paged_table import PagedTable

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


# --- the entry remembers the visit it came from (W on a booked visit) ---------------------


def _two_providers(kind: AppointmentType) -> tuple[Provider, Provider]:
    from moa_tui.services.scheduling.availability import offering

    ids = sorted(offering(kind))
    assert len(ids) >= 2, "the demo clinic has two providers offering a follow-up"
    return Provider.get_by_id(ids[0]), Provider.get_by_id(ids[1])


def _free_slot(desk, kind, provider, earliest: dt.date):
    return find_open_slots(
        desk, kind.id, SlotFilter(provider_id=provider.id, earliest=earliest), 1
    )[0]


def test_a_linked_entry_moves_its_visit_to_any_provider(desk):
    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    first, second = _two_providers(kind)
    waiting = Patient.select().order_by(Patient.id)[7]
    later = _later_visit(desk, waiting, first.id, kind)
    entry = add_to_waitlist(desk, waiting.id, {"appointment_id": later.id})
    assert entry.moves == later.starts_at and entry.provider == "any"
    assert WaitlistEntry.get_by_id(entry.id).from_appointment_id == later.id
    slot = _free_slot(desk, kind, second, clock.today() + dt.timedelta(days=1))
    before = len(_booked(waiting.id))

    row = book_from_waitlist(desk, entry.id, second.id, kind.id, slot.starts_at)

    old = Appointment.get_by_id(later.id)
    assert old.status == "rescheduled" and old.rescheduled_to_id == row.id
    assert row.provider_id == second.id and row.moved_from == later.starts_at
    assert len(_booked(waiting.id)) == before


def test_the_link_follows_the_visit_through_a_move(desk):
    from moa_tui.services.scheduling.booking import reschedule

    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    first, _ = _two_providers(kind)
    waiting = Patient.select().order_by(Patient.id)[8]
    later = _later_visit(desk, waiting, first.id, kind)
    entry = add_to_waitlist(desk, waiting.id, {"appointment_id": later.id})
    elsewhere = _free_slot(desk, kind, first, clock.today() + dt.timedelta(days=21))
    moved = reschedule(desk, later.id, later.version, elsewhere.starts_at)
    slot = _free_slot(desk, kind, first, clock.today() + dt.timedelta(days=1))

    row = book_from_waitlist(desk, entry.id, first.id, kind.id, slot.starts_at)

    assert row.moved_from == elsewhere.starts_at
    assert Appointment.get_by_id(moved.id).rescheduled_to_id == row.id
    assert [a.id for a in _booked(waiting.id)].count(row.id) == 1


def test_an_overlapping_visit_with_another_provider_is_refused_not_doubled(desk):
    import pytest

    from moa_tui.services.errors import ServiceError

    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    first, second = _two_providers(kind)
    waiting = Patient.select().order_by(Patient.id)[9]
    tomorrow = clock.today() + dt.timedelta(days=1)
    # A time both providers have free; the patient takes it with the first one.
    free_second = {
        s.starts_at
        for s in find_open_slots(
            desk, kind.id, SlotFilter(provider_id=second.id, earliest=tomorrow), 40
        )
    }
    slot = next(
        s
        for s in find_open_slots(
            desk, kind.id, SlotFilter(provider_id=first.id, earliest=tomorrow), 40
        )
        if s.starts_at in free_second
    )
    book_appointment(desk, waiting.id, first.id, kind.id, slot.starts_at)
    entry = add_to_waitlist(desk, waiting.id, {"type_id": kind.id})  # any provider
    count = Appointment.select().count()

    with pytest.raises(ServiceError) as refused:
        book_from_waitlist(desk, entry.id, second.id, kind.id, slot.starts_at)

    assert "already has a visit then" in str(refused.value)
    assert f"{slot.starts_at:%H:%M}" in str(refused.value) and first.short_name in str(
        refused.value
    )
    assert Appointment.select().count() == count  # nothing booked
    assert WaitlistEntry.get_by_id(entry.id).active  # still waiting


def test_a_link_must_be_the_patients_own_booked_visit_once(desk):
    import pytest

    from moa_tui.services.errors import ValidationError

    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    first, _ = _two_providers(kind)
    patients = Patient.select().order_by(Patient.id)
    later = _later_visit(desk, patients[10], first.id, kind)
    with pytest.raises(ValidationError, match="another patient"):
        add_to_waitlist(desk, patients[11].id, {"appointment_id": later.id})
    add_to_waitlist(desk, patients[10].id, {"appointment_id": later.id})
    with pytest.raises(ValidationError, match="already on the waitlist"):
        add_to_waitlist(desk, patients[10].id, {"appointment_id": later.id})
    cancel_appointment(desk, later.id, Appointment.get_by_id(later.id).version, "patient")
    with pytest.raises(ValidationError, match="booked visit still to come"):
        add_to_waitlist(desk, patients[10].id, {"appointment_id": later.id})


async def test_W_links_the_visit_and_a_freed_slot_moves_it(demo_db):
    """W on a booked visit tomorrow puts the patient on the waitlist for that visit; x on
    an earlier visit of the same type offers its slot, and taking it moves the visit."""
    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        rows = sorted(
            (r for r in app.screen.rows.values() if r.status == "booked"),
            key=lambda r: r.starts_at,
        )
        visit = next(
            r
            for r in reversed(rows)
            if any(
                s.appt_type == r.appt_type
                and s.starts_at < r.starts_at
                and s.patient_id != r.patient_id
                for s in rows
            )
        )
        freed = next(
            s
            for s in rows
            if s.appt_type == visit.appt_type
            and s.starts_at < visit.starts_at
            and s.patient_id != visit.patient_id
        )
        assert app.screen.query_one(PagedTable).reveal_key(str(visit.id))
        assert app.screen.selected().id == visit.id
        await pilot.press("W")
        await settle(pilot)
        assert f"sooner than {visit.starts_at:%a %m/%d/%Y %H:%M}" in str(
            app.screen.query_one(".dialog-title").content
        )
        for _ in range(6):  # any provider, its type, any day, any time, from today, no note
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        message = static_text(app, "#message")
        assert f"a slot taken moves {visit.starts_at:%m/%d/%Y %H:%M}" in message
        entry = WaitlistEntry.get(
            (WaitlistEntry.patient == visit.patient_id) & WaitlistEntry.active
        )
        assert entry.from_appointment_id == visit.id and entry.provider_id is None

        assert app.screen.query_one(PagedTable).reveal_key(str(freed.id))
        assert app.screen.selected().id == freed.id
        for key in ("x", "enter"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        offered = [
            str(c)
            for c in app.screen.query_one("DataTable").get_row_at(
                move_to_row(app, lambda cells: cells[0] == visit.patient)
            )
        ]
        assert f"moves {visit.starts_at:%m/%d/%Y %H:%M}" in offered[2]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert (
            f"Moved {visit.patient} from {visit.starts_at:%m/%d %H:%M} "
            f"to {freed.starts_at:%m/%d %H:%M}" in static_text(app, "#message")
        )
    old = Appointment.get_by_id(visit.id)
    assert old.status == "rescheduled"
    new = old.rescheduled_to
    assert (new.starts_at, new.provider_id) == (freed.starts_at, freed.provider_id)
    assert not WaitlistEntry.get_by_id(entry.id).active


def test_a_patient_busy_then_is_not_offered_the_slot(desk):
    from moa_tui.services.scheduling.waitlist import waitlist_for_appointment

    kind = AppointmentType.get(AppointmentType.name == "Follow-up")
    first, second = _two_providers(kind)
    tomorrow = clock.today() + dt.timedelta(days=1)
    free_second = {
        s.starts_at
        for s in find_open_slots(
            desk, kind.id, SlotFilter(provider_id=second.id, earliest=tomorrow), 40
        )
    }
    slot = next(
        s
        for s in find_open_slots(
            desk, kind.id, SlotFilter(provider_id=first.id, earliest=tomorrow), 40
        )
        if s.starts_at in free_second
    )
    patients = Patient.select().order_by(Patient.id)
    busy, free, leaving = patients[12], patients[13], patients[14]
    book_appointment(desk, busy.id, first.id, kind.id, slot.starts_at)
    freed = book_appointment(desk, leaving.id, second.id, kind.id, slot.starts_at)
    busy_entry = add_to_waitlist(desk, busy.id, {"type_id": kind.id})
    free_entry = add_to_waitlist(desk, free.id, {"type_id": kind.id})
    cancel_appointment(desk, freed.id, freed.version, "patient")

    offered = [m.id for m in waitlist_for_appointment(desk, freed.id)]

    assert free_entry.id in offered
    assert busy_entry.id not in offered  # would be refused: already with the first provider
