"""A payer refund and a part write-off from one claim at 80x24 (issue 11 item 7): f and o
on the claim screen, billing or above only; each a new posting, the balance follows."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.db.models import Claim, ClaimPosting
from moa_tui.screens.billing.claims import ClaimScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.form import FormDialog

from .ui_helpers import move_to_row, settle

SIZE = (80, 24)


async def _open_claim(app, pilot, claim: Claim) -> None:
    await pilot.press("f5")
    await settle(pilot)
    move_to_row(app, lambda row: row[0] == str(claim.id), "#claims-table")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ClaimScreen) and app.screen.claim_id == claim.id


async def test_refund_and_part_write_off_by_keyboard(demo_db):
    paid = Claim.select().where(Claim.status == "paid", Claim.paid_cents > 500).first()
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=SIZE) as pilot:
        await _open_claim(app, pilot, paid)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"5.00", "enter", *"overpaid", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        refund = ClaimPosting.get(ClaimPosting.claim == paid.id, ClaimPosting.kind == "refund")
        assert refund.cents == -500 and refund.note == "overpaid"
        after = Claim.get_by_id(paid.id)
        assert after.paid_cents == paid.paid_cents - 500 and after.status == "partial"
        # Write off the 5.00 left open: paid again.
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"9.99", "enter", *"small balance", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # more than the balance: refused, kept open
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"5.00", "enter", *"small balance", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        final = Claim.get_by_id(paid.id)
        assert final.status == "paid"
        assert final.total_cents == final.paid_cents + final.adjusted_cents


async def test_the_desk_cannot_refund_or_write_off(demo_db):
    paid = Claim.select().where(Claim.status == "paid").first()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await _open_claim(app, pilot, paid)
        for key in ("f", "o"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ClaimScreen)
    assert not ClaimPosting.select().where(ClaimPosting.kind.in_(("refund", "write_off"))).exists()
