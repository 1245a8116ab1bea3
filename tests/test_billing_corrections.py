"""Corrected claims (frequency 7) and voids (8), issue 11 item 6: the replacement copies the
lines and diagnoses, the original gets a history row, and the 837P (validated by pyx12) says
CLM05-3 = 7 or 8 with REF*F8 naming the payer's claim control number."""

from __future__ import annotations

import pytest

from moa_tui.db.models import (
    Claim,
    ClaimDiagnosis,
    ClaimLine,
    ClaimStatusChange,
    Remittance,
    RemittanceClaim,
)
from moa_tui.services.billing import corrections, scrubber
from moa_tui.services.billing.x12 import export
from moa_tui.services.billing.x12.checker import check
from moa_tui.services.errors import Conflict, ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff
from tests.x12_helpers import DIAGNOSES, patient, payer, ready_claim


@pytest.fixture
def biller(demo_db):
    Claim.update(status="draft").where(Claim.status == "ready").execute()
    return find_staff("billing")


def _sent(status="submitted"):
    c = ready_claim(patient(), payer("Acme Health", "ACME1"), diagnoses=DIAGNOSES[:3],
                    lines=(("99213", "25", 10000), ("J3420", "", 2000)))  # fmt: skip
    c.status = status
    c.save()
    return Claim.get_by_id(c.id)


def _segments(text: str) -> list[str]:
    return [s.strip() for s in text.split("~") if s.strip()]


def test_corrected_claim_copies_lines_and_sends_7_with_our_id(biller, tmp_path):
    old = _sent("denied")
    new_id = corrections.correct_claim(biller, old.id, old.version, "Wrong modifier")
    new = Claim.get_by_id(new_id)
    assert (new.frequency, new.replaces_id, new.status) == ("7", old.id, "draft")
    assert new.total_cents == old.total_cents == 12000
    assert [
        (ln.line_no, ln.procedure_code, ln.charge_cents)
        for ln in new.lines.order_by(ClaimLine.line_no)
    ] == [(1, "99213", 10000), (2, "J3420", 2000)]
    assert [d.code for d in new.diagnoses.order_by(ClaimDiagnosis.position)] == list(DIAGNOSES[:3])
    old = Claim.get_by_id(old.id)
    assert old.status == "closed"
    last = old.history.order_by(ClaimStatusChange.id.desc()).first()
    assert (last.from_status, last.to_status) == ("denied", "closed")
    assert f"claim {new_id}" in last.note and "Wrong modifier" in last.note
    assert last.staff_id == biller.id
    # scrubbed like any draft (this test clinic has no code list: 99213 is held as unknown)
    problems = scrubber.scrub_claim(biller, new_id).problems
    assert [p.rule for p in problems] == ["procedure_unknown"]
    # fixed and sent: the file says 7 and (no 835 stored) our original claim id in REF*F8
    Claim.update(status="ready").where(Claim.id == new_id).execute()
    result = export.export_ready_claims(biller, tmp_path)
    text = result.written[0].read_text()
    verdict = check(text)
    assert verdict.valid, verdict.errors
    segs = _segments(text)
    clm = next(s for s in segs if s.startswith(f"CLM*{new_id}*"))
    assert clm.split("*")[5] == "11:B:7"
    assert segs[segs.index(clm) + 1] == f"REF*F8*{old.id}"


def test_void_uses_the_payers_claim_number_from_the_835(biller, tmp_path):
    old = _sent("paid")
    rem = Remittance.create(check_no="CHK1", payer_name="Acme Health", paid_cents=8000,
                            staff=biller, sha256="a" * 64, claim_count=1)  # fmt: skip
    RemittanceClaim.create(remittance=rem, claim=old, check_no="CHK1", status_code="1",
                           charge_cents=12000, paid_cents=8000, patient_cents=0,
                           payer_claim_no="PCN20261110A")  # fmt: skip
    void_id = corrections.void_claim(biller, old.id, old.version, "Billed the wrong patient")
    void = Claim.get_by_id(void_id)
    assert (void.frequency, void.status) == ("8", "ready")
    assert Claim.get_by_id(old.id).status == "void"
    text = export.export_ready_claims(biller, tmp_path).written[0].read_text()
    verdict = check(text)
    assert verdict.valid, verdict.errors
    segs = _segments(text)
    clm = next(s for s in segs if s.startswith(f"CLM*{void_id}*"))
    assert clm.split("*")[5] == "11:B:8"
    assert segs[segs.index(clm) + 1] == "REF*F8*PCN20261110A"
    # sent, the void owes nothing: closed, never an open balance; the original stays void
    assert Claim.get_by_id(void_id).status == "closed"
    assert Claim.get_by_id(old.id).status == "void"
    # a void is never replaced again, nor is the voided original
    with pytest.raises(ValidationError, match="void"):
        corrections.correct_claim(biller, void_id, Claim.get_by_id(void_id).version, "again")


def test_refusals_leave_nothing_written(biller):
    draft = _sent("ready")
    before = Claim.select().count()
    with pytest.raises(ValidationError, match="only a claim the payer has seen"):
        corrections.correct_claim(biller, draft.id, draft.version, "fix")
    sent = _sent("submitted")
    with pytest.raises(ValidationError, match="Note"):
        corrections.void_claim(biller, sent.id, sent.version, "   ")
    with pytest.raises(Conflict):
        corrections.void_claim(biller, sent.id, sent.version + 5, "stale")
    assert Claim.select().count() == before + 1  # only the second _sent claim
    corrections.correct_claim(biller, sent.id, sent.version, "first")
    sent = Claim.get_by_id(sent.id)
    with pytest.raises(ValidationError):
        corrections.correct_claim(biller, sent.id, sent.version, "second")
    with pytest.raises(PermissionDenied):
        corrections.correct_claim(find_staff("desk"), sent.id, sent.version, "desk")


# --- the claim screen: r corrected claim, V void (billing or above) --------------------


async def _open_claim(app, pilot, claim: Claim) -> None:
    from moa_tui.screens.billing.claims import ClaimScreen

    from .ui_helpers import move_to_row, settle

    await pilot.press("f5")
    await settle(pilot)
    move_to_row(app, lambda row: row[0] == str(claim.id), "#claims-table")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ClaimScreen) and app.screen.claim_id == claim.id


async def test_r_makes_a_corrected_claim_and_V_a_void_by_keyboard(demo_db):
    from moa_tui.cli import make_app
    from moa_tui.screens.billing.charges import ChargesScreen
    from moa_tui.screens.billing.claims import ClaimScreen
    from moa_tui.widgets.dialogs import ConfirmDialog
    from moa_tui.widgets.form import FormDialog

    from .ui_helpers import settle

    denied, paid = (Claim.select().where(Claim.status == s).first() for s in ("denied", "paid"))
    app = make_app(demo_db, actor=find_staff("billing"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_claim(app, pilot, denied)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # no: nothing made
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert not Claim.select().where(Claim.replaces_id == denied.id).exists()
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # a blank note is refused, the dialog stays
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"wrong modifier", "enter")
        await settle(pilot)
        new = Claim.get(Claim.replaces_id == denied.id)
        assert isinstance(app.screen, ChargesScreen) and app.screen.claim_id == new.id
        assert (new.frequency, new.status) == ("7", "draft")
        assert Claim.get_by_id(denied.id).status == "closed"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await _open_claim(app, pilot, paid)
        await pilot.press("V")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press(*"wrong patient", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        void = Claim.get(Claim.replaces_id == paid.id)
        assert (void.frequency, void.status) == ("8", "ready")
        assert Claim.get_by_id(paid.id).status == "void"


async def test_the_desk_cannot_correct_or_void(demo_db):
    from moa_tui.cli import make_app
    from moa_tui.screens.billing.claims import ClaimScreen

    from .ui_helpers import settle

    denied = Claim.select().where(Claim.status == "denied").first()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_claim(app, pilot, denied)
        for key in ("r", "V"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ClaimScreen)
    assert not Claim.select().where(Claim.replaces_id.is_null(False)).exists()
