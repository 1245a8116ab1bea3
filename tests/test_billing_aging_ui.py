"""A/R aging and the statement run by keyboard at 80x24 (issue 11 item 8): claims -> g
(aging by payer, totals line) -> b (by patient) -> t (who is due, then the folder) ->
the statements printed and kept; l refuses while late fees are off."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.db.models import AccountEntry, Patient, Statement, StatementSettings
from moa_tui.screens.billing.aging import AgingScreen, cents
from moa_tui.screens.billing.statements import ListThenAsk
from moa_tui.services import clock
from moa_tui.services.billing import aging
from moa_tui.services.security.staff import find_staff
from moa_tui.services.validate import format_money
from moa_tui.widgets.dialogs import InfoDialog, PickDialog
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .ui_helpers import settle, static_text, table_rows

SIZE = (80, 24)


def test_cents_column():
    assert [cents(v) for v in (0, 5, 123456, -250)] == ["0.00", "0.05", "1,234.56", "-2.50"]


async def test_aging_by_payer_and_patient_then_statements(demo_db, tmp_path):
    biller = find_staff("billing")
    p = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    AccountEntry.delete().execute()
    AccountEntry.create(patient=p, kind="charge", cents=7550, description="Office visit",
                        staff=biller, at=clock.now_utc() - dt.timedelta(days=65))  # fmt: skip
    by_payer = aging.ar_aging(biller, "payer")
    app = make_app(demo_db, actor=biller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, AgingScreen)
        rows = table_rows(app, "#aging-table")
        assert len(rows) == len(by_payer.rows) > 0
        assert rows[0][-1] == cents(by_payer.rows[0].total)
        assert format_money(by_payer.total) in static_text(app, "#aging-totals")
        table = app.screen.query_one("#aging-table")
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80
        await pilot.press("b")
        await settle(pilot)
        rows = table_rows(app, "#aging-table")
        assert len(rows) == 1 and rows[0][3] == "75.50"  # the 61-90 bucket
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ListThenAsk)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press(*(["backspace"] * 20), *str(tmp_path / "st"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog), getattr(app.screen, "hint", "")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AgingScreen)
        assert Statement.select().where(Statement.patient == p.id).count() == 1
        assert len(list((tmp_path / "st").glob("*.pdf"))) == 1
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, AgingScreen)
        assert "Late fees are off" in str(app.screen.query_one("#message").content)
        # h: the statement just sent, shown as it was printed.
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        sent = Statement.get(Statement.patient == p.id)
        assert table_rows(app, "#pick-table")[0][:3] == [
            f"{sent.statement_date:%m/%d/%Y}",
            str(sent.run_no),
            format_money(7550),
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        assert "AMOUNT DUE" in "\n".join(app.screen.lines)
        await pilot.press("escape")
        await settle(pilot)
        # u: the rules; a bad value is refused beside its field, a good one saved.
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter", *(["backspace"] * 4), *"0", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "1 to 365" in static_text(app, "#error-days_between")
        await pilot.press(*"45", "tab", *(["backspace"] * 6), *"1.5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgingScreen)
        rules = StatementSettings.get()
        assert (rules.days_between, rules.late_fee_bp) == (45, 150)
        assert "every 45 days; late fee 1.50 % a month" in str(
            app.screen.query_one("#message").content
        )


async def test_statement_rules_need_billing_or_above(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(AgingScreen(by="patient"))
        await settle(pilot)
        assert isinstance(app.screen, AgingScreen)
        assert app.screen.check_action("statement_rules", ()) is False
