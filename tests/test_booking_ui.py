"""Booking, moving, cancelling, no-shows, recurring visits and the waitlist, by real key
presses at 80x24 on the small demo clinic (frozen clock: Wednesday 11/18/2026 10:30)."""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import traceback

from moa_tui.cli import make_app
from moa_tui.db.models import Appointment, AppointmentType, Patient, Provider, WaitlistEntry
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.patients.form import PatientFormScreen
from moa_tui.screens.scheduling.booking import BookingScreen
from moa_tui.screens.scheduling.history import HistoryScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services import clock
from moa_tui.services.patients.patients import search_patients
from moa_tui.services.scheduling.booking import SlotFilter, book_appointment, find_open_slots
from moa_tui.services.scheduling.schedule import ScheduleRow
from moa_tui.services.scheduling.waitlist import add_to_waitlist
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import InfoDialog, PickDialog
from moa_tui.widgets.paged_table import PagedTable

from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)
SPAWN = multiprocessing.get_context("spawn")


def follow_up() -> AppointmentType:
    return AppointmentType.get(AppointmentType.name == "Follow-up")


def name_query(patient: Patient) -> str:
    """What the desk types: last and first name prefixes, like "smi jo"."""
    return f"{patient.last_name[:3]} {patient.first_name[:2]}".lower()


async def press(pilot, *keys: str) -> int:
    """Press *keys* one by one, letting each key's work finish; returns how many."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return len(keys)


def selected_row(app) -> ScheduleRow:
    return app.screen.selected()


def select_appointment(app, row: ScheduleRow) -> None:
    move_to_row(app, lambda cells: cells[2] == row.patient and cells[0] == f"{row.starts_at:%H:%M}")
    assert app.screen.selected().id == row.id


async def to_tomorrow(pilot) -> list[ScheduleRow]:
    await press(pilot, "right")
    return list(pilot.app.screen.rows.values())


async def test_book_known_patient_in_at_most_12_keys(demo_db):
    desk = find_staff("desk")
    target = Patient.select().order_by(Patient.id).first()
    query = name_query(target)
    patient = search_patients(desk, query)[0]  # Enter picks the first match
    first = find_open_slots(desk, follow_up().id, SlotFilter(), 1)[0]
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        keys = await press(pilot, "b", *query)  # b and the name
        keys += await press(pilot, "enter")  # the patient: the first match
        keys += await press(pilot, "enter")  # the type: Follow-up, highlighted first
        keys += await press(pilot, "enter")  # any provider
        assert isinstance(app.screen, BookingScreen)
        assert table_rows(app)[0][1] == f"{first.starts_at:%H:%M}"
        keys += await press(pilot, "enter")  # the first open slot
        assert keys == 11 and keys <= 12
        assert isinstance(app.screen, ScheduleScreen)
        assert app.screen.day == first.starts_at.date()
        booked = selected_row(app)  # the cursor is on the new appointment
        assert booked.patient_id == patient.id and booked.starts_at == first.starts_at
        assert static_text(app, "#message").startswith(f"Booked {patient.name}")
    stored = Appointment.get(
        (Appointment.patient == patient.id) & (Appointment.starts_at == first.starts_at)
    )
    assert stored.provider_id == first.provider_id
    assert stored.appt_type_id == follow_up().id
    assert stored.status == "booked"


async def test_enter_typed_ahead_of_the_search_picks_the_first_match(demo_db):
    """A fast typist: Enters that arrive before the matches do still pick the patient,
    the type and the provider, in that order."""
    desk = find_staff("desk")
    target = Patient.select().order_by(Patient.id).first()
    query = name_query(target)
    patient = search_patients(desk, query)[0]
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b")
        for key in [*query, "enter", "enter", "enter"]:
            await pilot.press(key)  # no waiting for the search between keys
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookingScreen)
        assert screen.step == "slots" and screen.patient == (patient.id, patient.name)
        assert screen.kind.name == "Follow-up" and screen.filter.provider_id is None
        assert len(screen.slots) == 10


async def test_register_a_new_patient_inside_the_flow(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b", *"zzyzx", "enter")
        assert "No patient matches" in static_text(app, "#message")
        await press(pilot, "ctrl+n")
        assert isinstance(app.screen, PatientFormScreen)
        await press(pilot, *"Zzyzx", "enter", *"Quentin", "enter", *"04/17/1962", "ctrl+s")
        screen = app.screen
        assert isinstance(screen, BookingScreen) and screen.step == "type"
        assert screen.patient[1] == "Zzyzx, Quentin"
        await press(pilot, "enter", "enter", "enter")
        assert isinstance(app.screen, ScheduleScreen)
    new = Patient.get(Patient.last_name == "Zzyzx")
    (appt,) = Appointment.select().where(Appointment.patient == new.id)
    assert appt.status == "booked" and appt.appt_type.name == "Follow-up"


async def test_slot_filters_and_more(demo_db):
    desk = find_staff("desk")
    patient = Patient.select().order_by(Patient.id).first()
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b", *name_query(patient), "enter", "enter", "enter")
        screen = app.screen
        await press(pilot, "a")  # mornings
        assert screen.filter.part_of_day == "am"
        assert all(s.starts_at.hour < 12 for s in screen.slots)
        await press(pilot, "a")  # afternoons
        assert all(s.starts_at.hour >= 12 for s in screen.slots)
        await press(pilot, "d", *"Mon,Fri", "enter")
        assert screen.filter.weekdays == "04"
        assert {s.starts_at.weekday() for s in screen.slots} <= {0, 4}
        await press(pilot, "e", *"t+2w", "enter")
        assert screen.filter.earliest == clock.today() + dt.timedelta(weeks=2)
        assert all(s.starts_at.date() >= screen.filter.earliest for s in screen.slots)
        await press(pilot, "e", *"12/24", "enter")
        assert screen.filter.earliest == dt.date(2026, 12, 24)
        await press(pilot, "p")
        provider_id = screen.filter.provider_id
        assert provider_id is not None
        assert {s.provider_id for s in screen.slots} == {provider_id}
        assert len(screen.slots) == 10
        await press(pilot, "m")
        assert len(screen.slots) == 20
        await press(pilot, "d", *"xyz", "enter")  # refused beside the field
        assert "Days as digits" in str(app.screen.query_one("#error-days").content)
        await press(pilot, "escape")
        # Esc backs out step by step, then leaves.
        await press(pilot, "escape")
        assert screen.step == "provider"
        await press(pilot, "escape", "escape")
        assert screen.step == "patient"
        await press(pilot, "escape")
        assert isinstance(app.screen, ScheduleScreen)


def other_terminal_books(db_path: str, patient_id: int, provider_id: int, type_id, starts, out):
    """Another moa-tui (another OS process) books the slot as desk2."""
    try:
        from moa_tui.db.database import open_database
        from moa_tui.services.security.staff import load_clinic

        clock.set_zone("America/New_York")
        clock.freeze("2026-11-18T10:30:00")
        open_database(db_path)
        load_clinic()
        row = book_appointment(find_staff("desk2"), patient_id, provider_id, type_id, starts)
        out.put(("booked", row.id))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails with it
        out.put(("error", traceback.format_exc()))


async def test_slot_taken_by_another_terminal_offers_alternatives(demo_db):
    desk = find_staff("desk")
    patient, other = Patient.select().order_by(Patient.id).limit(2)
    # Made before the app runs: the first queue starts multiprocessing's resource tracker,
    # which needs a real stderr (inside run_test it is Textual's capture object).
    out = SPAWN.Queue()
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b", *name_query(patient), "enter", "enter", "enter")
        screen = app.screen
        taken = screen.slots[0]
        child = SPAWN.Process(
            target=other_terminal_books,
            args=(str(demo_db), other.id, taken.provider_id, follow_up().id, taken.starts_at, out),
        )
        child.start()
        answer = await asyncio.to_thread(out.get, True, 120)
        await asyncio.to_thread(child.join, 60)
        assert answer[0] == "booked", answer[1]
        await press(pilot, "enter")  # the list still shows the slot: book it
        assert app.screen is screen
        message = static_text(app, "#message")
        assert "already booked" in message and "R. Frontley" in message
        assert screen.slots and taken not in screen.slots
        assert app.screen.query_one(PagedTable).cursor_row == 0
        alternative = screen.slots[0]
        await press(pilot, "enter")  # the first alternative
        assert isinstance(app.screen, ScheduleScreen)
    assert (
        Appointment.select()
        .where(
            (Appointment.patient == patient.id) & (Appointment.starts_at == alternative.starts_at)
        )
        .exists()
    )
    theirs = Appointment.get(
        (Appointment.starts_at == taken.starts_at)
        & (Appointment.provider == taken.provider_id)
        & (Appointment.status == "booked")
    )
    assert theirs.patient_id == other.id


async def test_override_books_outside_hours_with_a_reason(demo_db):
    desk = find_staff("desk")
    patient = Patient.select().order_by(Patient.id).first()
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b", *name_query(patient), "enter", "enter", "enter", "p", "o")
        provider_id = app.screen.query_one("#provider").value
        await press(pilot, *"t-1 9:00", "enter", "enter", *"lab", "enter")
        assert "already passed" in str(app.screen.query_one("#error-when").content)
        await press(pilot, *"t+1 7:30", "enter", "enter", "ctrl+a", "ctrl+k", "enter")
        assert "Say why" in str(app.screen.query_one("#error-reason").content)
        await press(pilot, *"early lab draw", "enter")
        assert isinstance(app.screen, ScheduleScreen)
        assert f"{selected_row(app).starts_at:%H:%M}" == "07:30"
    appt = Appointment.get(
        (Appointment.patient == patient.id)
        & (Appointment.starts_at == dt.datetime(2026, 11, 19, 7, 30))
    )
    assert str(appt.provider_id) == provider_id
    assert "outside hours" in appt.override_reason and "early lab draw" in appt.override_reason


async def test_reschedule_moves_the_appointment(demo_db):
    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        old = next(r for r in await to_tomorrow(pilot) if r.status == "booked")
        kind = AppointmentType.get(AppointmentType.name == old.appt_type)
        first = find_open_slots(desk, kind.id, SlotFilter(provider_id=old.provider_id), 1)[0]
        select_appointment(app, old)
        await press(pilot, "r")
        assert isinstance(app.screen, BookingScreen)
        assert {s.provider_id for s in app.screen.slots} == {old.provider_id}
        await press(pilot, "enter")
        assert isinstance(app.screen, ScheduleScreen)
        new = selected_row(app)
        assert new.starts_at == first.starts_at and new.patient_id == old.patient_id
        assert static_text(app, "#message").startswith("Moved")
        if first.starts_at.date() == old.starts_at.date():
            status = next(c for c in table_rows(app) if c[2] == old.patient and c[4] != "Booked")
            assert status[4].startswith("→")
    moved = Appointment.get_by_id(old.id)
    assert moved.status == "rescheduled"
    assert moved.rescheduled_to.status == "booked"
    assert moved.rescheduled_to.starts_at == first.starts_at


async def test_cancel_offers_the_slot_to_the_waitlist(demo_db):
    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        slot = next(r for r in await to_tomorrow(pilot) if r.status == "booked")
        kind = AppointmentType.get(AppointmentType.name == slot.appt_type)
        waiting = Patient.select().where(Patient.id != slot.patient_id).first()
        entry = add_to_waitlist(
            desk, waiting.id, {"provider_id": slot.provider_id, "type_id": kind.id}
        )
        select_appointment(app, slot)
        await press(pilot, "x")
        await press(pilot, "enter")  # the patient cancelled
        assert isinstance(app.screen, PickDialog)
        move_to_row(app, lambda cells: cells[0] == entry.patient)
        await press(pilot, "enter")  # offer accepted
        assert isinstance(app.screen, ScheduleScreen)
        assert selected_row(app).patient_id == waiting.id
        cells = next(
            c for c in table_rows(app) if c[2] == slot.patient and c[0] == f"{slot.starts_at:%H:%M}"
        )
        assert cells[4].startswith("Cxl")
    assert Appointment.get_by_id(slot.id).status == "cancelled"
    given = Appointment.get(
        (Appointment.patient == waiting.id) & (Appointment.starts_at == slot.starts_at)
    )
    assert given.status == "booked" and given.provider_id == slot.provider_id
    assert not WaitlistEntry.get_by_id(entry.id).active


async def test_no_show_then_undo(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        now = clock.now_local().naive
        row = next(
            r for r in app.screen.rows.values() if r.status == "booked" and r.starts_at <= now
        )
        select_appointment(app, row)
        await press(pilot, "n")
        assert app.screen.rows[str(row.id)].status == "no_show"
        assert "no-show" in static_text(app, "#message")
        assert Appointment.get_by_id(row.id).status == "no_show"
        await press(pilot, "u")
        assert app.screen.rows[str(row.id)].status == "booked"
        assert "Undone" in static_text(app, "#message")
        # A later appointment cannot be a no-show yet: refused with the reason.
        later = next(
            r for r in app.screen.rows.values() if r.status == "booked" and r.starts_at > now
        )
        select_appointment(app, later)
        await press(pilot, "n")
        assert "has not started yet" in static_text(app, "#message")
    assert Appointment.get_by_id(row.id).status == "booked"
    assert Appointment.get_by_id(later.id).status == "booked"


async def test_recurring_weekly_skips_a_taken_week(demo_db):
    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    away = Provider.select().order_by(Provider.full_name).offset(1).first()  # vacation soon
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = next(
            r for r in await to_tomorrow(pilot) if r.status == "booked" and r.provider_id != away.id
        )
        kind = AppointmentType.get(AppointmentType.name == row.appt_type)
        other = Patient.select().where(Patient.id != row.patient_id).first()
        clash = row.starts_at + dt.timedelta(weeks=2)
        book_appointment(desk, other.id, row.provider_id, kind.id, clash)
        select_appointment(app, row)
        await press(pilot, "R")
        assert (
            app.screen.query_one("#first").value
            == f"{row.starts_at + dt.timedelta(weeks=1):%m/%d/%Y %H:%M}"
        )
        await press(pilot, "enter", "enter", "enter", "enter", "enter")  # weekly, 1, 4 visits
        assert isinstance(app.screen, InfoDialog)
        body = str(app.screen.query_one("#info-body").content)
        assert body.startswith("3 booked, 1 skipped")
        assert f"Skipped  {clash:%a %m/%d/%Y %H:%M}: " in body and "already booked" in body
        await press(pilot, "enter")
        assert isinstance(app.screen, ScheduleScreen)
        series = Appointment.select().where(
            (Appointment.patient == row.patient_id) & Appointment.series.is_null(False)
        )
        assert sorted(a.starts_at for a in series) == [
            row.starts_at + dt.timedelta(weeks=n) for n in (1, 3, 4)
        ]
        # X cancels this visit of the series and every later one; earlier ones stay.
        third = row.starts_at + dt.timedelta(weeks=3)
        await press(pilot, "g", *f"{third:%m/%d/%Y}", "enter")
        visit = next(r for r in app.screen.rows.values() if r.patient_id == row.patient_id)
        select_appointment(app, visit)
        await press(pilot, "X", "enter")
        assert static_text(app, "#message") == "Cancelled 2 visits of the series."
    statuses = {a.starts_at: a.status for a in series.clone()}  # not the cached rows
    assert statuses == {
        row.starts_at + dt.timedelta(weeks=1): "booked",
        third: "cancelled",
        row.starts_at + dt.timedelta(weeks=4): "cancelled",
    }


async def test_add_to_waitlist_with_preferences(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = next(r for r in app.screen.rows.values() if r.status == "booked")
        select_appointment(app, row)
        await press(pilot, "W", "enter", "enter", *"mon,wed", "enter", "enter")
        await press(pilot, *"t+7", "enter", *"call after 3", "enter")
        assert isinstance(app.screen, ScheduleScreen)
        assert static_text(app, "#message").startswith(f"Waitlist: {row.patient}")
    entry = WaitlistEntry.get(WaitlistEntry.patient == row.patient_id)
    assert entry.active and entry.provider_id is None
    assert entry.appt_type.name == row.appt_type
    assert entry.weekdays == "02" and entry.part_of_day == ""
    assert entry.earliest == clock.today() + dt.timedelta(days=7)
    assert entry.note == "call after 3"


async def test_chart_book_and_history(demo_db):
    desk = find_staff("desk")
    patient = Patient.select().order_by(Patient.id).first()
    first = find_open_slots(desk, follow_up().id, SlotFilter(), 1)[0]
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f4", *name_query(patient))
        move_to_row(app, lambda cells: cells[0] == patient.mrn)
        await press(pilot, "enter")
        assert isinstance(app.screen, PatientChartScreen)
        await press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BookingScreen) and screen.step == "type"
        await press(pilot, "enter", "enter", "enter")
        assert isinstance(app.screen, ScheduleScreen)
        booked = selected_row(app)
        assert booked.patient_id == patient.id and booked.starts_at == first.starts_at
        await press(pilot, "f4")  # back to the chart
        assert isinstance(app.screen, PatientChartScreen)
        await press(pilot, "h")
        assert isinstance(app.screen, HistoryScreen)
        rows = table_rows(app)
        assert [f"{first.starts_at:%m/%d/%Y}", f"{first.starts_at:%H:%M}"] in [r[:2] for r in rows]
        count = Appointment.select().where(Appointment.patient == patient.id).count()
        assert len(rows) == count
        await press(pilot, "escape")
        assert isinstance(app.screen, PatientChartScreen)


async def test_history_shows_what_happened(demo_db):
    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = next(r for r in await to_tomorrow(pilot) if r.status == "booked")
        select_appointment(app, row)
        await press(pilot, "x", "down", "down", "enter")  # the clinic cancelled
        assert Appointment.get_by_id(row.id).cancel_reason == "clinic"
        select_appointment(app, row)
        await press(pilot, "enter", "h")
        assert isinstance(app.screen, HistoryScreen)
        cells = next(
            c
            for c in table_rows(app)
            if c[0] == f"{row.starts_at:%m/%d/%Y}" and c[1] == f"{row.starts_at:%H:%M}"
        )
        assert cells[4] == "Cancelled" and cells[5] == "Clinic cancelled"


async def test_keys_typed_right_after_b_land_in_the_search(demo_db):
    """'n' is No-show on the schedule: typed straight after b it must be the name."""
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ["b", *"nux"]:
            await pilot.press(key)  # no waiting after b
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert app.screen.query_one("#booking-search").value == "nux"
    assert not Appointment.select().where(Appointment.no_show_at == clock.now_utc()).exists()


async def test_the_patient_step_is_the_one_patient_picker(demo_db):
    """Booking searches with the same picker as the Patients area (issue 9 item 12)."""
    from moa_tui.widgets.patient_picker import PatientPicker

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b", *"app")
        picker = app.screen.query_one(PatientPicker)
        assert picker.display and app.screen.focused is picker.search_box
        assert len(picker.hits) == 5
        await press(pilot, "enter")
        assert app.screen.step == "type" and not picker.display
