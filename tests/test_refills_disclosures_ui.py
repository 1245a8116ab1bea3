"""Refill requests and disclosures by keyboard alone at 80x24 (issue 12 items 7, 9, 10): a
refill from a call in a few keys, where it stands from the call screen, its next step
from the inbox; a bad pharmacy phone or no patient refused with nothing written; the
disclosure log from the chart (audited), a release with no recipient refused beside the
field, the accounting of disclosures saved as a PDF letter."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from moa_tui.cli import make_app
from moa_tui.db.models import (
    Appointment,
    AuditEvent,
    ClinicSettings,
    Disclosure,
    InboxMessage,
    Patient,
    RefillRequest,
)
from moa_tui.screens.comms.inbox import InboxScreen
from moa_tui.screens.comms.new_call import NewCallScreen
from moa_tui.screens.comms.refills import PatientRefillsScreen, RefillCallScreen
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.records.disclosures import DisclosuresScreen
from moa_tui.services.comms.refills import log_refill, prescriber_choices, step_refill
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .conftest import FROZEN_NOW
from .test_comms_ui import Keys
from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def _patient() -> Patient:
    """A patient who has been seen (so a prescriber is known) with a mobile phone."""
    seen = Appointment.select(Appointment.patient).join(Patient).where(~Patient.restricted)
    return Patient.get_by_id(seen.order_by(Appointment.patient).first().patient_id)


async def test_a_refill_from_a_call_in_few_keys_then_where_it_stands(demo_db):
    patient = _patient()
    search = f"{patient.last_name[:4]} {patient.first_name[:3]}".lower()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("f10")
        await settle(pilot)
        await keys.type(search)
        await settle(pilot)
        await keys.press("enter")  # the first match is the patient
        await settle(pilot)
        await keys.press("ctrl+f")  # the patient's refills
        await settle(pilot)
        assert isinstance(app.screen, PatientRefillsScreen)
        await keys.press("n")  # the call is a new refill request
        await settle(pilot)
        assert isinstance(app.screen, RefillCallScreen)
        assert app.screen.focused.id == "medication"  # caller and callback came along
        await keys.type("Metformin")
        await keys.press("enter")
        await keys.type("500 mg")
        await keys.press("enter")
        await keys.type("Corner Drug")
        await keys.press("enter")
        await keys.type("212-555-0142")
        await keys.press("enter", "enter", "enter")  # the patient's prescriber; no note: saves
        await settle(pilot)
        assert not isinstance(app.screen, (RefillCallScreen, PatientRefillsScreen, NewCallScreen))
        assert keys.count <= 11, keys.count
        r = RefillRequest.select().order_by(RefillRequest.id.desc()).get()
        assert (r.patient_id, r.medication, r.dose, r.pharmacy_phone, r.status) == (
            patient.id, "Metformin", "500 mg", "2125550142", "sent",
        )  # fmt: skip
        expected = prescriber_choices(find_staff("desk"), patient.id).default
        assert f"provider:{r.prescriber_id}" == expected
        m = InboxMessage.get_by_id(r.message_id)
        assert (m.kind, m.caller, m.to_provider_id) == ("refill", m.caller, r.prescriber_id)
        assert m.caller and m.callback

        # The patient calls back: where does it stand?
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press(*search)
        await settle(pilot)
        await pilot.press("enter", "ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, PatientRefillsScreen)
        rows = table_rows(app, "#refills-table")
        assert rows[0][1] == "Metformin 500 mg" and rows[0][3].startswith("Sent to provider")


async def test_no_patient_or_a_bad_pharmacy_phone_is_refused_and_nothing_saved(demo_db):
    patient = _patient()
    search = f"{patient.last_name[:4]} {patient.first_name[:3]}".lower()
    before = (RefillRequest.select().count(), InboxMessage.select().count())
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("enter", "ctrl+f")  # not a patient: no refill request
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        assert "for a patient" in static_text(app, "#call-patient")
        await pilot.press(*search)
        await settle(pilot)
        await pilot.press("enter", "ctrl+f", "n")
        await settle(pilot)
        assert isinstance(app.screen, RefillCallScreen)
        await pilot.press(*"Metformin", "enter", "enter", *"Corner Drug", "enter")
        await pilot.press(*"555-12", "enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RefillCallScreen)
        assert "10 digits" in static_text(app, "#error-pharmacy_phone")
        assert app.screen.focused.id == "pharmacy_phone"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientRefillsScreen)  # Esc: back, nothing logged
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)  # the call is still being taken
    assert (RefillRequest.select().count(), InboxMessage.select().count()) == before


async def test_the_next_step_from_the_inbox(demo_db):
    desk, nurse = find_staff("desk"), find_staff("nurse")
    patient = _patient()
    values = {"caller": "Ann Lee", "callback": "5552013344", "medication": "Lisinopril",
              "pharmacy": "Corner Drug", "pharmacy_phone": "2125550142",
              "prescriber": prescriber_choices(desk, patient.id).default}  # fmt: skip
    logged = log_refill(desk, values, patient.id)
    r = RefillRequest.get_by_id(logged.id)
    step_refill(nurse, r.id, r.version, "approved", "30 days")  # back to the front desk
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        move_to_row(app, lambda row: row[4].startswith("Refill: Lisinopril"), "#inbox-table")
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # approved: the one next step is done
        await pilot.press(*"Called Corner Drug", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    r = RefillRequest.get_by_id(r.id)
    assert r.status == "done" and InboxMessage.get_by_id(logged.message_id).status == "done"


async def test_disclosures_from_the_chart_and_the_accounting_letter(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    patient = _patient()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PatientChartScreen(patient.id))
        await settle(pilot)
        opened = AuditEvent.select().where(AuditEvent.action == "disclosures.open").count()
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, DisclosuresScreen)
        assert AuditEvent.select().where(AuditEvent.action == "disclosures.open").count() == (
            opened + 1
        )
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+s")  # nobody named: refused beside the field
        await settle(pilot)
        assert "Recipient is required" in static_text(app, "#error-recipient_name")
        assert Disclosure.select().count() == 0
        await pilot.press(*"Dr Ana Ruiz", "enter", *"Lakeside Cardiology", "enter", "enter")
        await pilot.press(*"Visit notes 2025", "enter", "enter", "enter", "enter")
        await pilot.press("enter", "enter")  # treatment: no authorization needed; saves
        await settle(pilot)
        assert isinstance(app.screen, DisclosuresScreen)
        rows = table_rows(app, "#disclosures-table")
        assert rows[0][1].startswith("Dr Ana Ruiz") and rows[0][3] == "not required"
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter", "enter")  # the last six years
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DisclosuresScreen)
    [pdf] = tmp_path.glob("disclosures-*.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Accounting of disclosures" in text and "There were no such disclosures" in text
    assert "(1 in this period)" in text  # the treatment release is counted, left out
    d = Disclosure.get()
    assert (d.patient_id, d.purpose, d.auth_ref) == (patient.id, "treatment", "")


async def test_the_inbox_loads_a_page_at_a_time_as_you_scroll(demo_db):
    import datetime as dt

    from moa_tui.services import clock

    desk = find_staff("desk")
    due = clock.now_utc() + dt.timedelta(hours=2)
    InboxMessage.insert_many(
        [
            {"kind": "call", "caller": f"Caller {i}", "callback": "5552013344",
             "reason": f"Question {i:03d}", "to_group": "front desk",
             "inbox_key": "group:front desk", "created_by": desk.id,
             "created_at": clock.now_utc(), "due_at": due + dt.timedelta(minutes=i)}
            for i in range(150)
        ]
    ).execute()  # fmt: skip
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert len(table_rows(app, "#inbox-table")) == 100
        assert "100 items+" in static_text(app, "#inbox-summary")
        await pilot.press("end")  # near the end of what is loaded: the next page comes
        await settle(pilot)
        rows = table_rows(app, "#inbox-table")
        assert len(rows) == 150
        assert [r[4] for r in rows] == [f"Question {i:03d}" for i in range(150)]  # by due
