"""Issue 9 item 1: what a form shows is what it saves, the chart shows what it saved,
and a field never drops a key or keeps a stale message without saying so (80x24)."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.models import Patient
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.patients.form import PatientFormScreen
from moa_tui.services.frontdesk.frontdesk import balance_of
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle, static_text

SIZE = (80, 24)


async def test_a_new_patients_state_is_the_clinics_and_is_saved(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, PatientFormScreen)
        state = app.screen.query_one("#state")
        assert (state.value, state.placeholder) == ("NY", "")  # a value, not a grey hint
        await pilot.press(*"Testperson", "enter", *"Quinn", "enter", *"04/17/1962")
        app.screen.query_one("#phone_mobile").value = "315-555-0199"
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, PatientFormScreen):  # a possible duplicate, shown once
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
    assert Patient.get(Patient.last_name == "Testperson").state == "NY"


async def test_the_chart_shows_every_field_the_form_saves(demo_db):
    p = Patient.select().order_by(Patient.id).first()
    Patient.update(
        preferred_name="Dee",
        language="Spanish",
        emergency_name="Ann Lee",
        emergency_relation="spouse",
        emergency_phone="3155550100",
        guarantor_name="Bob Lee",
        guarantor_relation="parent",
        guarantor_phone="3155550111",
    ).where(Patient.id == p.id).execute()
    owes = balance_of(p.id)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(p.id)
        await settle(pilot)
        body = static_text(app, "#chart-body")
    assert "Goes by Dee" in body and "Language Spanish" in body
    assert "Emergency Ann Lee (spouse) 315-555-0100" in body
    assert "Responsible party Bob Lee (parent) 315-555-0111" in body
    assert f"Balance ${owes / 100:,.2f}" in body


async def test_a_stale_field_error_goes_when_the_field_is_edited(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "ctrl+n")
        await settle(pilot)
        await pilot.press(*"Testperson", "enter", *"Quinn", "enter", *"12/01/2030", "ctrl+s")
        await settle(pilot)
        assert "in the future" in str(app.screen.query_one("#error-dob").content)
        app.screen.query_one("#dob").focus()
        await pilot.press("backspace")
        await settle(pilot)
        assert str(app.screen.query_one("#error-dob").content) == ""


async def test_a_key_past_the_fields_limit_is_refused_out_loud(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "ctrl+n")
        await settle(pilot)
        app.screen.query_one("#state").value = ""
        app.screen.query_one("#state").focus()
        await pilot.press(*"NYC")
        await settle(pilot)
        assert app.screen.query_one("#state").value == "NY"
        assert "At most 2 characters" in str(app.screen.query_one("#error-state").content)


async def test_the_focused_field_stands_out(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "ctrl+n")
        await settle(pilot)
        first = app.screen.query_one("#field-last_name Label")
        other = app.screen.query_one("#field-first_name Label")
        assert app.screen.focused is app.screen.query_one("#last_name")
        assert first.styles.background != other.styles.background
        assert first.styles.text_style.bold and not other.styles.text_style.bold


async def test_no_placeholder_looks_like_a_value(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "ctrl+n")
        await settle(pilot)
        hints = {i.id: i.placeholder for i in app.screen.query("FieldInput") if i.placeholder}
    # A format (MM/DD/YYYY) or an example that says it is one, never a bare value.
    assert hints == {"dob": "MM/DD/YYYY", "phone_mobile": "e.g. 555-201-3344"}
