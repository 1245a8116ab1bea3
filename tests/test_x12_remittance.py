"""835 in, posted once (issue 11 item 5), and payments by hand (item 7)."""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.db.models import AccountEntry, AuditEvent, Claim, ClaimPosting, Remittance
from moa_tui.services.billing import posting, reasons, remittance, worklists
from moa_tui.services.billing.x12 import demo835, export
from moa_tui.services.billing.x12.checker import check
from moa_tui.services.billing.x12.write835 import RemitClaim, RemitLine, render_835
from moa_tui.services.errors import ServiceError, ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff
from tests.x12_helpers import patient, payer, ready_claim

DAY = dt.date(2026, 11, 10)


@pytest.fixture
def sent(demo_db, tmp_path):
    """Three claims of ours, exported (submitted): to be paid, partly paid, denied."""
    Claim.update(status="draft").where(Claim.status == "ready").execute()
    biller = find_staff("billing")
    pt, py = patient("Smith", "Ann"), payer("Acme Health", "ACME1")
    claims = [ready_claim(pt, py, lines=(("99213", "", 10000), ("J3420", "", 2000)), day=DAY)
              for _ in range(3)]  # fmt: skip
    export.export_ready_claims(biller, tmp_path)
    return biller, [Claim.get_by_id(c.id) for c in claims]


def _remit(claims, check_no="CHK100", plb=(), paid_full=10000, ref=None) -> str:
    a, b, c = claims
    rows = [
        RemitClaim(ref or str(a.id), "1", "SMITH", "ANN", a.coverage.member_id, (
            RemitLine("99213", 10000, paid_full, 1, DAY, (("CO", "45", 10000 - paid_full),)),
            RemitLine("J3420", 2000, 2000, 1, DAY))),
        RemitClaim(str(b.id), "1", "SMITH", "ANN", b.coverage.member_id, (
            RemitLine("99213", 10000, 6000, 1, DAY, (("CO", "45", 2000), ("PR", "2", 2000)),
                      ("N130",)),
            RemitLine("J3420", 2000, 0, 1, DAY, (("PR", "1", 2000),)))),
        RemitClaim(str(c.id), "4", "SMITH", "ANN", c.coverage.member_id, (
            RemitLine("99213", 10000, 0, 1, DAY, (("CO", "50", 10000),), ("N115",)),
            RemitLine("J3420", 2000, 0, 1, DAY, (("CO", "50", 2000),)))),
    ]  # fmt: skip
    return render_835(rows, payer_name="Acme Health", payer_id="ACME1", payee_name="Clinic",
                      payee_npi="1234567893", check_no=check_no, paid_on=DAY, interchange_no=7,
                      at=dt.datetime(2026, 11, 18, 9, 0), provider_adjustments=plb)  # fmt: skip


def _file(tmp_path, text, name="remit.835"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_preview_then_post_once(sent, tmp_path):
    biller, claims = sent
    text = _remit(claims, plb=(("WO", 500),))
    assert check(text).valid
    path = _file(tmp_path, text)
    before = ClaimPosting.select().count()
    remits = Remittance.select().count()  # the demo's own answered claims
    account = AccountEntry.select().where(AccountEntry.patient == claims[1].patient)
    owed_before = sum(e.cents for e in account)  # the demo's own shares and payments
    preview = remittance.import_835(biller, path, dry_run=True)
    assert not preview.posted and len(preview.matched) == 3 and preview.balanced
    assert preview.payment_cents == 12000 + 6000 - 500
    assert ClaimPosting.select().count() == before and Remittance.select().count() == remits
    report = remittance.import_835(biller, path)
    assert report.posted and "Posted" in report.lines()[0]
    paid, partial, denied = (Claim.get_by_id(c.id) for c in claims)
    assert (paid.status, paid.paid_cents, paid.adjusted_cents) == ("paid", 12000, 0)
    # The payer paid its part; the patient's share (PR, 40.00) is still owed on the claim,
    # now by the patient: it is on their account, and the claim is partially paid.
    assert (partial.status, partial.paid_cents, partial.adjusted_cents) == ("partial", 6000, 2000)
    assert denied.status == "denied" and denied.paid_cents == denied.adjusted_cents == 0
    share = AccountEntry.select().where(AccountEntry.description.contains(f"Claim {partial.id}"))
    assert sum(e.cents for e in share) == 4000  # PR-2 and PR-1 moved to the patient
    codes = {(p.group_code, p.reason_code, p.remark_codes) for p in partial.postings}
    assert ("PR", "2", "N130") in codes
    money = posting.post_patient_payment(biller, partial.id, "40", "check", "1001")
    assert money.status == "paid" and money.balance_cents == 0 and money.patient_cents == 4000
    assert sum(e.cents for e in account.clone()) == owed_before
    # Again: the same file posts nothing and says so.
    count = ClaimPosting.select().count()
    with pytest.raises(ServiceError, match="imported on"):
        remittance.import_835(biller, path)
    # The same payment (check number and claims) in another file: nothing posted twice.
    other = _file(tmp_path, _remit(claims, plb=(("WO", 500),)).replace("*0900*", "*0901*"), "b")
    with pytest.raises(ServiceError, match="posted before"):
        remittance.import_835(biller, other)
    assert ClaimPosting.select().count() == count
    assert Remittance.select().count() == remits + 1


def test_unmatched_claim_is_reported_and_not_posted(sent, tmp_path):
    biller, claims = sent
    preview = remittance.import_835(
        biller, _file(tmp_path, _remit(claims, ref="999999")), dry_run=True
    )
    # CLP01 unknown; three claims share this member id, date of service and charge.
    assert "several claims" in preview.unmatched[0].note
    ids = [claims[1].id, claims[2].id]
    Claim.update(service_date=DAY - dt.timedelta(days=1)).where(Claim.id << ids).execute()
    report = remittance.import_835(biller, _file(tmp_path, _remit(claims, ref="999999"), "a2"))
    # Now the member id, date of service and charge find the one claim.
    assert len(report.matched) == 3 and report.matched[0].claim_id == claims[0].id
    text = _remit(claims, check_no="CHK200").replace("*MI*", "*MI*X", 1)
    text = text.replace(f"CLP*{claims[0].id}*", "CLP*888888*", 1)
    report = remittance.import_835(biller, _file(tmp_path, text, "c"))
    assert len(report.unmatched) == 1 and report.unmatched[0].claim_ref == "888888"
    # A payer's reversal (CLP02 22) is reported, never posted on its own.
    text = _remit(claims, check_no="CHK300").replace(
        f"CLP*{claims[1].id}*1*", f"CLP*{claims[1].id}*22*"
    )
    report = remittance.import_835(biller, _file(tmp_path, text, "d"), dry_run=True)
    assert "reversal" in report.unmatched[0].note and len(report.matched) == 2


def test_malformed_or_unbalanced_is_refused_whole(sent, tmp_path):
    biller, claims = sent
    text = _remit(claims)
    posted = ClaimPosting.select().where(ClaimPosting.remittance.is_null(False)).count()
    bad = [
        text[: len(text) // 2],  # truncated
        text.replace("BPR*I*180*", "BPR*I*181*"),  # BPR02 is not the sum of CLP04
        text.replace("SVC*HC:99213*100*60", "SVC*HC:99213*100*61"),  # a line off balance
        text.replace("ST*835", "ST*837"),
    ]
    for n, broken in enumerate(bad):
        with pytest.raises(ServiceError, match="refused|nothing posted"):
            remittance.import_835(biller, _file(tmp_path, broken, f"bad{n}"))
    assert ClaimPosting.select().where(ClaimPosting.remittance.is_null(False)).count() == posted


def test_payments_by_hand_reversal_and_permissions(sent):
    biller, claims = sent
    c = claims[0]
    money = posting.post_eob(biller, c.id, c.version, [(1, "80.00", [("CO", "45", "20")])], "EOB7")
    assert (money.paid_cents, money.adjusted_cents, money.balance_cents) == (8000, 2000, 2000)
    assert money.status == "partial"
    with pytest.raises(ValidationError):
        posting.post_eob(biller, c.id, money.version, [(2, "1.234", [])], "EOB8")
    with pytest.raises(ValidationError, match="balance"):
        posting.post_eob(biller, c.id, money.version, [(2, "50", [])], "EOB8")
    with pytest.raises(ValidationError):
        posting.post_eob(biller, c.id, money.version, [(2, "5", [("XX", "45", "1")])], "EOB8")
    with pytest.raises(PermissionDenied):
        posting.write_off(find_staff("desk"), c.id, money.version, "20", "small balance")
    money = posting.write_off(biller, c.id, money.version, "20", "small balance")
    assert money.status == "paid" and money.balance_cents == 0
    payment = next(p for p in money.postings if p.kind == "payer_payment")
    money = posting.reverse_posting(biller, payment.posting_id, "posted to the wrong claim")
    assert money.paid_cents == 0 and money.balance_cents == 8000 and money.status == "accepted"
    with pytest.raises(ValidationError, match="reversed already"):
        posting.reverse_posting(biller, payment.posting_id, "again")
    assert ClaimPosting.get_by_id(payment.posting_id).cents == 8000  # never edited
    money = posting.post_patient_payment(find_staff("desk"), c.id, "15", "check", "1042")
    entry = AccountEntry.select().order_by(AccountEntry.id.desc()).first()
    assert entry.cents == -1500 and entry.kind == "payment"
    assert AuditEvent.select().where(AuditEvent.action == "claim.reversal").exists()


def test_demo_835_answers_the_demo_submitted_claims(demo_db, tmp_path):
    biller = find_staff("billing")
    path, count = demo835.write_demo_remittance(biller, tmp_path / "demo.835")
    assert count > 0 and check(path.read_text()).valid
    report = remittance.import_835(biller, path)
    assert len(report.matched) == count and report.balanced
    statuses = {Claim.get_by_id(r.claim_id).status for r in report.matched}
    assert {"paid", "partial", "denied"} <= statuses


def test_reason_descriptions_all_or_nothing_and_the_denials_worklist(demo_db, tmp_path):
    biller = find_staff("billing")
    good = tmp_path / "carc.csv"
    good.write_text(
        "code,description\n45,Charge exceeds fee schedule\nN115,Decision based on LCD\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("code,description\n50,Not medically necessary\nnot a code,x\n97\n")
    with pytest.raises(reasons.ReasonsRefused) as refused:
        reasons.import_reasons_file(biller, bad)
    assert [line for line, _why in refused.value.problems] == [3, 4]
    assert reasons.import_reasons_file(biller, good) == 2
    with pytest.raises(PermissionDenied):
        reasons.import_reasons_file(find_staff("desk"), good)
    assert remittance.describe_codes(biller, "CO-45 CO-50") == [
        "CO-45: Charge exceeds fee schedule",
        "CO-50: (no description imported)",
    ]
    path, _count = demo835.write_demo_remittance(biller, tmp_path / "demo.835")
    remittance.import_835(biller, path)
    groups = worklists.denial_groups(biller, "reason")
    co50 = next(g for g in groups if g.key == "CO-50")
    page = worklists.denials_page(biller, "reason", co50.key)
    assert len(page.rows) == co50.claims and page.next_after is None
    assert all(Claim.get_by_id(d.claim_id).status == "denied" for d in page.rows)
    assert any("CO-50" in d.note and "N115" in d.note for d in page.rows)
