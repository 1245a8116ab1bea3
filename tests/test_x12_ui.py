"""The claims screen's EDI keys at 80x24 (issue 11 items 4, 5, 7): e sends the ready
claims (837P), i imports an 835 showing the posting report before y posts it, p posts a
payment by hand."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.models import Claim, ClinicSettings, Remittance
from moa_tui.screens.billing.edi import PostingReportScreen
from moa_tui.services.billing.x12 import demo835
from moa_tui.services.billing.x12.checker import check
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import InfoDialog
from moa_tui.widgets.form import FormDialog

from .ui_helpers import move_to_row, settle, static_text
from .x12_helpers import patient, payer, ready_claim

SIZE = (80, 24)


async def test_send_claims_import_835_and_post_a_check(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    Claim.update(status="draft").where(Claim.status == "ready").execute()
    mine = ready_claim(patient(), payer("Acme Health", "ACME1"))
    biller = find_staff("billing")
    remits = Remittance.select().count()  # the demo's own, posted when it was built
    app = make_app(demo_db, actor=biller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#path").value == "claims"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        assert "1 claim(s) in 1 file(s)" in static_text(app, "#info-body")
        files = list((tmp_path / "claims").iterdir())
        assert len(files) == 1 and check(files[0].read_text()).valid
        assert Claim.get_by_id(mine.id).status == "submitted"
        await pilot.press("escape")
        await settle(pilot)

        demo835.write_demo_remittance(biller, tmp_path / "remit.835")
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"remit.835", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PostingReportScreen)
        report = static_text(app, "#report-body")
        assert "nothing written yet" in report and "Matched" in report
        assert Remittance.select().count() == remits
        await pilot.press("y")
        await settle(pilot)
        assert "Posted" in static_text(app, "#message")
        assert Remittance.select().count() == remits + 1

        # A patient's check on a claim the payer left a share of.
        move_to_row(app, lambda row: row[5] == "Part paid")
        row = app.screen.selected()
        paid_before = Claim.get_by_id(row.id).paid_cents
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#who").value = "patient"
        app.screen.query_one("#method").value = "check"
        app.screen.query_one("#amount").value = "1.00"
        app.screen.query_one("#reference").value = "1042"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "balance now" in static_text(app, "#message")
        await pilot.press("enter")  # the claim, then m: what was posted on it
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        body = static_text(app, "#info-body")
        assert "Patient paid" in body and "Payer paid" in body and "1042" in body
        await pilot.press("escape")
    assert Claim.get_by_id(row.id).paid_cents == paid_before + 100


async def test_a_broken_835_is_refused_in_the_dialog_and_the_desk_cannot_import(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    (tmp_path / "bad.835").write_text("ISA*broken~")
    remits = Remittance.select().count()  # the demo's own
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"bad.835", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "refused" in static_text(app, "#dialog-message")
        await pilot.press("escape")
        await settle(pilot)
    desk = make_app(demo_db, actor=find_staff("desk"))
    async with desk.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert not isinstance(desk.screen, FormDialog)
    assert Remittance.select().count() == remits
