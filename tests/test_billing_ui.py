"""Coding a visit by keyboard at 80x24 (issue 11 items 2 and 3): claims -> unbilled visits
-> a checked-out visit -> diagnoses by words and by code -> a line from the fee schedule ->
scrub; a held reason is shown, fixed and cleared by scrubbing again."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.models import Claim, ClaimLine, CodeSet, Coverage, Provider
from moa_tui.screens.billing.charges import ChargesScreen
from moa_tui.screens.billing.unbilled import UnbilledScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import InfoDialog, PickDialog
from moa_tui.widgets.form import FormDialog

from .ui_helpers import move_to_row, settle, static_text, table_rows

SIZE = (80, 24)


async def _to_an_insured_unbilled_visit(app, pilot) -> None:
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("v")
    await settle(pilot)
    assert isinstance(app.screen, UnbilledScreen)
    screen = app.screen
    insured = next(
        key
        for key, row in screen.rows.items()
        if Coverage.select().where(Coverage.patient == row.patient_id).exists()
    )
    move_to_row(app, lambda cells: screen.rows[insured].patient in cells[1], "#unbilled-table")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ChargesScreen)


async def test_a_biller_codes_a_visit_and_scrubs_it_ready(demo_db):
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=SIZE) as pilot:
        await _to_an_insured_unbilled_visit(app, pilot)
        # The demo has only example ICD codes: the first coder's visit loaded the list.
        assert not CodeSet.get(CodeSet.kind == "icd10cm").examples
        await pilot.press("d", *"low back pain", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        move_to_row(app, lambda cells: cells[0] == "M54.50", "#pick-table")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChargesScreen)
        await pilot.press(*"i10", "enter")  # an exact code needs no pick
        await settle(pilot)
        assert "M54.50" in static_text(app, "#charges-dx")
        assert "I10" in static_text(app, "#charges-dx")
        await pilot.press("escape", "a", *"G0438", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*["enter"] * 7)  # every default: the fee schedule's fee
        await settle(pilot)
        assert isinstance(app.screen, ChargesScreen)
        assert table_rows(app, "#charges-lines")[0][:2] == ["1", "G0438"]
        assert "$175.00" in static_text(app, "#charges-head")
        await pilot.press("escape", "s")
        await settle(pilot)
        claim = Claim.get_by_id(app.screen.claim_id)
        assert claim.status == "ready", app.screen.sheet.holds
        assert claim.total_cents == 17500
        assert ClaimLine.get(ClaimLine.claim == claim.id).pointers == "1,2"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UnbilledScreen)


async def test_a_held_reason_is_shown_fixed_and_cleared(demo_db):
    # The list is in place (the first test loads it): only the examples are searched here.
    CodeSet.update(examples=False).where(CodeSet.kind == "icd10cm").execute()
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=SIZE) as pilot:
        await _to_an_insured_unbilled_visit(app, pilot)
        await pilot.press("d", *"m5450", "enter")
        await settle(pilot)
        await pilot.press("escape", "a", *"J3420", "enter")
        await settle(pilot)
        # Three decimals in the fee: refused beside the field, nothing saved.
        form = app.screen
        form.query_one("#fee").value = "12.345"
        await pilot.press(*["enter"] * 7)
        await settle(pilot)
        assert app.screen is form
        assert "type an amount" in str(form.query_one("#error-fee").content)
        form.query_one("#fee").value = ""
        form.query_one("#code").focus()
        await pilot.press(*["enter"] * 7)
        await settle(pilot)
        assert isinstance(app.screen, ChargesScreen)
        provider = Provider.get_by_id(app.screen.sheet.provider_id)
        Provider.update(npi="1234567890").where(Provider.id == provider.id).execute()
        await pilot.press("escape", "s")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        assert "fails the check digit" in static_text(app, "#info-body")
        await pilot.press("enter")
        await settle(pilot)
        assert "fails the check digit" in static_text(app, "#charges-holds")
        assert Claim.get_by_id(app.screen.claim_id).status == "held"
        # Fixed on the spot: f, the provider, the NPI (a wrong check digit refused first).
        await pilot.press("f")
        await settle(pilot)
        move_to_row(app, lambda cells: cells[1] == provider.short_name, "#pick-table")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        form.query_one("#npi").value = "1234567891"
        await pilot.press("enter")
        await settle(pilot)
        assert "fails the check digit" in str(form.query_one("#error-npi").content)
        form.query_one("#npi").value = "1234567893"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChargesScreen)
        assert Provider.get_by_id(provider.id).npi == "1234567893"
        await pilot.press("s")
        await settle(pilot)
        assert Claim.get_by_id(app.screen.claim_id).status == "ready"
        assert static_text(app, "#charges-holds") == ""


async def test_the_flow_board_opens_a_checked_out_visits_charges(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        board = app.screen

        def first(status: str) -> str | None:
            return next((k for k, b in board.rows.items() if b.row.status == status), None)

        if first("checked_out") is None:
            await pilot.press("h")  # visits that are out may be hidden
            await settle(pilot)
        waiting = next(k for k, b in board.rows.items() if b.row.status != "checked_out")
        board.query_one("PagedTable").move_to_key(waiting)
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is board and "once the visit is checked out" in static_text(
            app, "#message"
        )
        out = first("checked_out")
        board.query_one("PagedTable").move_to_key(out)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChargesScreen)
        assert Claim.get_by_id(app.screen.claim_id).appointment_id == board.rows[out].row.id


async def test_the_schedule_opens_a_checked_out_visits_charges(demo_db):
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        schedule = app.screen
        out = next(k for k, r in schedule.rows.items() if r.status == "checked_out")
        booked = next(k for k, r in schedule.rows.items() if r.status == "booked")
        schedule.query_one("PagedTable").move_to_key(booked)
        await pilot.press("C")
        await settle(pilot)
        assert app.screen is schedule
        assert "once the visit is checked out" in static_text(app, "#message")
        schedule.query_one("PagedTable").move_to_key(out)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ChargesScreen)
        assert Claim.get_by_id(app.screen.claim_id).appointment_id == schedule.rows[out].id
