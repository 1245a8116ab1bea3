"""Issue 9 item 12: one patient picker (widgets/patient_picker.py) for every search as you
type, driven by keys at 80x24."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.patients.patients import PatientsScreen
from moa_tui.services.patients.patients import search_patients
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.patient_picker import PatientPicker, choose_hint, open_hint

from .ui_helpers import settle, static_text

SIZE = (80, 24)


def test_the_hints_say_what_was_found():
    assert open_hint("", 0).startswith("Type to search")
    assert open_hint("zz", 0) == "No patient matches. Ctrl+N registers a new patient."
    assert open_hint("app", 1).startswith("1 match.")
    assert open_hint("a", 50).startswith("First 50 matches")
    assert choose_hint("app", 5).startswith("5 found")


async def test_enter_typed_before_the_matches_came_opens_the_first(demo_db):
    desk = find_staff("desk")
    first = search_patients(desk, "app")[0]
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen)
        await pilot.press(*"app", "enter")  # no waiting for the list
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert app.screen.patient_id == first.id


async def test_down_chooses_and_enter_on_a_row_opens_that_patient(demo_db):
    desk = find_staff("desk")
    second = search_patients(desk, "app")[1]
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", *"app")
        await settle(pilot)
        picker = app.screen.query_one(PatientPicker)
        assert "5 matches" in static_text(app, "#search-hint")
        await pilot.press("down")
        assert app.screen.focused is picker.table
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert app.screen.patient_id == second.id


async def test_enter_with_no_match_stays_and_says_so(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", *"zzqx")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen)
        assert "No patient matches" in static_text(app, "#search-hint")
