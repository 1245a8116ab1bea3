"""Insurance and merging from a patient's chart, by keys at 80x24."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.models import Appointment, Coverage, Patient
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.patients.coverage import CoverageScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.form import FormDialog

from .ui_helpers import settle, static_text

SIZE = (80, 24)


async def test_add_a_coverage_from_the_chart(demo_db):
    patient = Patient.select().order_by(Patient.id).first()
    before = Coverage.select().where(Coverage.patient == patient).count()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(patient.id)
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, CoverageScreen)
        await pilot.press("n")
        await settle(pilot)
        # Payer (first), priority 2 (down, down, enter), member id, no group...
        await pilot.press("enter", "down")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press(
            *"SEC-778", "enter", "enter", "enter", "enter", *"15", "enter", "enter", "enter"
        )
        await settle(pilot)
        assert isinstance(app.screen, CoverageScreen), static_text(app, "#dialog-message")
    added = Coverage.select().where(
        (Coverage.patient == patient) & (Coverage.member_id == "SEC-778")
    )
    assert Coverage.select().where(Coverage.patient == patient).count() == before + 1
    assert (added.get().priority, added.get().copay_cents) == (2, 1500)


async def test_a_bad_coverage_is_refused_beside_the_field(demo_db):
    patient = Patient.select().order_by(Patient.id).first()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(patient.id)
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "Member id is required" in str(app.screen.query_one("#error-member_id").content)


async def test_manager_merges_a_duplicate_typing_its_mrn_twice(demo_db):
    keep, dup = Patient.select().order_by(Patient.id).limit(2)
    moved = Appointment.select().where(Appointment.patient == dup).count()
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(keep.id)
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await pilot.press(*dup.mrn, "enter")
        await settle(pilot)
        await pilot.press(*keep.mrn, "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # the wrong MRN the second time: refused
        app.screen.query_one("#confirm").value = ""
        app.screen.query_one("#confirm").focus()
        await pilot.press(*dup.mrn, "enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert "Merged" in static_text(app, "#message")
    assert Appointment.select().where(Appointment.patient == keep).count() >= moved
    assert Patient.get_by_id(dup.id).merged_into_id == keep.id


async def test_front_desk_has_no_merge_key(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(Patient.select().first().id)
        await settle(pilot)
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "merge" not in actions and "insurance" in actions
