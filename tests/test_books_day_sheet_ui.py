"""The day sheet, the drawer count and a deposit at 80x24 by keys alone (issue 13 item 5),
and month end's items opening where each is worked."""

from __future__ import annotations

import pytest

from moa_tui.cli import make_app
from moa_tui.db.models import ClinicSettings, Deposit, DrawerCount
from moa_tui.screens.books.day_sheet import DaySheetScreen
from moa_tui.screens.books.deposits import DepositScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .conftest import FROZEN_NOW
from .ui_helpers import settle, static_text, table_rows

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


async def test_deposit_screen_opens(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "f11", "e")
        assert isinstance(app.screen, DepositScreen), app.screen
        assert "More wait" not in static_text(app, "#message")


async def test_a_deposit_list_cut_short_says_so(demo_db, monkeypatch):
    from moa_tui.services.books import deposits

    monkeypatch.setattr(deposits, "MOST", 1)  # one of each kind listed; the demo has more
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "f11", "e")
        assert 1 <= len(table_rows(app, "#deposit-table")) <= 2
        assert "More wait than these" in static_text(app, "#message")


async def test_the_day_sheet_the_drawer_and_a_deposit_by_keys(demo_db, tmp_path):
    from moa_tui.db.database import db
    from moa_tui.services.frontdesk.payments import collect_payment

    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    desk = find_staff("desk")
    with db.connection_context():
        from moa_tui.db.models import Patient

        patient = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    collect_payment(desk, patient.id, "40.00", "cash", "", None, "Payment")
    collect_payment(desk, patient.id, "25.00", "check", "4410", None, "Payment")
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "f11", "d")
        assert isinstance(app.screen, DaySheetScreen), app.screen
        assert "Every total ties to the ledger" in static_text(app, "#message")
        rows = table_rows(app, "#day-sheet-table")
        expected = next(r for r in rows if r[1] == "Cash expected")[3]
        assert any(r[1] == "Patient payments: Check" for r in rows)
        table = app.screen.query_one("#day-sheet-table")
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80
        await keys(pilot, "left_square_bracket")
        assert static_text(app, "#day-sheet-head").startswith("Tue 11/17/2026")
        await keys(pilot, "right_square_bracket")
        assert static_text(app, "#day-sheet-head").startswith("Wed 11/18/2026")
        # Count the drawer: $1.00 short in cash, the one check.
        cents = int(expected.replace("$", "").replace(",", "").replace(".", "")) - 100
        await keys(pilot, "n")
        assert isinstance(app.screen, FormDialog)
        await keys(pilot, "enter", *f"{cents / 100:.2f}", "enter")
        await keys(pilot, "1", "enter", *"25.00", "ctrl+s")
        assert isinstance(app.screen, DaySheetScreen), static_text(app, "#dialog-message")
        assert "short $1.00" in static_text(app, "#message"), static_text(app, "#message")
        rows = table_rows(app, "#day-sheet-table")
        assert any(r[1] == "Cash difference: short $1.00" for r in rows)
        assert any(r[1] == "Checks difference: none" for r in rows)
        assert "drawer off: cash -$1.00" in static_text(app, "#day-sheet-head")
        with db.connection_context():
            assert DrawerCount.select().count() == 1
        await keys(pilot, "f")
        assert isinstance(app.screen, ExportDialog)
        await keys(pilot, "enter")
        assert (tmp_path / "day-sheet-2026-11-18.pdf").read_bytes().startswith(b"%PDF")

        # The deposit: today's payments only (Space leaves the rest out).
        await keys(pilot, "escape", "e")
        assert isinstance(app.screen, DepositScreen), app.screen
        await keys(pilot, "a")  # none picked
        screen = app.screen
        today = [w for w in screen.waiting if w.day.isoformat() == FROZEN_NOW[:10]]
        for w in today:
            screen.query_one("#deposit-table").move_to_key(w.key)
            await keys(pilot, "space")
        assert {w.key for w in screen.picked()} == {w.key for w in today}
        await keys(pilot, "x")
        assert isinstance(app.screen, FormDialog)
        await keys(pilot, "enter", *"BR-77", "enter")
        assert isinstance(app.screen, DepositScreen), app.screen
        assert "Deposit #" in static_text(app, "#message"), static_text(app, "#message")
        with db.connection_context():
            deposit = Deposit.get()
        assert deposit.bank_reference == "BR-77" and deposit.checks_count >= 1
        await keys(pilot, "f")
        assert isinstance(app.screen, ExportDialog)
        await keys(pilot, "enter")
        assert (tmp_path / f"deposit-{deposit.id}.pdf").exists()
        assert "Saved" in static_text(app, "#message")


async def test_month_end_items_open_where_they_are_worked(demo_db):
    from moa_tui.screens.books.month_end import MonthEndScreen

    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "f11", "m")
        assert isinstance(app.screen, MonthEndScreen)
        assert "Month ending 10/31/2026" in static_text(app, "#month-end-head")
        await keys(pilot, "right_square_bracket")
        assert "Month ending 11/30/2026" in static_text(app, "#month-end-head")
        await keys(pilot, "left_square_bracket", "left_square_bracket")
        assert "Month ending 09/30/2026" in static_text(app, "#month-end-head")
        await keys(pilot, "right_square_bracket")
        rows = table_rows(app, "#month-end-table")
        labels = [r[0] for r in rows]
        for label, opens in (
            ("Drawer differences", DaySheetScreen),
            ("Undeposited payments", DepositScreen),
        ):
            table = app.screen.query_one("#month-end-table")
            table.move_cursor(row=labels.index(label))
            await keys(pilot, "enter")
            assert isinstance(app.screen, opens), (label, app.screen)
            await keys(pilot, "escape")
            assert isinstance(app.screen, MonthEndScreen)
        drawer = next(r for r in rows if r[0] == "Drawer differences")
        assert int(drawer[1]) > 0  # the demo's October took cash and never counted it
        app.screen.query_one("#month-end-table").move_cursor(row=labels.index("Claims not sent"))
        await keys(pilot, "enter")
        from moa_tui.screens.billing.claims import ClaimsScreen

        assert isinstance(app.screen, ClaimsScreen), app.screen
        assert app.screen.filter.status == "ready"


async def test_the_desk_counts_the_drawer_from_the_flow_board(demo_db):
    from moa_tui.db.database import db

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "f3", "d")
        assert isinstance(app.screen, FormDialog), app.screen
        await keys(pilot, "enter", *"0.00", "ctrl+s")
        assert not isinstance(app.screen, FormDialog), static_text(app, "#dialog-message")
        assert "Counted:" in static_text(app, "#message")
    with db.connection_context():
        count = DrawerCount.get()
        assert count.staff.username == "desk" and count.cash_cents == 0
