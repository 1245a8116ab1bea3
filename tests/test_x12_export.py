"""837P out (issue 11 item 4): every file the export writes passes pyx12's validator."""

from __future__ import annotations

import stat

import pytest

from moa_tui.db.models import Claim, ClaimStatusChange, X12Batch, X12BatchClaim
from moa_tui.services.billing.x12 import export
from moa_tui.services.billing.x12.checker import check
from moa_tui.services.errors import ServiceError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff
from tests.x12_helpers import DIAGNOSES, patient, payer, post_primary, ready_claim


@pytest.fixture
def biller(demo_db):
    Claim.update(status="draft").where(Claim.status == "ready").execute()
    return find_staff("billing")


def _valid(text: str) -> None:
    verdict = check(text)
    assert verdict.valid, verdict.errors


def test_every_file_validates_12_diagnoses_4_modifiers_apostrophe_secondary(biller, tmp_path):
    pt = patient()
    acme, big = payer("Acme Health", "ACME1"), payer("Big Payer", "BIG01")
    full = ready_claim(pt, acme, diagnoses=DIAGNOSES,
                       lines=(("99213", "25 59 GT 95", 12500), ("J3420", "", 2000)))  # fmt: skip
    primary = ready_claim(pt, big, status="partial")
    post_primary(primary, biller, 6000, [("CO", "45", 2500), ("PR", "2", 1500)])
    second = ready_claim(pt, acme, priority=2, primary=primary, relation="spouse")
    result = export.export_ready_claims(biller, tmp_path)
    assert len(result.written) == 1 and not result.skipped
    text = result.written[0].read_text()
    _valid(text)
    assert "OBRIEN*MARY-KATE" in text and "'" not in text
    assert "HC:99213:25:59:GT:95" in text
    assert any(seg.startswith("HI*") and seg.count("ABF:") == 11 for seg in text.split("~\n"))
    assert "SBR*S" in text and "SVD*BIG01*60" in text and "CAS*CO*45*25" in text
    assert stat.S_IMODE(result.written[0].stat().st_mode) == 0o600
    for c in (full, second):
        c = Claim.get_by_id(c.id)
        assert c.status == "submitted"
        note = c.history.order_by(ClaimStatusChange.id.desc()).first().note
        assert str(X12Batch.select().order_by(X12Batch.id.desc()).get().interchange_no) in note


def test_one_file_per_payer_unique_control_numbers_and_identical_reexport(biller, tmp_path):
    pt = patient("Smith", "Ann")
    a, b = payer("Acme Health", "ACME1"), payer("Big Payer", "BIG01")
    for py in (a, b, a):
        ready_claim(pt, py)
    first = export.export_ready_claims(biller, tmp_path)
    assert sorted(x.claim_count for x in first.batches) == [1, 2]
    ready_claim(pt, b)
    second = export.create_batches(biller)
    made = [x.batch_id for x in (*first.batches, *second.batches)]  # (the demo sent some)
    numbers = [(x.interchange_no, x.group_no) for x in X12Batch.select()]
    assert len({n for n, _g in numbers}) == len({g for _n, g in numbers}) == len(numbers)
    assert len(made) == 3
    assert X12BatchClaim.select().where(X12BatchClaim.batch << made).count() == 4
    for path in first.written:
        _valid(path.read_text())
    again = tmp_path / "again"
    again.mkdir()
    for info in first.batches:
        copy = export.save_batch(biller, info.batch_id, again)
        assert copy.read_bytes() == (tmp_path / info.file_name).read_bytes()
    _valid(export.batch_text(biller, second.batches[0].batch_id)[1])


def test_a_claim_missing_its_member_id_stays_ready_with_the_reason(biller, tmp_path):
    c = ready_claim(patient(), payer("Acme Health", "ACME1"))
    c.coverage.member_id = ""
    c.coverage.save()
    result = export.export_ready_claims(biller, tmp_path)
    assert not result.batches and "member id" in result.skipped[0]
    assert Claim.get_by_id(c.id).status == "ready"


def test_the_check_can_fail(biller, tmp_path):
    ready_claim(patient(), payer("Acme Health", "ACME1"))
    text = export.export_ready_claims(biller, tmp_path).written[0].read_text()
    _valid(text)
    broken = text.replace("CLM*", "CLX*", 1)
    verdict = check(broken)
    assert not verdict.valid and any("CLX" in e for e in verdict.errors)
    assert not check(text.replace("HI*ABK:", "HI*ZZZ:", 1)).valid
    assert not check("not an X12 file").valid


def test_refused_without_permission_or_practice_data(biller, tmp_path):
    from moa_tui.db.models import ClinicSettings

    with pytest.raises(PermissionDenied):
        export.create_batches(find_staff("nurse"))
    ClinicSettings.update(npi="").execute()
    with pytest.raises(ServiceError, match="NPI"):
        export.create_batches(biller)


def test_claims_the_scrubber_made_ready_go_out_valid(biller, tmp_path):
    """The whole path: a checked-out visit coded through charge capture and scrubbed
    ready (services/billing), then sent; a secondary claim after a paid primary too."""
    from moa_tui.db.models import Coverage
    from moa_tui.services.billing.charges import (
        add_diagnosis,
        save_line,
        start_charges,
    )
    from moa_tui.services.billing.scrubber import scrub_claim
    from moa_tui.services.billing.unbilled import unbilled_visits

    page = unbilled_visits(biller, limit=100)
    insured = [
        r for r in page.rows if Coverage.select().where(Coverage.patient == r.patient_id).exists()
    ]
    sheet = start_charges(biller, insured[0].appointment_id)
    sheet = add_diagnosis(biller, sheet.claim_id, sheet.version, "M54.50")
    sheet = add_diagnosis(biller, sheet.claim_id, sheet.version, "i10")
    sheet = save_line(biller, sheet.claim_id, sheet.version, None, {"code": "G0438"})
    line = {"code": "j3420", "units": "2", "pointers": "2", "modifiers": "25 59"}
    sheet = save_line(biller, sheet.claim_id, sheet.version, None, line)
    result = scrub_claim(biller, sheet.claim_id)
    assert result.status == "ready", result.problems
    exported = export.export_ready_claims(biller, tmp_path)
    assert not exported.skipped and len(exported.written) == 1
    _valid(exported.written[0].read_text())
    assert Claim.get_by_id(sheet.claim_id).status == "submitted"
    # A secondary claim whose primary has only its sums (paid 100.00), no posting rows.
    claim = Claim.get_by_id(sheet.claim_id)
    primary = Claim.create(
        patient=claim.patient_id, payer=claim.payer_id, provider=claim.provider_id,
        service_date=claim.service_date, status="paid", total_cents=claim.total_cents,
        paid_cents=10000, adjusted_cents=claim.total_cents - 10000, coverage=claim.coverage_id,
    )  # fmt: skip
    second = ready_claim(Claim.get_by_id(claim.id).patient, payer("Big Payer", "BIG01"),
                         priority=2, primary=primary)  # fmt: skip
    out = tmp_path / "second"
    out.mkdir()
    exported = export.export_ready_claims(biller, out)
    assert not exported.skipped, exported.skipped
    text = exported.written[0].read_text()
    _valid(text)
    assert "AMT*D*100~" in text and Claim.get_by_id(second.id).status == "submitted"
