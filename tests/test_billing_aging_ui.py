"""A/R aging and the statement run by keyboard at 80x24 (issue 11 item 8): claims -> g
(aging by payer, totals line) -> b (by patient) -> t (who is due, then the folder) ->
the statements printed and kept; l refuses while late fees are off."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.db.models import AccountEntry, Patient, Statement
from moa_tui.screens.billing.aging import AgingScreen, cents
from moa_tui.screens.billing.statements import ListThenAsk
from moa_tui.services import clock
from moa_tui.services.billing import aging
from moa_tui.services.security.staff import find_staff
from moa_tui.services.validate import format_money
from moa_tui.widgets.dialogs import InfoDialog
from moa_tui.widgets.export import ExportDialog

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
