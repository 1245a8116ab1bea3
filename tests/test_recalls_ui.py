"""Recalls by keyboard at 80x24 (issue 12 item 5, Done when): set at check-out and from
the chart (a past due date refused beside the field), and the recall list worked into a
booked visit through the schedule's own booking screen."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.db.models import Appointment, Patient, Recall, RecallCall
from moa_tui.screens.comms.recalls import RecallsScreen
from moa_tui.screens.frontdesk.check_out import CheckOutScreen
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.scheduling.booking import BookingScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services.comms.recalls import add_recall
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.form import FormDialog

from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)


def _without_demo_recalls() -> None:
    RecallCall.delete().execute()
    Recall.delete().execute()


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def test_works_the_recall_list_into_a_booked_visit(demo_db):
    _without_demo_recalls()
    desk = find_staff("desk")
    patient = Patient.select().where(~Patient.restricted).order_by(Patient.id.desc()).first()
    name = f"{patient.last_name}, {patient.first_name}"
    recall = add_recall(desk, patient.id, {"kind": "annual", "due": "t"})
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        await pilot.press("d")  # the schedule's key for the recall list
        await settle(pilot)
        assert isinstance(app.screen, RecallsScreen)
        assert "Recalls due" in static_text(app, "#titlebar")
        move_to_row(app, lambda row: row[1].startswith(name[:14]))
        await settle(pilot)
        assert "Annual physical due" in static_text(app, "#recalls-detail")
        await pilot.press("3")  # no answer: counted, stays on the list
        await settle(pilot)
        assert "no answer (1 call so far)" in static_text(app, "#message")
        row = move_to_row(app, lambda row: row[1].startswith(name[:14]))
        assert table_rows(app)[row][3] == "1 no answer"
        await pilot.press("1")  # reached on the second call
        await settle(pilot)
        move_to_row(app, lambda row: row[1].startswith(name[:14]))
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert "Book the recall due 11/18/2026" in static_text(app, "#titlebar")
        assert app.screen.table.selected_key() == f"t{_type_id('Physical')}"
        await pilot.press("enter")  # the type the recall asks for
        await settle(pilot)
        await pilot.press("enter")  # any provider
        await settle(pilot)
        slot = app.screen.slots[0]
        await pilot.press("enter")  # the first open slot
        await settle(pilot)
        assert isinstance(app.screen, RecallsScreen)
        assert "Booked" in static_text(app, "#message")
        assert not any(r.id == recall.id for r in app.screen.rows.values())
    stored = Recall.get_by_id(recall.id)
    assert stored.status == "booked" and stored.attempts == 2
    visit = Appointment.get_by_id(stored.appointment_id)
    assert visit.patient_id == patient.id and visit.starts_at == slot.starts_at
    assert visit.appt_type.name == "Physical"
    assert [c.outcome for c in RecallCall.select().order_by(RecallCall.id)] == [
        "no_answer", "reached",
    ]  # fmt: skip


def _type_id(name: str) -> int:
    from moa_tui.db.models import AppointmentType

    return AppointmentType.get(AppointmentType.name == name).id


async def test_check_out_sets_a_recall_and_refuses_a_past_date_beside_the_field(demo_db):
    _without_demo_recalls()
    desk = find_staff("desk")
    visit = (
        Appointment.select()
        .join(Patient)
        .where((Appointment.status == "with_provider") & ~Patient.restricted)
        .first()
    )
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CheckOutScreen(visit.id))
        await settle(pilot)
        assert "none set (r)" in static_text(app, "#visit-body")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("down")  # the kinds: annual physical, 6-month follow-up
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        await _type(pilot, "t-1")
        for _ in range(3):  # due, provider (the visit's), note: saved
            await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "has passed" in static_text(app, "#error-due")
        assert Recall.select().count() == 0
        for _ in range(3):
            await pilot.press("backspace")
        await _type(pilot, "t+6m")
        for _ in range(3):
            await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckOutScreen)
        assert "Recall set: 6-month follow-up, due 05/18/2027" in static_text(app, "#message")
        assert "6-month follow-up due 05/18/2027" in static_text(app, "#visit-body")
    recall = Recall.get()
    assert recall.set_at_visit_id == visit.id and recall.provider_id == visit.provider_id
    assert recall.patient_id == visit.patient_id and recall.due_on == dt.date(2027, 5, 18)


async def test_the_chart_sets_a_recall_by_hand(demo_db):
    _without_demo_recalls()
    patient = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_patient(patient.id)
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        for _ in range(4):  # annual physical, due a year on, any provider, no note
            await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert "Recall set: annual physical, due 11/18/2027" in static_text(app, "#message")
    recall = Recall.get()
    assert recall.patient_id == patient.id and recall.provider_id is None
