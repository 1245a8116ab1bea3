"""The biller's walk (issue 11 "Done when"), by keys alone at 80x24 on the demo clinic: code
a checked-out visit, scrub it (a held reason seen, fixed, scrubbed again), send a batch that
pyx12 accepts, import an 835 with a payment, a partial payment and a denial (and again:
nothing changes), work the denial into a corrected claim."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from moa_tui.cli import make_app
from moa_tui.db.models import (
    Claim,
    ClaimLine,
    ClaimPosting,
    ClinicSettings,
    Coverage,
    Patient,
    Remittance,
    Statement,
)
from moa_tui.screens.billing.charges import ChargesScreen
from moa_tui.screens.billing.claims import ClaimScreen, ClaimsScreen
from moa_tui.screens.billing.edi import PostingReportScreen
from moa_tui.screens.billing.statements import ListThenAsk
from moa_tui.screens.billing.unbilled import UnbilledScreen
from moa_tui.services.billing.claims import STATUS_LABELS
from moa_tui.services.billing.x12.checker import check
from moa_tui.services.billing.x12.write835 import RemitClaim, RemitLine, render_835
from moa_tui.services.security.staff import find_staff
from moa_tui.services.validate import format_money
from moa_tui.widgets.dialogs import ConfirmDialog, InfoDialog
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .ui_helpers import move_to_row, settle, static_text
from .x12_helpers import payer, ready_claim

SIZE = (80, 24)


def _remittance(claims: list[Claim], payer_name: str, payer_code: str) -> str:
    """The payer's answer: the first claim paid (less the contractual adjustment), the
    second paid in part (a coinsurance share left to the patient), the third denied."""
    out = []
    for n, c in enumerate(claims):
        lines = []
        for ln in c.lines.order_by(ClaimLine.line_no):
            charge = ln.charge_cents
            allowed = charge * 80 // 100
            if n == 0:
                lines.append(
                    RemitLine(
                        ln.procedure_code,
                        charge,
                        allowed,
                        ln.units,
                        ln.service_from,
                        (("CO", "45", charge - allowed),),
                    )
                )
            elif n == 1:
                share = allowed // 5
                lines.append(
                    RemitLine(
                        ln.procedure_code,
                        charge,
                        allowed - share,
                        ln.units,
                        ln.service_from,
                        (("CO", "45", charge - allowed), ("PR", "2", share)),
                    )
                )
            else:
                lines.append(
                    RemitLine(
                        ln.procedure_code,
                        charge,
                        0,
                        ln.units,
                        ln.service_from,
                        (("CO", "16", charge),),
                        ("N286",),
                    )
                )
        p = c.patient
        out.append(
            RemitClaim(
                str(c.id),
                "4" if n == 2 else "1",
                p.last_name,
                p.first_name,
                f"M{p.id}",
                tuple(lines),
                payer_claim_no=f"PCN{c.id:06d}",
            )
        )
    at = dt.datetime(2026, 11, 18, 9, 0)
    return render_835(out, payer_name=payer_name, payer_id=payer_code, payee_name="Clinic",
                      payee_npi="1234567893", check_no="WALK1", paid_on=at.date(),
                      interchange_no=7, at=at)  # fmt: skip


async def show_status(pilot, status: str) -> None:
    """Step the claims list's status filter (s) until it shows *status* only."""
    for _ in range(len(STATUS_LABELS) + 1):
        if pilot.app.screen.filter.status == status:
            return
        await pilot.press("s")
        await settle(pilot)
    raise AssertionError(f"the status filter never showed {status}")


async def test_the_billers_walk(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    # Only this walk's claims go out: the demo's own ready claims wait.
    Claim.update(status="draft").where(Claim.status == "ready").execute()
    biller = find_staff("billing")
    app = make_app(demo_db, actor=biller)
    async with app.run_test(size=SIZE) as pilot:
        # 1. Code a checked-out visit of an insured patient.
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, UnbilledScreen)
        unbilled = app.screen
        key = next(
            k for k, row in unbilled.rows.items()
            if Coverage.select().where(Coverage.patient == row.patient_id).exists()
        )  # fmt: skip
        visit = unbilled.rows[key]
        cov = Coverage.select().where(Coverage.patient == visit.patient_id).first()
        acme = payer(cov.payer.name, cov.payer.payer_code or "ACME1")  # billable payer id
        move_to_row(app, lambda cells: visit.patient in cells[1], "#unbilled-table")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChargesScreen)
        coded = app.screen.claim_id
        await pilot.press("d", *"i10", "enter", "escape")
        await settle(pilot)
        # 2. Scrub it: held (no service line yet), the reason shown; fixed; scrubbed again.
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        held = static_text(app, "#info-body")
        await pilot.press("enter")
        await settle(pilot)
        assert Claim.get_by_id(coded).status == "held", held
        assert "line" in held.lower()
        await pilot.press("a", *"G0438", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*["enter"] * 7)  # the fee schedule's fee
        await settle(pilot)
        await pilot.press("escape", "s")
        await settle(pilot)
        assert Claim.get_by_id(coded).status == "ready", app.screen.sheet.holds
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)

        # 3. Send the batch (two more ready claims of the same payer go with it).
        others = [
            ready_claim(pt, acme)
            for pt in Patient.select().where(Patient.id != visit.patient_id).limit(2)
        ]
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog)
        assert "3 claim(s) in 1 file(s)" in static_text(app, "#info-body")
        files = list((tmp_path / "claims").iterdir())
        assert len(files) == 1
        verdict = check(files[0].read_text())
        assert verdict.valid, verdict.errors
        await pilot.press("escape")
        await settle(pilot)
        # the coded visit is the one denied (its line scrubs clean when corrected)
        sent = [Claim.get_by_id(i) for i in (*(c.id for c in others), coded)]
        assert {c.status for c in sent} == {"submitted"}

        # 4. The 835: a payment, a partial payment and a denial; then the same file again.
        (tmp_path / "walk.835").write_text(_remittance(sent, acme.name, acme.payer_code))
        remits = Remittance.select().count()
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"walk.835", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PostingReportScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "Posted" in static_text(app, "#message")
        assert Remittance.select().count() == remits + 1
        paid, partial, denied = (Claim.get_by_id(c.id) for c in sent)
        assert (paid.status, partial.status, denied.status) == ("paid", "partial", "denied")
        money = [(c.paid_cents, c.adjusted_cents) for c in (paid, partial, denied)]
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"walk.835", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "nothing was posted again" in static_text(app, "#dialog-message")
        await pilot.press("escape")
        await settle(pilot)
        assert Remittance.select().count() == remits + 1
        assert money == [
            (c.paid_cents, c.adjusted_cents) for c in (Claim.get_by_id(x.id) for x in sent)
        ]

        # 5. Work the denial into a corrected claim: r, yes, a note; fixed and scrubbed.
        # The denied claims first (s steps the status filter), then the new denial.
        await show_status(pilot, "denied")
        move_to_row(app, lambda row: row[0] == str(denied.id), "#claims-table")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen) and app.screen.claim_id == denied.id
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press(*"CO-16 missing info: resent", "enter")
        await settle(pilot)
        corrected = Claim.get(Claim.replaces_id == denied.id)
        assert isinstance(app.screen, ChargesScreen) and app.screen.claim_id == corrected.id
        await pilot.press("s")
        await settle(pilot)
        assert Claim.get_by_id(corrected.id).status == "ready", app.screen.sheet.holds
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = max((tmp_path / "claims").iterdir(), key=lambda f: f.stat().st_mtime).read_text()
        verdict = check(text)
        assert verdict.valid, verdict.errors
        assert f"CLM*{corrected.id}*" in text and f"REF*F8*PCN{denied.id:06d}" in text
        await pilot.press("escape")
        await settle(pilot)

        # 6. The patient's check for the share the payer left on the partial claim.
        share = partial.total_cents - partial.paid_cents - partial.adjusted_cents
        assert share > 0
        await show_status(pilot, "partial")
        move_to_row(app, lambda row: row[0] == str(partial.id), "#claims-table")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("down")  # From: open the choices, Patient, take it, next field
        await settle(pilot)
        await pilot.press("down", "enter")  # a choice taken moves on to the amount
        await settle(pilot)
        await pilot.press(*f"{share / 100:.2f}", "enter", *"1042", "enter")
        await settle(pilot)
        await pilot.press("down")  # Patient by: cash, check, card
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "balance now" in static_text(app, "#message")
        after = Claim.get_by_id(partial.id)
        assert after.paid_cents == partial.paid_cents + share
        assert after.total_cents == after.paid_cents + after.adjusted_cents
        posting = ClaimPosting.select().where(ClaimPosting.claim == partial.id)
        check_row = posting.order_by(ClaimPosting.id.desc()).first()
        assert (check_row.method, check_row.reference) == ("check", "1042")

        # 7. Print the statements (g A/R aging, t statements): the PDF read back.
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ListThenAsk)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")  # the export folder's "statements"
        await settle(pilot)
        assert isinstance(app.screen, InfoDialog), getattr(app.screen, "hint", "")
        await pilot.press("escape")
        await settle(pilot)
    pdfs = list((tmp_path / "statements").glob("*.pdf"))
    assert len(pdfs) == 1
    text = "\n".join(page.extract_text() for page in PdfReader(pdfs[0]).pages)
    run = Statement.select().order_by(Statement.id.desc()).first()
    patient = Patient.get_by_id(run.patient_id)
    assert patient.last_name in text and format_money(run.amount_due_cents) in text
